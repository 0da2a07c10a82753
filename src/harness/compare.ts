/**
 * Where a reply differs from the recorded one (`ipam-emulator conform`, issue 12): the HTTP
 * status, the fault's subcode and WinRM code, then the reply's structure (element names) and
 * values (text and attributes), field by field.
 *
 * Volatile values are not differences: a recorded placeholder matches any live value of its kind
 * (and binds it, so a ShellId the emulator hands out is what the next request sends), dates match
 * any date, and a few values that are clocks by nature (a shell's run and idle time) are not
 * compared. Elements are matched by local name, in order among those of the same name, so the
 * order of different properties does not matter. WinRS output streams are compared as the text
 * they carry, joined per stream and command (a host may cut its output into other chunks).
 */
import { NS } from '../wsman/namespaces';
import type { CassetteReply } from './cassette';
import { attrOf, canonicalTree, childOf, displayQName, elementsOf, textOfCanonical, type CanonicalAttribute, type CanonicalElement } from './canonical';
import { hasPlaceholder, type Bindings } from './placeholders';

export interface Difference {
  /** `status`, `fault.subcode`, `fault.code`, `body`, or a path such as `Body/MSFT_IPAM_Server/DatabaseName` (`@Name` for an attribute). */
  readonly field: string;
  /** The recorded value; null when the recorded reply has no such field. */
  readonly recorded: string | null;
  /** The emulator's value; null when its reply has no such field. */
  readonly emulator: string | null;
}

export interface LiveReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const SHELL_NS = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
/**
 * Values that are clocks (by local name, in any namespace; what they hold too): compared for presence
 * only. A shell's run and idle times, a job's ElapsedTime (CIM_Job).
 */
const VOLATILE_VALUES: ReadonlySet<string> = new Set(['ShellRunTime', 'ShellInactivity', 'ElapsedTime']);
const SHOWN = 300;

function shown(v: string | null): string | null {
  if (v === null || v.length <= SHOWN) return v;
  return `${v.slice(0, SHOWN)}… (${v.length} characters)`;
}

function parse(text: string): CanonicalElement | undefined {
  if (text.trim() === '') return undefined;
  try {
    return canonicalTree(text);
  } catch {
    return undefined;
  }
}

interface FaultFields {
  readonly subcode: string | null;
  readonly code: string | null;
}

function faultOf(envelope: CanonicalElement | undefined): FaultFields | undefined {
  const fault = childOf(childOf(envelope, NS.soap, 'Body'), NS.soap, 'Fault');
  if (!fault) return undefined;
  const value = childOf(childOf(childOf(fault, NS.soap, 'Code'), NS.soap, 'Subcode'), NS.soap, 'Value');
  const wsmanFault = childOf(childOf(fault, NS.soap, 'Detail'), NS.wsmanFault, 'WSManFault');
  return {
    subcode: value ? (value.qname ? displayQName(value.qname) : textOfCanonical(value).trim()) : null,
    code: wsmanFault ? (attrOf(wsmanFault, '', 'Code') ?? null) : null,
  };
}

/** Where the fault fields live, so the walk does not report them twice. */
function isFaultField(el: CanonicalElement, ancestors: readonly CanonicalElement[], attribute?: CanonicalAttribute): boolean {
  if (attribute) return el.ns === NS.wsmanFault && el.local === 'WSManFault' && attribute.ns === '' && attribute.local === 'Code';
  const parent = ancestors[ancestors.length - 1];
  return el.ns === NS.soap && el.local === 'Value' && parent?.ns === NS.soap && parent.local === 'Subcode';
}

function decodeStream(text: string): string {
  const t = text.trim();
  return t === '' ? '' : Buffer.from(t, 'base64').toString('utf8');
}

/** rsp:Stream children joined per (Name, CommandId), decoded; other children as they are. */
function withJoinedStreams(el: CanonicalElement): CanonicalElement {
  if (!el.children.some((c) => typeof c !== 'string' && c.ns === SHELL_NS && c.local === 'Stream')) {
    return elementsOf(el).length === 0 ? el : { ...el, children: el.children.map((c) => (typeof c === 'string' ? c : withJoinedStreams(c))) };
  }
  const joined = new Map<string, { attrs: CanonicalAttribute[]; text: string; end: boolean }>();
  const children: (CanonicalElement | string | { key: string })[] = [];
  for (const c of el.children) {
    if (typeof c === 'string' || c.ns !== SHELL_NS || c.local !== 'Stream') {
      children.push(typeof c === 'string' ? c : withJoinedStreams(c));
      continue;
    }
    const key = `${attrOf(c, '', 'Name') ?? ''}|${(attrOf(c, '', 'CommandId') ?? '').toLowerCase()}`;
    let j = joined.get(key);
    if (!j) {
      j = { attrs: c.attrs.filter((a) => !(a.ns === '' && a.local === 'End')), text: '', end: false };
      joined.set(key, j);
      children.push({ key });
    }
    j.text += decodeStream(textOfCanonical(c));
    j.end ||= attrOf(c, '', 'End')?.toLowerCase() === 'true';
  }
  return {
    ...el,
    children: children.map((c) => {
      if (typeof c === 'string' || !('key' in c)) return c;
      const j = joined.get(c.key) as { attrs: CanonicalAttribute[]; text: string; end: boolean };
      const attrs = j.end ? [...j.attrs, { ns: '', local: 'End', value: 'true' }] : j.attrs;
      return { ns: SHELL_NS, local: 'Stream', attrs, children: j.text === '' ? [] : [j.text] };
    }),
  };
}

function leafValue(el: CanonicalElement): string | undefined {
  if (el.qname) return textOfCanonical(el);
  return elementsOf(el).length === 0 ? textOfCanonical(el) : undefined;
}

/** What an element is, for a report: its value if it is a leaf, else its name. */
function summary(el: CanonicalElement): string {
  const v = leafValue(el);
  return v !== undefined ? v : `<${el.local}>`;
}

class Walk {
  readonly out: Difference[] = [];
  private readonly pending = new Map<string, string>();
  private readonly captures: (readonly [string, string])[] = [];

  constructor(private readonly bindings: Bindings) {}

  private same(recorded: string, live: string): boolean {
    if (recorded === live) return true;
    if (!hasPlaceholder(recorded)) return recorded.trim() === live.trim();
    const c = this.bindings.match(recorded.trim(), live.trim(), this.pending);
    if (!c) return false;
    this.captures.push(...c);
    return true;
  }

  private diff(field: string, recorded: string | null, emulator: string | null): void {
    this.out.push({ field, recorded: shown(recorded), emulator: shown(emulator) });
  }

  commit(): void {
    this.bindings.commit(this.captures);
  }

  element(rec: CanonicalElement, live: CanonicalElement, path: string, ancestors: CanonicalElement[]): void {
    if (rec.ns !== live.ns) this.diff(`${path} (namespace)`, rec.ns, live.ns);
    const volatile = VOLATILE_VALUES.has(rec.local) || ancestors.some((a) => VOLATILE_VALUES.has(a.local));
    // Attributes, by expanded name.
    const keys = new Map<string, CanonicalAttribute>();
    for (const a of [...rec.attrs, ...live.attrs]) keys.set(`${a.ns}|${a.local}`, a);
    for (const [key, a] of keys) {
      if (isFaultField(rec, ancestors, a)) continue;
      const r = rec.attrs.find((x) => `${x.ns}|${x.local}` === key);
      const l = live.attrs.find((x) => `${x.ns}|${x.local}` === key);
      const rv = r ? (r.qname ? displayQName(r.qname) : r.value) : null;
      const lv = l ? (l.qname ? displayQName(l.qname) : l.value) : null;
      if (rv === null || lv === null ? rv !== lv : !this.same(rv, lv)) this.diff(`${path}@${a.local}`, rv, lv);
    }
    const rv = leafValue(rec);
    const lv = leafValue(live);
    if (rv !== undefined || lv !== undefined) {
      if (rv === undefined || lv === undefined) this.diff(path, summary(rec), summary(live));
      else if (!volatile && !isFaultField(rec, ancestors) && !this.same(rv, lv)) this.diff(path, rv, lv);
      return;
    }
    this.children(rec, live, path, ancestors);
  }

  private children(rec: CanonicalElement, live: CanonicalElement, path: string, ancestors: CanonicalElement[]): void {
    const group = (el: CanonicalElement): Map<string, CanonicalElement[]> => {
      const m = new Map<string, CanonicalElement[]>();
      for (const c of elementsOf(el)) {
        const list = m.get(c.local) ?? [];
        list.push(c);
        m.set(c.local, list);
      }
      return m;
    };
    const r = group(rec);
    const l = group(live);
    ancestors.push(rec);
    for (const name of new Set([...r.keys(), ...l.keys()])) {
      const rs = r.get(name) ?? [];
      const ls = l.get(name) ?? [];
      const n = Math.max(rs.length, ls.length);
      for (let i = 0; i < n; i++) {
        const at = `${path}/${name}${n > 1 ? `[${i}]` : ''}`;
        const re = rs[i];
        const le = ls[i];
        if (re && le) this.element(re, le, at, ancestors);
        else this.diff(at, re ? summary(re) : null, le ? summary(le) : null);
      }
    }
    ancestors.pop();
  }
}

/**
 * The differences between a recorded reply and a live one; binds the placeholders the live reply
 * fills in (in `bindings`) as it goes.
 */
export function compareReplies(recorded: CassetteReply, live: LiveReply, bindings: Bindings): Difference[] {
  const out: Difference[] = [];
  if (recorded.status !== live.status) out.push({ field: 'status', recorded: String(recorded.status), emulator: String(live.status) });
  const rec = parse(recorded.body);
  const cur = parse(live.body);
  if (!rec || !cur) {
    const r = recorded.body.trim();
    const l = live.body.trim();
    if (r !== l) out.push({ field: 'body', recorded: shown(rec ? '<Envelope>' : r), emulator: shown(cur ? '<Envelope>' : l) });
    return out;
  }
  const rf = faultOf(rec);
  const lf = faultOf(cur);
  if (rf || lf) {
    if ((rf?.subcode ?? null) !== (lf?.subcode ?? null)) out.push({ field: 'fault.subcode', recorded: rf?.subcode ?? null, emulator: lf?.subcode ?? null });
    if ((rf?.code ?? null) !== (lf?.code ?? null)) out.push({ field: 'fault.code', recorded: rf?.code ?? null, emulator: lf?.code ?? null });
    if (!rf || !lf) {
      // A fault against a reply: their bodies have nothing to compare field by field.
      const first = (t: CanonicalElement): string | null => {
        const e = elementsOf(childOf(t, NS.soap, 'Body') ?? t)[0];
        return e ? `<${e.local}>` : null;
      };
      out.push({ field: 'Body', recorded: first(rec), emulator: first(cur) });
      return out;
    }
  }
  const walk = new Walk(bindings);
  const rt = withJoinedStreams(rec);
  const lt = withJoinedStreams(cur);
  if (rt.local !== lt.local || rt.ns !== lt.ns) walk.out.push({ field: '(root)', recorded: rt.local, emulator: lt.local });
  else {
    for (const part of ['Header', 'Body']) {
      const r = childOf(rt, NS.soap, part);
      const l = childOf(lt, NS.soap, part);
      if (r && l) walk.element(r, l, part, [rt]);
      else if (r || l) walk.out.push({ field: part, recorded: r ? `<${part}>` : null, emulator: l ? `<${part}>` : null });
    }
  }
  walk.commit();
  return [...out, ...walk.out];
}
