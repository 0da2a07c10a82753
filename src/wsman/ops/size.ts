import { WsmanFault } from '../faults';
import type { OperationContext } from './context';

/**
 * A reply larger than the client's MaxEnvelopeSize (clamped to the host's
 * MaxEnvelopeSizekb) is replaced by w:EncodingLimit / MaxEnvelopeSizeExceeded.
 */
export function checkReplySize(ctx: OperationContext, reply: string): string {
  const size = ctx.measure(reply);
  if (size > ctx.maxReplyBytes) {
    throw new WsmanFault('EncodingLimit', {
      detail: 'MaxEnvelopeSizeExceeded',
      extra: `The reply would be ${size} bytes; the limit for this request is ${ctx.maxReplyBytes}.`,
    });
  }
  return reply;
}
