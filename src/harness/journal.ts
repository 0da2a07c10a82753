/**
 * The request journal (issue 12): every request to /wsman, as a harness asks about it
 * afterwards (`GET /_emulator/requests`), and the near misses among them
 * (`GET /_emulator/near-misses`). Bounded (`serve --journal-size`, the newest N kept), in
 * memory only, emptied by a fleet reset (a host reset empties that host's entries).
 *
 * One record per request is filled where its facts become known: http/server.ts (client,
 * host, logon, status, duration, refusals at the HTTP layer) and wsman/handler.ts (operation,
 * action, resource, selectors, method parameters, fault). The request's log line and its
 * journal entry are both read from that record (`logLineOf`, `RequestJournal.record`); what
 * only the journal keeps (selectors, parameters, near misses: request content) rides in
 * `record.journal` and never reaches the log. Secrets are redacted before they get there.
 */
import { defaultHarness, type Harness } from './index';
import type { NearMiss, NearMissKind, NearMissSuggestion } from './nearMisses';
import { Ring } from './ring';

/** `serve --journal-size` unless told otherwise. */
export const DEFAULT_JOURNAL_SIZE = 10_000;
/** The largest journal `--journal-size` accepts. */
export const MAX_JOURNAL_SIZE = 1_000_000;
/** How many entries `GET /_emulator/requests` gives without `limit`. */
export const DEFAULT_LIMIT = 100;

/** What the envelope said, for the journal only (request content: never logged). Made by wsman/requestFacts.ts. */
export interface RequestFacts {
  /** Identify, Get, GetClass, Put, Create, Delete, Enumerate, Pull, Release, Invoke; Command, Send, Receive, Signal (shell). */
  readonly operation?: string;
  /** Which door served it: 'cim' (a CIM class), 'shell' (WinRS). */
  readonly door?: string;
  /** The CIM method an Invoke called. */
  readonly methodName?: string;
  /** Selector names and values (a selector holding an endpoint reference is shown as "<EndpointReference>"). */
  readonly selectors?: Readonly<Record<string, string>>;
  /** Method input parameters by name, values as text, secrets as REDACTED; for a shell Command only its program. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Names the request gave that the emulator does not know, with the closest it does (refused requests only). */
  readonly nearMisses?: readonly NearMissSuggestion[];
}

/**
 * The one record of a request. http/server.ts creates it and adds to it as it goes; the WS-Man
 * handler's EnvelopeLog is merged in. Open (`[field]: unknown`) because the transport logs
 * facts of its own (`leg`, `emptyBody`…); the fields the journal reads are typed.
 */
export interface RequestRecord {
  [field: string]: unknown;
  method?: string;
  path?: string;
  tls?: boolean;
  client?: string;
  host?: string;
  userAgent?: string;
  status?: number;
  ms?: number;
  auth?: string;
  user?: string;
  authError?: string;
  sealError?: string;
  aborted?: boolean;
  op?: string;
  action?: string;
  resourceUri?: string;
  messageId?: string;
  fault?: string;
  faultMessage?: string;
  /** The thumbprint of the certificate a WS-Security signature was made with. */
  signedBy?: string;
  /** The id of the fault injection rule that fired on this request, if any (harness/faults.ts). */
  faultRule?: string;
  /** Journal-only facts: never written to the log. */
  journal?: RequestFacts;
}

/**
 * The request's log line: the record without its journal-only facts, but for a shell Command's
 * program (its first word, as `GET /_emulator/shells` shows it: never the rest of the command line),
 * which says what ran.
 */
export function logLineOf(record: RequestRecord): Record<string, unknown> {
  if (record.journal === undefined) return record;
  const { journal: facts, ...line } = record;
  const program = facts.door === 'shell' && facts.operation === 'Command' ? facts.parameters?.program : undefined;
  return program ? { ...line, program } : line;
}

/** One request as `GET /_emulator/requests` gives it. Absent facts are null, so every entry has every field. */
export interface JournalEntry {
  /** Increases by one per request, never reused (not even after a reset). */
  readonly seq: number;
  /** When the request arrived, on the emulator's clock (ISO-8601). */
  readonly time: string;
  /** How long the emulator took over it, in milliseconds of real time. */
  readonly durationMs: number | null;
  readonly client: string | null;
  /** The host addressed (its FQDN), or the unknown name the Host header gave. */
  readonly host: string | null;
  /** DOMAIN\user once logged on; the name a refused logon tried. */
  readonly user: string | null;
  /** Basic or Negotiate. */
  readonly auth: string | null;
  readonly tls: boolean;
  readonly httpMethod: string | null;
  readonly door: string | null;
  readonly operation: string | null;
  readonly methodName: string | null;
  readonly action: string | null;
  readonly resourceUri: string | null;
  readonly selectors: Readonly<Record<string, string>>;
  readonly parameters: Readonly<Record<string, string>> | null;
  readonly messageId: string | null;
  /** The HTTP status sent; null when none was (the client went away first). */
  readonly status: number | null;
  /** The fault subcode, e.g. w:InvalidSelectors. */
  readonly fault: string | null;
  readonly faultMessage: string | null;
  /** The fault-injection rule that fired, if any. */
  readonly faultRule: string | null;
  /** Why the HTTP layer refused or dropped it: a failed logon, a broken seal, an aborted request. */
  readonly error: string | null;
  /** The thumbprint of a WS-Security signature's certificate. */
  readonly signedBy: string | null;
  readonly userAgent: string | null;
}

/** Per-entry bounds, so that a hostile request costs the journal no more than a few kilobytes. */
const MAX_TEXT = 2048;
const MAX_VALUE = 512;
const MAX_NAMES = 64;

/** A string the journal may keep: cut to `max`. */
function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length - max} more characters)`;
}

/**
 * A string out of the envelope the journal may keep: cut to `max`, and copied. A substring V8 took
 * from the request (a header's text) would otherwise keep the whole request body alive for as long
 * as the entry lives. (V8 slices only strings of 13 characters or more.)
 */
function clip(s: string, max = MAX_TEXT): string {
  const c = cut(s, max);
  return c.length < 13 ? c : Buffer.from(c, 'utf8').toString('utf8');
}

/** A fact from the envelope (see clip), or null. */
function own(v: unknown, max = MAX_TEXT): string | null {
  return typeof v === 'string' ? clip(v, max) : null;
}

/** A fact from the transport or the emulator itself (socket, HTTP headers, constants): cut, not copied. */
function text(v: unknown, max = MAX_TEXT): string | null {
  return typeof v === 'string' ? cut(v, max) : null;
}

function clipMap(m: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const all = Object.entries(m ?? {});
  const kept = all.slice(0, MAX_NAMES).map(([k, v]) => [clip(k, MAX_VALUE), clip(v, MAX_VALUE)]);
  if (all.length > MAX_NAMES) kept.push(['…', `${all.length - MAX_NAMES} more not kept`]);
  // fromEntries defines each name as an own property, `__proto__` included.
  return Object.fromEntries(kept);
}

export interface JournalFilter {
  /** An FQDN (as the fleet spells it), compared case-insensitively. */
  readonly host?: string;
  readonly operation?: string;
  readonly status?: number;
  /** A subcode with its prefix (w:InvalidSelectors) or without (InvalidSelectors). */
  readonly fault?: string;
  /** Entries after this sequence number, or from this time (ms since the epoch) on. */
  readonly since?: { readonly seq: number } | { readonly time: number };
  /** Near misses only: the kind. */
  readonly kind?: NearMissKind;
  /** The newest N that match. */
  readonly limit: number;
}

export interface JournalPage<T> {
  /** The journal's size (`--journal-size`). */
  readonly capacity: number;
  /** The newest sequence number handed out so far (0 before the first request): a mark for `since`. */
  readonly lastSeq: number;
  /** How many entries matched the filter; more than `entries.length` when `limit` cut the list. */
  readonly matched: number;
  /** The newest `limit` matching entries, oldest first. */
  readonly entries: readonly T[];
}

export class RequestJournal {
  private readonly entries: Ring<JournalEntry>;
  private readonly misses: Ring<NearMiss>;
  private seq = 0;

  /** `capacity`: how many requests are kept, and as many near misses; 0 keeps nothing. */
  constructor(
    readonly capacity: number,
    private readonly harness: Harness = defaultHarness(),
  ) {
    if (!Number.isInteger(capacity) || capacity < 0 || capacity > MAX_JOURNAL_SIZE) {
      throw new RangeError(`the journal size must be a whole number from 0 to ${MAX_JOURNAL_SIZE}, not ${capacity}`);
    }
    this.entries = new Ring(capacity);
    this.misses = new Ring(capacity);
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  /** Now, on the emulator's clock: the transport stamps a request's arrival with it. */
  /** The last time written as text, and that text: requests arrive many to a millisecond under load. */
  private lastTimeMs = Number.NaN;
  private lastTimeText = '';

  private timeText(ms: number): string {
    if (ms !== this.lastTimeMs) {
      this.lastTimeMs = ms;
      this.lastTimeText = new Date(ms).toISOString();
    }
    return this.lastTimeText;
  }

  now(): number {
    return this.harness.clock.now();
  }

  /** Adds a finished request (and its near misses); returns its entry, or undefined when the journal is off. */
  record(rec: RequestRecord, arrivedAt: number): JournalEntry | undefined {
    if (!this.enabled) return undefined;
    const facts = rec.journal ?? {};
    const entry: JournalEntry = {
      seq: ++this.seq,
      time: this.timeText(arrivedAt),
      durationMs: typeof rec.ms === 'number' ? Math.round(rec.ms * 1000) / 1000 : null,
      client: text(rec.client),
      host: text(rec.host, 256),
      user: text(rec.user, 512),
      auth: text(rec.auth),
      tls: rec.tls === true,
      httpMethod: text(rec.method, 32),
      door: text(facts.door),
      operation: text(facts.operation),
      methodName: own(facts.methodName, MAX_VALUE),
      action: own(rec.action),
      resourceUri: own(rec.resourceUri),
      selectors: clipMap(facts.selectors),
      parameters: facts.parameters ? clipMap(facts.parameters) : null,
      messageId: own(rec.messageId, MAX_VALUE),
      status: typeof rec.status === 'number' ? rec.status : null,
      fault: text(rec.fault),
      faultMessage: own(rec.faultMessage),
      faultRule: text(rec.faultRule),
      error: text(rec.authError) ?? text(rec.sealError) ?? (rec.aborted ? 'the client went away before the reply' : null),
      signedBy: text(rec.signedBy),
      userAgent: text(rec.userAgent, MAX_VALUE),
    };
    this.entries.push(entry);
    for (const s of (facts.nearMisses ?? []).slice(0, 8)) {
      this.misses.push({
        requestSeq: entry.seq,
        time: entry.time,
        host: entry.host,
        client: entry.client,
        user: entry.user,
        operation: entry.operation,
        action: entry.action,
        resourceUri: entry.resourceUri,
        fault: entry.fault,
        kind: s.kind,
        given: clip(s.given, MAX_VALUE),
        didYouMean: s.didYouMean === null ? null : clip(s.didYouMean),
        hint: clip(s.hint),
        suggested: Object.fromEntries(Object.entries(s.suggested).map(([k, v]) => [k, clip(String(v))])),
      });
    }
    return entry;
  }

  /**
   * A fault rule that fired inside a provisioning step (docs/faults.md): no request carries it
   * (a job's steps run after its Invoke was answered), so it is an entry of its own, door
   * "engine", operation "Step", the step as selector and methodName, the effect as fault.
   */
  recordStepFault(f: { host: string; step: string; user?: string; ruleId: string; effect: string; message?: string }): JournalEntry | undefined {
    if (!this.enabled) return undefined;
    const entry: JournalEntry = {
      seq: ++this.seq,
      time: this.timeText(this.now()),
      durationMs: null,
      client: null,
      host: text(f.host, 256),
      user: text(f.user, 512),
      auth: null,
      tls: false,
      httpMethod: null,
      door: 'engine',
      operation: 'Step',
      methodName: text(f.step),
      action: null,
      resourceUri: null,
      selectors: { step: clip(f.step) },
      parameters: null,
      messageId: null,
      status: null,
      fault: text(f.effect),
      faultMessage: text(f.message),
      faultRule: text(f.ruleId),
      error: null,
      signedBy: null,
      userAgent: null,
    };
    this.entries.push(entry);
    return entry;
  }

  requests(filter: JournalFilter): JournalPage<JournalEntry> {
    const common = matcher(filter, (e: JournalEntry) => e.seq);
    return this.page(this.entries, filter.limit, (e) => common(e) && (filter.status === undefined || e.status === filter.status));
  }

  /** Near misses; `status` does not apply to them, `kind` only to them. */
  nearMisses(filter: JournalFilter): JournalPage<NearMiss> {
    const common = matcher(filter, (m: NearMiss) => m.requestSeq);
    return this.page(this.misses, filter.limit, (m) => common(m) && (filter.kind === undefined || m.kind === filter.kind));
  }

  /** Forgets every entry, or those of one host (its FQDN, any case). Sequence numbers go on. */
  clear(host?: string): void {
    if (host === undefined) {
      this.entries.clear();
      this.misses.clear();
      return;
    }
    const h = host.toLowerCase();
    this.entries.retain((e) => e.host?.toLowerCase() !== h);
    this.misses.retain((m) => m.host?.toLowerCase() !== h);
  }

  private page<T>(ring: Ring<T>, limit: number, matches: (item: T) => boolean): JournalPage<T> {
    const newest: T[] = [];
    let matched = 0;
    for (const item of ring.newestFirst()) {
      if (!matches(item)) continue;
      matched++;
      if (newest.length < limit) newest.push(item);
    }
    return { capacity: this.capacity, lastSeq: this.seq, matched, entries: newest.reverse() };
  }
}

/** The filters requests and near misses share: host, operation, fault, since. */
function matcher<T extends { readonly host: string | null; readonly time: string; readonly operation: string | null; readonly fault: string | null }>(
  f: JournalFilter,
  seqOf: (item: T) => number,
): (item: T) => boolean {
  const host = f.host?.toLowerCase();
  const operation = f.operation?.toLowerCase();
  const fault = f.fault?.toLowerCase();
  const since = f.since;
  return (item) => {
    if (host !== undefined && item.host?.toLowerCase() !== host) return false;
    if (operation !== undefined && item.operation?.toLowerCase() !== operation) return false;
    if (fault !== undefined && !faultMatches(item.fault, fault)) return false;
    if (since !== undefined && ('seq' in since ? seqOf(item) <= since.seq : Date.parse(item.time) < since.time)) return false;
    return true;
  };
}

/** `w:InvalidSelectors` matches the filter `w:invalidselectors` and `invalidselectors`. */
function faultMatches(fault: string | null, wanted: string): boolean {
  if (fault === null) return false;
  const f = fault.toLowerCase();
  return wanted.includes(':') ? f === wanted : f.slice(f.indexOf(':') + 1) === wanted;
}
