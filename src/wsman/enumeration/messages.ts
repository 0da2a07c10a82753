/**
 * The parts of WS-Enumeration every enumerable resource shares, whatever its items are
 * (CIM instances in ops/enumerate.ts, the shells of the WinRS plugin): reading the
 * Enumerate/Pull/Release body and MaxElements, the room a reply leaves for items, and the
 * EnumerateResponse and PullResponse envelopes (DSP0226 §8, MS-WSMV 3.1.4.1.13–17, 4.2.3).
 */
import { child, textOf, type XmlElement } from '../../xml/parse';
import type { XmlWriter } from '../../xml/write';
import { WsmanFault } from '../faults';
import { ACTION, NS } from '../namespaces';
import { writeReply } from '../reply';
import type { OperationContext } from '../ops/context';

/** The body's wsen:<local> element, or the schema fault. */
export function enumerationBody(ctx: OperationContext, local: 'Enumerate' | 'Pull' | 'Release'): XmlElement {
  const el = ctx.req.bodyElement;
  if (!el || el.ns !== NS.enumeration || el.local !== local) {
    throw new WsmanFault('SchemaValidationError', { extra: `The body of this request must be an ${local} element of WS-Enumeration.` });
  }
  return el;
}

/** A positive integer element (MaxElements), or the schema fault; `fallback` when absent. */
export function positiveInt(el: XmlElement | undefined, what: string, fallback: number): number {
  if (!el) return fallback;
  const t = textOf(el).trim();
  if (!/^\d{1,10}$/.test(t) || Number(t) < 1) {
    throw new WsmanFault('SchemaValidationError', { extra: `${what} must be a positive integer, not '${t}'.` });
  }
  return Number(t);
}

/**
 * How many items a request asks for: w:MaxElements of an Enumerate, wsen:MaxElements (or
 * w:) of a Pull. DSP0226 §8.2.3: 1 when absent; MS-WSMV 3.1.4.1.14 caps it at MaxBatchItems.
 */
export function maxElementsOf(ctx: OperationContext, body: XmlElement): number {
  const el = body.local === 'Pull' ? (child(body, NS.enumeration, 'MaxElements') ?? child(body, NS.wsman, 'MaxElements')) : child(body, NS.wsman, 'MaxElements');
  return Math.min(positiveInt(el, 'MaxElements', 1), ctx.host.policy.maxBatchItems);
}

/** The enumeration context a Pull or Release names, or wsen:InvalidEnumerationContext. */
export function contextIdOf(body: XmlElement): string {
  const el = child(body, NS.enumeration, 'EnumerationContext');
  if (!el) throw new WsmanFault('InvalidEnumerationContext');
  return textOf(el);
}

/** Bytes of a reply around its items (the header and the response elements), with room for the context id. */
export function replyOverhead(ctx: OperationContext, kind: 'enumerate' | 'pull'): number {
  const [action, wrapper] = kind === 'enumerate' ? [ACTION.enumerateResponse, 'n:EnumerateResponse'] : [ACTION.pullResponse, 'n:PullResponse'];
  const empty = writeReply(action, ctx.reply, (w) => {
    w.open(wrapper).leaf('n:EnumerationContext', undefined, 'uuid:00000000-0000-0000-0000-000000000000');
    w.open('w:Items').close().leaf('w:EndOfSequence').close();
  });
  return ctx.measure(empty);
}

/**
 * EnumerateResponse: the context (empty when nothing is left: a real Windows reply keeps an
 * empty EnumerationContext next to EndOfSequence), and with OptimizeEnumeration (`items`
 * given) the first items in w:Items, then w:EndOfSequence when they were all.
 */
export function enumerateResponse(ctx: OperationContext, contextId: string | undefined, items: readonly XmlWriter[] | undefined, done: boolean): string {
  return writeReply(ACTION.enumerateResponse, ctx.reply, (w) => {
    w.open('n:EnumerateResponse');
    w.leaf('n:EnumerationContext', undefined, contextId ?? '');
    if (items) {
      w.open('w:Items');
      for (const x of items) w.append(x);
      w.close();
      if (done) w.leaf('w:EndOfSequence');
    }
    w.close();
  });
}

/** PullResponse: the items, then the context, or (MS-WSMV 4.2.3) none and wsen:EndOfSequence on the last one. */
export function pullResponse(ctx: OperationContext, contextId: string, items: readonly XmlWriter[], done: boolean): string {
  return writeReply(ACTION.pullResponse, ctx.reply, (w) => {
    w.open('n:PullResponse');
    if (!done) w.leaf('n:EnumerationContext', undefined, contextId);
    w.open('n:Items');
    for (const x of items) w.append(x);
    w.close();
    if (done) w.leaf('n:EndOfSequence');
    w.close();
  });
}

export function releaseResponse(ctx: OperationContext): string {
  return writeReply(ACTION.releaseResponse, ctx.reply, () => undefined);
}
