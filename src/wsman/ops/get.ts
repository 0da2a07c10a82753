/**
 * WS-Transfer Get of one instance (MS-WSMV 3.1.4.1.x, DSP0226 §7.3): the
 * SelectorSet must name every key; a missing instance is the "cannot find the
 * resource" fault Windows' WMI plugin gives (a:DestinationUnreachable, 2150858752).
 */
import { ValueEncoder } from '../../cim/valueCodec';
import type { CimInstance, CimReference, ResolvedClass } from '../../cim/types';
import { WsmanFault } from '../faults';
import { ACTION } from '../namespaces';
import { writeReply } from '../reply';
import { instanceMatches, selectorsToReference } from '../selectors';
import { getClass } from './getClass';
import { checkReplySize } from './size';
import { codecFor, providerContext, resolveFor, type OperationContext } from './context';

export async function get(ctx: OperationContext): Promise<string> {
  const res = resolveFor(ctx);
  if (res.isClassSchema) return getClass(ctx, res);
  if (!res.cls) {
    throw new WsmanFault('DestinationUnreachable', { detail: 'InvalidResourceURI', extra: 'Get needs the resource URI of a class, not a wildcard.' });
  }
  const ref = selectorsToReference(res.cls, res.keySelectors);
  const inst = await findInstance(ctx, res.cls, ref);
  if (!inst) {
    throw new WsmanFault('DestinationUnreachable', {
      detail: 'InvalidResourceURI',
      extra: `No ${res.cls.name} instance has ${ref.keys.map((k) => `${k.name}=${k.value}`).join(', ')}.`,
    });
  }
  const encoder = new ValueEncoder(codecFor(ctx, res.form));
  return checkReplySize(ctx, writeReply(ACTION.getResponse, ctx.reply, (w) => encoder.writeInstance(w, inst)));
}

/** Looks for the instance in the class and its subclasses (a Get on CIM_ConcreteJob finds an MSFT_IPAM_ConcreteJob). */
export async function findInstance(ctx: OperationContext, cls: ResolvedClass, ref: CimReference): Promise<CimInstance | undefined> {
  const pctx = providerContext(ctx);
  for (const { cls: c, provider } of ctx.services.providers.served(cls)) {
    const found = provider.getInstance
      ? await provider.getInstance(pctx, c, { ...ref, className: c.name })
      : (await provider.enumerateInstances(pctx, c)).find((i) => instanceMatches(i, ref));
    if (found) return found;
  }
  return undefined;
}
