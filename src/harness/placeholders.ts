/**
 * Volatile values in recorded traffic, and the placeholders that stand for them (issue 12).
 *
 * A cassette must match a later run whose MessageIDs, ShellIds, enumeration contexts, job ids
 * and clocks all differ. So, when recording, each such value becomes a placeholder that keeps
 * its identity within the cassette: the same GUID is the same placeholder wherever it appears
 * (a ShellId handed out in one reply and sent back in every later request), and two different
 * ones are different placeholders.
 *
 *   {{MessageID-3}}        a whole a:MessageID / a:RelatesTo value (the RelatesTo of a reply
 *                          is the MessageID placeholder of its request)
 *   {{ShellId-1}}          a GUID first seen at a ShellId (element, attribute or selector),
 *   {{CommandId-2}}        CommandId, EnumerationContext (`uuid:{{EnumerationContext-1}}`),
 *   {{EnumerationContext-1}} InstanceID (`IPAM:Job:{{InstanceID-1}}`), SessionId, ActivityId,
 *   {{InstanceID-1}}       OperationID; written upper case, `|lc` when it was lower case
 *   {{dateTime-1}}         a whole xs:dateTime value
 *   {{cimDateTime-1}}      a whole CIM datetime (yyyymmddHHMMSS.mmmmmmsUUU)
 *
 * `Normaliser` puts placeholders in while recording. `Bindings` does the opposite for a run
 * (replay, conform): it matches recorded text with placeholders against live text, binding each
 * placeholder to the live value it stands for, and renders recorded text with the bound values
 * (a fresh GUID, MessageID or the current time for a placeholder not bound yet).
 */
import { NS } from '../wsman/namespaces';
import { mapValues, visit, type CanonicalAttribute, type CanonicalElement } from './canonical';

export const GUID_KINDS = ['ShellId', 'CommandId', 'EnumerationContext', 'InstanceID', 'SessionId', 'ActivityId', 'OperationID'] as const;
export type GuidKind = (typeof GUID_KINDS)[number];
export type PlaceholderKind = GuidKind | 'MessageID' | 'dateTime' | 'cimDateTime';

const GUID_SOURCE = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';
const GUID_ANYWHERE = new RegExp(GUID_SOURCE, 'g');
const XS_DATETIME_SOURCE = '-?\\d{4,}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})?';
const CIM_DATETIME_SOURCE = '\\d{14}\\.\\d{6}[+-]\\d{3}';
const XS_DATETIME = new RegExp(`^${XS_DATETIME_SOURCE}$`);
const CIM_DATETIME = new RegExp(`^${CIM_DATETIME_SOURCE}$`);

/** Any placeholder in text. */
export const PLACEHOLDER = /\{\{([A-Za-z]+)-(\d+)(\|lc)?\}\}/g;

/** Where a GUID is a volatile identifier: element and attribute local names, and selector names. */
const SITE_KINDS: ReadonlyMap<string, GuidKind> = new Map(GUID_KINDS.map((k) => [k.toLowerCase(), k]));

const isGuidKind = (kind: string): kind is GuidKind => SITE_KINDS.get(kind.toLowerCase()) === kind;

/** The element holds a whole MessageID (a:MessageID, a:RelatesTo). */
function isMessageIdElement(el: CanonicalElement): boolean {
  return el.ns === NS.addressing && (el.local === 'MessageID' || el.local === 'RelatesTo');
}

/** The kind of identifier an element's text or an attribute's value holds, if it is a volatile-identifier site. */
function siteKind(owner: CanonicalElement, attribute: CanonicalAttribute | undefined): GuidKind | undefined {
  if (attribute) return attribute.ns === '' ? SITE_KINDS.get(attribute.local.toLowerCase()) : undefined;
  if (owner.ns === NS.wsman && owner.local === 'Selector') {
    const name = owner.attrs.find((a) => a.ns === '' && a.local === 'Name')?.value;
    return name === undefined ? undefined : SITE_KINDS.get(name.toLowerCase());
  }
  return SITE_KINDS.get(owner.local.toLowerCase());
}

/** Text with no element children of its own: the value of a leaf. */
function leafText(el: CanonicalElement): string | undefined {
  if (el.children.length === 0) return undefined;
  return el.children.every((c) => typeof c === 'string') ? (el.children as string[]).join('') : undefined;
}

/**
 * Puts placeholders into recorded traffic. One per cassette: identity holds across entries
 * (a ShellId from entry 3's reply is the same placeholder in entry 9's request).
 */
export class Normaliser {
  private readonly guids = new Map<string, string>();
  private readonly messageIds = new Map<string, string>();
  private readonly dates = new Map<string, string>();
  private readonly counters = new Map<PlaceholderKind, number>();

  private next(kind: PlaceholderKind): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${kind}-${n}`;
  }

  /**
   * Normalises one exchange: the request first, then its reply (which may be absent or not XML).
   * GUIDs are registered at the identifier sites of both, then replaced wherever they occur.
   */
  normaliseExchange(request: CanonicalElement, reply: CanonicalElement | undefined): { request: CanonicalElement; reply: CanonicalElement | undefined } {
    for (const tree of reply ? [request, reply] : [request]) this.register(tree);
    return { request: this.replace(request), reply: reply ? this.replace(reply) : undefined };
  }

  /** Text that is not XML (a reply body that is not SOAP): registered GUIDs replaced, nothing registered. */
  normaliseText(text: string): string {
    return this.replaceGuids(text);
  }

  private register(tree: CanonicalElement): void {
    visit(tree, (el) => {
      if (isMessageIdElement(el)) {
        const v = leafText(el)?.trim();
        if (v && !this.messageIds.has(v)) this.messageIds.set(v, this.next('MessageID'));
        return;
      }
      const text = leafText(el);
      const kind = siteKind(el, undefined);
      if (kind && text !== undefined) this.registerGuids(text, kind);
      for (const a of el.attrs) {
        const k = a.qname ? undefined : siteKind(el, a);
        if (k) this.registerGuids(a.value, k);
      }
    });
  }

  private registerGuids(text: string, kind: GuidKind): void {
    for (const m of text.matchAll(GUID_ANYWHERE)) {
      const key = m[0].toLowerCase();
      if (!this.guids.has(key)) this.guids.set(key, this.next(kind));
    }
  }

  private replaceGuids(text: string): string {
    if (this.guids.size === 0) return text;
    return text.replace(GUID_ANYWHERE, (g) => {
      const base = this.guids.get(g.toLowerCase());
      if (!base) return g;
      return g === g.toLowerCase() && g !== g.toUpperCase() ? `{{${base}|lc}}` : `{{${base}}}`;
    });
  }

  private replace(tree: CanonicalElement): CanonicalElement {
    return mapValues(tree, (value, owner, attribute) => {
      if (!attribute && isMessageIdElement(owner)) {
        const base = this.messageIds.get(value.trim());
        if (base) return `{{${base}}}`;
      }
      const trimmed = value.trim();
      const dateKind = XS_DATETIME.test(trimmed) ? 'dateTime' : CIM_DATETIME.test(trimmed) ? 'cimDateTime' : undefined;
      if (dateKind) {
        let base = this.dates.get(trimmed);
        if (!base) {
          base = this.next(dateKind);
          this.dates.set(trimmed, base);
        }
        return `{{${base}}}`;
      }
      return this.replaceGuids(value);
    });
  }
}

/** The regular expression a placeholder of this kind matches in live text. */
function patternOf(kind: string): string {
  if (kind === 'MessageID') return '([\\s\\S]+?)';
  if (kind === 'dateTime') return `(${XS_DATETIME_SOURCE})`;
  if (kind === 'cimDateTime') return `(${CIM_DATETIME_SOURCE})`;
  if (isGuidKind(kind)) return `(${GUID_SOURCE})`;
  // Not one of ours (a hand-edited cassette, or text that happens to look like one): matched literally.
  return '';
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Template {
  readonly regex: RegExp | undefined;
  /** The placeholder (base, kind) of each capture group, in order. */
  readonly slots: readonly { readonly base: string; readonly kind: string }[];
}

const templates = new Map<string, Template>();

function templateOf(recorded: string): Template {
  let t = templates.get(recorded);
  if (t) return t;
  const slots: { base: string; kind: string }[] = [];
  let source = '';
  let last = 0;
  for (const m of recorded.matchAll(PLACEHOLDER)) {
    const kind = m[1] as string;
    const pattern = patternOf(kind);
    source += escapeRegExp(recorded.slice(last, m.index));
    if (pattern === '') source += escapeRegExp(m[0]);
    else {
      source += pattern;
      slots.push({ base: `${kind}-${m[2] as string}`, kind });
    }
    last = (m.index as number) + m[0].length;
  }
  source += escapeRegExp(recorded.slice(last));
  t = { regex: slots.length > 0 ? new RegExp(`^${source}$`) : undefined, slots };
  if (templates.size > 10_000) templates.clear();
  templates.set(recorded, t);
  return t;
}

/** True when recorded text holds a placeholder. */
export function hasPlaceholder(text: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  const found = PLACEHOLDER.test(text);
  PLACEHOLDER.lastIndex = 0;
  return found;
}

/** The bindings a successful match would add. */
export type Captures = ReadonlyArray<readonly [base: string, value: string]>;

export interface BindingSources {
  /** A fresh GUID (lower or upper case does not matter: placeholders say which). */
  readonly uuid: () => string;
  readonly now: () => Date;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A CIM datetime in UTC (DSP0004 §5.2.4). */
function cimDateTime(d: Date): string {
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}` +
    `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds() * 1000, 6)}+000`
  );
}

/**
 * Placeholders bound to the live values of one run (a replaying server, a conform run):
 * identity both ways (a live GUID stands for one placeholder only).
 */
export class Bindings {
  private readonly live = new Map<string, string>();
  private readonly byLive = new Map<string, string>();

  constructor(private readonly sources: BindingSources) {}

  /** The live value a placeholder is bound to. */
  valueOf(base: string): string | undefined {
    return this.live.get(base);
  }

  private static key(kind: string, value: string): string {
    return kind === 'MessageID' ? `m:${value}` : `g:${value.toLowerCase()}`;
  }

  bind(base: string, value: string): void {
    const kind = base.slice(0, base.lastIndexOf('-'));
    if (kind === 'dateTime' || kind === 'cimDateTime') {
      this.live.set(base, value);
      return;
    }
    const old = this.live.get(base);
    if (old !== undefined) this.byLive.delete(Bindings.key(kind, old));
    this.live.set(base, value);
    this.byLive.set(Bindings.key(kind, value), base);
  }

  commit(captures: Captures): void {
    for (const [base, value] of captures) this.bind(base, value);
  }

  /**
   * Matches recorded text against live text: equal outside the placeholders, each placeholder
   * matching a value of its kind that agrees with its binding (GUIDs and MessageIDs; dates are
   * volatile and match any date). Returns the new bindings, or undefined when they differ.
   */
  match(recorded: string, live: string, pending: Map<string, string> = new Map()): Captures | undefined {
    const t = templateOf(recorded);
    if (!t.regex) return recorded === live ? [] : undefined;
    const m = t.regex.exec(live);
    if (!m) return undefined;
    const out: [string, string][] = [];
    for (let i = 0; i < t.slots.length; i++) {
      const { base, kind } = t.slots[i] as { base: string; kind: string };
      const value = m[i + 1] as string;
      if (kind === 'dateTime' || kind === 'cimDateTime') continue;
      const bound = pending.get(base) ?? this.live.get(base);
      const same = (x: string, y: string): boolean => (kind === 'MessageID' ? x === y : x.toLowerCase() === y.toLowerCase());
      if (bound !== undefined) {
        if (!same(bound, value)) return undefined;
        continue;
      }
      // A live value already standing for another placeholder is not this one.
      const other = this.byLive.get(Bindings.key(kind, value));
      if (other !== undefined && other !== base) return undefined;
      pending.set(base, value);
      out.push([base, value]);
    }
    return out;
  }

  /** Recorded text with every placeholder replaced by its live value, binding fresh ones as needed. */
  render(recorded: string): string {
    return recorded.replace(PLACEHOLDER, (whole, kind: string, n: string, lc: string | undefined) => {
      const base = `${kind}-${n}`;
      let value = this.live.get(base);
      if (value === undefined) {
        if (kind === 'MessageID') value = `uuid:${this.sources.uuid().toUpperCase()}`;
        else if (kind === 'dateTime') value = this.sources.now().toISOString();
        else if (kind === 'cimDateTime') value = cimDateTime(this.sources.now());
        else if (isGuidKind(kind)) value = this.sources.uuid().toUpperCase();
        else return whole;
        this.bind(base, value);
      }
      if (isGuidKind(kind)) return lc ? value.toLowerCase() : value.toUpperCase();
      return value;
    });
  }
}
