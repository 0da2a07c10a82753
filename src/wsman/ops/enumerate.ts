/**
 * WS-Enumeration: Enumerate, Pull, Release (DSP0226 §8, MS-WSMV 3.1.4.1.13–17).
 * Filters: WQL (MS-WSMV 3.1.4.1.13) and the WS-Man SelectorFilter dialect.
 * Modes: objects, EPRs, or both (w:EnumerationMode). With OptimizeEnumeration the
 * first items ride in the EnumerateResponse. Replies never exceed the client's
 * MaxEnvelopeSize: items that do not fit stay in the context for the next Pull.
 */
import { matchesWql, parseWql, projectWql, validateWql, type WqlQuery } from '../../cim/wql';
import { ValueEncoder } from '../../cim/valueCodec';
import type { CimInstance, CimReference, ResolvedClass } from '../../cim/types';
import { referenceTo } from '../../cim/values';
import { attr, child, elements, textOf, type XmlElement } from '../../xml/parse';
import { XmlWriter } from '../../xml/write';
import { ConcatItems, ItemArray, KeyedItems, type EnumerationItem, type EnumerationItems, type EnumerationMode, type EnumerationState, type ItemSource } from '../enumeration/contexts';
import { writeEpr } from '../epr';
import { WsmanFault } from '../faults';
import { DIALECT, NS } from '../namespaces';
import { contextIdOf, enumerateResponse, enumerationBody, maxElementsOf, pullResponse, releaseResponse, replyOverhead } from '../enumeration/messages';
import { type ResolvedResource, type UriForm } from '../resource';
import type { Selector } from '../request';
import { instanceMatches } from '../selectors';
import { codecFor, providerContext, resolveFor, type OperationContext } from './context';

const MODES: Readonly<Record<string, EnumerationMode>> = {
  EnumerateObjectAndEPR: 'objectAndEpr',
  EnumerateEPR: 'epr',
};

interface FilterSpec {
  readonly cls: ResolvedClass;
  readonly query?: WqlQuery;
  readonly selectorRef?: Selector[];
}

/** Works out the class to enumerate and how to filter it. */
function readFilter(ctx: OperationContext, res: ResolvedResource, enumerate: XmlElement): FilterSpec {
  const filter = child(enumerate, NS.wsman, 'Filter') ?? child(enumerate, NS.enumeration, 'Filter');
  if (!filter) {
    if (!res.cls) throw new WsmanFault('CannotProcessFilter', { extra: 'Enumerating a wildcard resource URI (*) needs a WQL filter.' });
    return { cls: res.cls };
  }
  const dialect = attr(filter, '', 'Dialect')?.trim();
  if (dialect === DIALECT.wql) {
    const text = textOf(filter);
    let query: WqlQuery;
    try {
      query = parseWql(text);
    } catch (e) {
      throw new WsmanFault('CannotProcessFilter', { extra: `The WQL query is not valid: ${(e as Error).message}.` });
    }
    const cls = ctx.services.registry.getClass(res.namespace, query.className);
    if (!cls) {
      throw new WsmanFault('CannotProcessFilter', { extra: `The specified class ${query.className} does not exist in the ${res.namespace} namespace.` });
    }
    try {
      validateWql(query, cls);
    } catch (e) {
      throw new WsmanFault('CannotProcessFilter', { extra: `The WQL query is not valid: ${(e as Error).message}.` });
    }
    return { cls, query };
  }
  if (dialect === DIALECT.selector) {
    if (!res.cls) throw new WsmanFault('CannotProcessFilter', { extra: 'A SelectorFilter needs the resource URI of a class.' });
    const set = child(filter, NS.wsman, 'SelectorSet');
    // MS-WSMV 3.1.4.1.13: a filter that does not conform is refused (wsen:CannotProcessFilter), never read as
    // "no condition": a SelectorSet of one or more w:Selector elements, nothing else, no quotation marks in values.
    const kids = set ? elements(set) : [];
    if (!set || kids.length === 0 || kids.some((k) => k.ns !== NS.wsman || k.local !== 'Selector') || set.children.some((c) => typeof c === 'string' && c.trim() !== '')) {
      throw new WsmanFault('CannotProcessFilter', { extra: 'A SelectorFilter holds a SelectorSet of one or more w:Selector elements and nothing else.' });
    }
    const selectors: Selector[] = kids.map((s) => {
      if (elements(s).length > 0) throw new WsmanFault('CannotProcessFilter', { extra: 'A selector value is text, not markup.' });
      return { name: attr(s, '', 'Name') ?? '', value: textOf(s) };
    });
    const seen = new Set<string>();
    for (const s of selectors) {
      if (/["']/.test(s.value)) {
        throw new WsmanFault('CannotProcessFilter', { extra: `The value of the selector ${s.name} holds a quotation mark, which a SelectorFilter does not allow.` });
      }
      const prop = res.cls.property(s.name);
      // MS-WSMV 3.1.4.1.13: only scalar, non-datetime, non-reference properties; each once.
      if (!prop || prop.isArray || prop.valueType === 'datetime' || prop.valueType === 'reference' || prop.valueType === 'instance') {
        throw new WsmanFault('CannotProcessFilter', { extra: `${s.name} cannot be used in a SelectorFilter of ${res.cls.name}.` });
      }
      if (seen.has(prop.name.toLowerCase())) throw new WsmanFault('CannotProcessFilter', { extra: `The selector ${s.name} is given twice.` });
      seen.add(prop.name.toLowerCase());
    }
    return { cls: res.cls, selectorRef: selectors };
  }
  throw new WsmanFault('FilterDialectRequestedUnavailable', {
    extra: `Supported dialects are ${DIALECT.wql} and ${DIALECT.selector}${dialect ? `, not ${dialect}` : ''}.`,
  });
}

/**
 * The items of an enumeration, in order. Where the provider can fetch an instance by its
 * keys, an item holds only its reference and is loaded when pulled (as it is then: a job
 * pulled later shows its later state; one gone since is skipped); an unfiltered enumeration
 * of such a provider does not even build the instances (enumerateReferences).
 */
async function collect(ctx: OperationContext, spec: FilterSpec): Promise<EnumerationItems> {
  const pctx = providerContext(ctx);
  const parts: EnumerationItems[] = [];
  let items: EnumerationItem[] = [];
  const flush = (): void => {
    if (items.length) parts.push(new ItemArray(items));
    items = [];
  };
  const query = spec.query;
  for (const { cls, provider } of ctx.services.providers.served(spec.cls)) {
    const getInstance = provider.getInstance?.bind(provider);
    const getInstances = provider.getInstances?.bind(provider);
    // An instance loaded at a Pull is as it is then: if it no longer matches the filter, it is skipped.
    const project = (inst: CimInstance | undefined): CimInstance | undefined => {
      if (!inst) return undefined;
      if (query && !matchesWql(query, inst)) return undefined;
      if (spec.selectorRef && !matchesSelectorFilter(cls, inst, spec.selectorRef)) return undefined;
      return query ? projectWql(query, inst) : inst;
    };
    const source: ItemSource | undefined = getInstance && {
      load: async (ref) => project(await getInstance(pctx, cls, ref)),
      loadMany: async (refs) =>
        getInstances ? (await getInstances(pctx, cls, refs)).map(project) : Promise.all(refs.map(async (ref) => project(await getInstance(pctx, cls, ref)))),
    };
    if (source && !query && !spec.selectorRef && provider.enumerateReferences) {
      const references = await provider.enumerateReferences(pctx, cls);
      const keyed = KeyedItems.of(references, source);
      if (keyed) {
        flush();
        parts.push(keyed);
      } else {
        for (const reference of references) items.push({ reference, source });
      }
      continue;
    }
    for (const inst of await provider.enumerateInstances(pctx, cls)) {
      if (query && !matchesWql(query, inst)) continue;
      if (spec.selectorRef && !matchesSelectorFilter(cls, inst, spec.selectorRef)) continue;
      const reference = referenceTo(cls, inst);
      items.push(source ? { reference, source } : { reference, instance: query ? projectWql(query, inst) : inst });
    }
  }
  flush();
  return parts.length === 1 ? (parts[0] as EnumerationItems) : new ConcatItems(parts);
}

function matchesSelectorFilter(cls: ResolvedClass, inst: CimInstance, selectors: Selector[]): boolean {
  // Reuse key matching: build a reference over the filter's properties.
  const ref = {
    kind: 'reference' as const,
    className: cls.name,
    namespace: cls.namespace,
    keys: selectors.map((s) => ({ name: cls.property(s.name)?.name ?? s.name, value: s.value })),
  };
  return instanceMatches(inst, ref);
}

/**
 * Instances loaded per call: enough to fill most replies at once, few enough that what does not
 * fit (read again by the next Pull) stays cheap whatever MaxElements says (PowerShell asks 32,000).
 */
const LOAD_CHUNK = 128;

/** Loads up to `count` (at most LOAD_CHUNK) items from `from` on that share its source, in one call, into `into` by index. */
async function loadPage(items: EnumerationItems, from: number, count: number, into: Map<number, CimInstance | undefined>): Promise<void> {
  // Items without a source always carry their instance (collect): only loadable ones come here.
  const source = items.at(from).source as ItemSource;
  count = Math.min(count, LOAD_CHUNK);
  const indexes: number[] = [];
  const references: CimReference[] = [];
  for (let j = from; j < items.length && indexes.length < count; j++) {
    const item = items.at(j);
    if (item.source !== source) break;
    indexes.push(j);
    references.push(item.reference);
  }
  const instances = await source.loadMany(references);
  indexes.forEach((j, k) => into.set(j, instances[k]));
}

/**
 * Renders the next items that fit; returns their XML and how many items were used up
 * (rendered, or skipped because they are gone).
 */
async function renderBatch(
  ctx: OperationContext,
  form: UriForm,
  mode: EnumerationMode,
  items: EnumerationItems,
  from: number,
  maxElements: number,
  overhead: number,
): Promise<{ writers: XmlWriter[]; consumed: number }> {
  const encoder = new ValueEncoder(codecFor(ctx, form));
  const writers: XmlWriter[] = [];
  let used = overhead;
  let i = from;
  // Items to be loaded are fetched a page at a time (one query where the provider can);
  // what does not fit in this reply is read again by the next Pull, as it is then.
  const loaded = new Map<number, CimInstance | undefined>();
  for (; i < items.length && writers.length < maxElements; i++) {
    const item = items.at(i);
    let instance = item.instance;
    if (mode !== 'epr' && !instance) {
      if (!loaded.has(i)) await loadPage(items, i, maxElements - writers.length, loaded);
      instance = loaded.get(i);
      if (!instance) continue;
    }
    const w = new XmlWriter();
    if (mode === 'objects') encoder.writeInstance(w, instance as CimInstance);
    else if (mode === 'epr') writeEpr(w, item.reference, form);
    else {
      w.open('w:Item');
      encoder.writeInstance(w, instance as CimInstance);
      writeEpr(w, item.reference, form);
      w.close();
    }
    const size = ctx.measure(w.toString());
    if (used + size > ctx.maxReplyBytes) break;
    used += size;
    writers.push(w);
  }
  if (writers.length === 0 && i < items.length && maxElements > 0) {
    throw new WsmanFault('EncodingLimit', {
      detail: 'MaxEnvelopeSizeExceeded',
      extra: `The next item does not fit in a reply of at most ${ctx.maxReplyBytes} bytes.`,
    });
  }
  return { writers, consumed: i - from };
}

function ownerOf(ctx: OperationContext): string {
  return `${ctx.principal.authority}\\${ctx.principal.name}`.toLowerCase();
}

export async function enumerate(ctx: OperationContext): Promise<string> {
  const res = resolveFor(ctx);
  if (res.keySelectors.length > 0) {
    // ERROR_WSMAN_ENUMERATE_... 0x80338108: an Enumerate URI carries no keys.
    throw new WsmanFault('InvalidSelectors', {
      detail: 'UnexpectedSelectors',
      extra: 'Enumerate takes no selectors other than __cimnamespace; use Get, or a SelectorFilter.',
    });
  }
  const body = enumerationBody(ctx, 'Enumerate');
  const modeEl = child(body, NS.wsman, 'EnumerationMode');
  let mode: EnumerationMode = 'objects';
  if (modeEl) {
    const m = MODES[textOf(modeEl).trim()];
    if (!m) throw new WsmanFault('UnsupportedFeature', { detail: 'EnumerationMode', extra: `Unknown EnumerationMode '${textOf(modeEl).trim()}'.` });
    mode = m;
  }
  const optimize = child(body, NS.wsman, 'OptimizeEnumeration') !== undefined;
  const maxElements = maxElementsOf(ctx, body);
  const spec = readFilter(ctx, res, body);
  const items = await collect(ctx, spec);

  let sent = 0;
  let writers: XmlWriter[] = [];
  if (optimize) {
    const batch = await renderBatch(ctx, res.form, mode, items, 0, maxElements, replyOverhead(ctx, 'enumerate'));
    writers = batch.writers;
    sent = batch.consumed;
  }
  const done = optimize && sent === items.length;
  // Timed out meanwhile: the client got w:TimedOut and no context, so none is opened.
  if (ctx.signal.aborted) throw new WsmanFault('TimedOut');
  let state: EnumerationState | undefined;
  if (!done) {
    state = ctx.services.enumerations.create({
      hostFqdn: ctx.host.fqdn,
      owner: ownerOf(ctx),
      mode,
      form: res.form,
      items,
      position: sent,
      timeoutMs: ctx.host.policy.enumerationContextTimeoutMs,
      maxPerHost: ctx.host.policy.maxEnumerationContexts,
    });
  }
  return enumerateResponse(ctx, state?.id, optimize ? writers : undefined, done);
}

export async function pull(ctx: OperationContext): Promise<string> {
  const body = enumerationBody(ctx, 'Pull');
  const state = ctx.services.enumerations.take(contextIdOf(body), ctx.host.fqdn, ownerOf(ctx));
  const maxElements = maxElementsOf(ctx, body);
  if (state.busy) {
    // A client that pulls one context twice at once: one Pull at a time, or the positions would race.
    throw new WsmanFault('InvalidEnumerationContext', { extra: 'Another Pull of this enumeration context is in progress.' });
  }
  state.busy = true;
  ctx.services.enumerations.touch(state);
  let batch: Awaited<ReturnType<typeof renderBatch>>;
  try {
    batch = await renderBatch(ctx, state.form, state.mode, state.items, state.position, maxElements, replyOverhead(ctx, 'pull'));
  } finally {
    state.busy = false;
  }
  // Timed out meanwhile: the client got w:TimedOut, not these items; the next Pull sends them.
  if (ctx.signal.aborted) throw new WsmanFault('TimedOut');
  state.position += batch.consumed;
  const done = state.position >= state.items.length;
  if (done) ctx.services.enumerations.delete(state);
  else ctx.services.enumerations.touch(state);
  return pullResponse(ctx, state.id, batch.writers, done);
}

export function release(ctx: OperationContext): string {
  const state = ctx.services.enumerations.take(contextIdOf(enumerationBody(ctx, 'Release')), ctx.host.fqdn, ownerOf(ctx));
  ctx.services.enumerations.delete(state);
  return releaseResponse(ctx);
}
