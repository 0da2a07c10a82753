/**
 * `serve --replay cassette.json`: answers requests from a recording (issue 12).
 *
 * The WS-Man handler asks the ReplayStore before routing. A request matches an entry when the
 * action and resource URI are the same (case aside), and the selectors, options and canonical
 * body are the same outside the placeholders, each placeholder matching a live value that
 * agrees with what it is bound to (the ShellId this replay handed out for `{{ShellId-1}}`).
 * Of the entries that match, the first not yet used answers; when all have been used, the last
 * of them answers again (a client polling a job or a command's output gets the final state).
 *
 * The reply is the recorded one with its placeholders filled in: RelatesTo is the request's own
 * MessageID, identifiers the recorded host handed out get fresh GUIDs (bound, so later requests
 * that use them match), dates are the emulator's clock.
 *
 * A request no entry answers is a miss: `--on-miss fault` answers a WS-Man fault that names the
 * request and the nearest recorded one, `--on-miss emulate` lets the emulator answer it. Either
 * way the request is told (`noteMiss`: the journal records a near miss of kind replay) and so is
 * the listener, if an embedding gave one (the whole request, canonical body included).
 */
import type { XmlElement } from '../xml/parse';
import { WsmanFault } from '../wsman/faults';
import type { RecordedAnswer, RecordedReplies, RecordedRequest } from '../wsman/recorded';
import { describeRequest, requestFields, type Cassette, type CassetteEntry, type CassetteOption } from './cassette';
import { canonicalize, canonicalTree, childOf, serializeCanonical, textOfCanonical } from './canonical';
import { defaultHarness, type Harness } from './index';
import { Bindings, type Captures } from './placeholders';
import { SecretSet, redactRequest } from './secrets';
import { NS } from '../wsman/namespaces';

export type OnMiss = 'fault' | 'emulate';

/** A request the cassette could not answer, for the request journal (a near miss). */
export interface ReplayMiss {
  /** When, by the emulator's clock. */
  readonly at: string;
  readonly host: string;
  /** The request as it would be recorded: secrets redacted, canonical body. */
  readonly request: {
    readonly action?: string;
    readonly resourceUri?: string;
    readonly selectors?: Readonly<Record<string, string>>;
    readonly optionSet?: readonly CassetteOption[];
    readonly body: string;
  };
  /** The recorded request most like it, and what differs. */
  readonly nearest?: { readonly entry: number; readonly request: string; readonly differs: readonly MatchField[] };
  /** What happened: a fault was answered, or the emulator answered. */
  readonly outcome: OnMiss;
}

/** Told of every miss, with the whole request (EmulatorOptions.replay.listener, for an embedding). */
export interface ReplayMissListener {
  onMiss(miss: ReplayMiss): void;
}

export interface ReplayOptions {
  readonly onMiss?: OnMiss;
  readonly listener?: ReplayMissListener;
  /** Fresh identifiers and the time for placeholders; default: random GUIDs, the system clock. */
  readonly harness?: Harness;
}

export type MatchField = 'action' | 'resourceUri' | 'unauthenticated' | 'selectors' | 'optionSet' | 'body';

/** The parts of a request that are matched, as text. */
interface MatchParts {
  readonly action: string;
  readonly resourceUri: string;
  readonly unauthenticated: boolean;
  readonly selectors: string;
  readonly optionSet: string;
  readonly body: string;
}

interface Prepared {
  readonly index: number;
  readonly entry: CassetteEntry;
  readonly parts: MatchParts;
  /** The placeholder of the recorded request's a:MessageID, bound to the live one when it answers. */
  readonly messageId: string | undefined;
}

export function selectorsText(selectors: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(selectors ?? {})
    .map(([k, v]) => `${k.toLowerCase()}=${v}`)
    .sort()
    .join('\n');
}

/**
 * Options that name the endpoint as the client addressed it (PowerShell's PSComputerName): the same
 * script pointed at the replaying emulator instead of the recorded host sends another name.
 */
const UNMATCHED_OPTION = /computername$/i;

export function optionSetText(options: readonly CassetteOption[] | undefined): string {
  return (options ?? [])
    .filter((o) => !UNMATCHED_OPTION.test(o.name))
    .map((o) => `${o.name}=${o.value}`)
    .join('\n');
}

function partsOf(r: {
  action?: string;
  resourceUri?: string;
  selectors?: Readonly<Record<string, string>>;
  optionSet?: readonly CassetteOption[];
  body: string;
  unauthenticated?: boolean;
}): MatchParts {
  return {
    action: (r.action ?? '').trim().toLowerCase(),
    resourceUri: (r.resourceUri ?? '').trim().toLowerCase(),
    unauthenticated: r.unauthenticated === true,
    selectors: selectorsText(r.selectors),
    optionSet: optionSetText(r.optionSet),
    body: r.body,
  };
}

const TEMPLATED: readonly ('selectors' | 'optionSet' | 'body')[] = ['selectors', 'optionSet', 'body'];

export class ReplayStore implements RecordedReplies {
  private readonly entries: Prepared[];
  private readonly used = new Set<number>();
  private readonly bindings: Bindings;
  private readonly harness: Harness;
  private answeredCount = 0;
  private missedCount = 0;

  constructor(
    cassette: Cassette,
    private readonly options: ReplayOptions = {},
  ) {
    this.harness = options.harness ?? defaultHarness();
    this.bindings = new Bindings({ uuid: () => this.harness.ids.uuid('replay'), now: () => this.harness.clock.date() });
    this.entries = cassette.entries.map((entry, index) => {
      const id = childOf(canonicalTree(entry.request.headers), NS.addressing, 'MessageID');
      const m = id ? /^\{\{(MessageID-\d+)\}\}$/.exec(textOfCanonical(id).trim()) : null;
      return { index, entry, parts: partsOf(entry.request), messageId: m?.[1] };
    });
  }

  get answered(): number {
    return this.answeredCount;
  }

  get missed(): number {
    return this.missedCount;
  }

  answer(request: RecordedRequest): RecordedAnswer | undefined {
    const tree = redactRequest(canonicalize(request.envelope), new SecretSet());
    const fields = requestFields(tree);
    const live = partsOf({ ...fields, body: fields.body ? serializeCanonical(fields.body) : '', unauthenticated: !request.authenticated });
    let chosen: { p: Prepared; captures: Captures } | undefined;
    let repeat: { p: Prepared; captures: Captures } | undefined;
    for (const p of this.entries) {
      const captures = this.match(p.parts, live);
      if (!captures) continue;
      if (!this.used.has(p.index)) {
        chosen = { p, captures };
        break;
      }
      repeat = { p, captures };
    }
    chosen ??= repeat;
    if (!chosen) return this.miss(request, fields, live);
    const { p, captures } = chosen;
    this.used.add(p.index);
    this.answeredCount++;
    this.bindings.commit(captures);
    const messageId = messageIdOf(request.envelope);
    if (p.messageId && messageId !== undefined) this.bindings.bind(p.messageId, messageId);
    return { status: p.entry.reply.status, body: this.bindings.render(p.entry.reply.body), entry: p.index };
  }

  /** The bindings a match adds, or undefined when the entry does not answer this request. */
  private match(recorded: MatchParts, live: MatchParts): Captures | undefined {
    if (recorded.action !== live.action || recorded.resourceUri !== live.resourceUri || recorded.unauthenticated !== live.unauthenticated) return undefined;
    const pending = new Map<string, string>();
    const all: (readonly [string, string])[] = [];
    for (const f of TEMPLATED) {
      const c = this.bindings.match(recorded[f], live[f], pending);
      if (!c) return undefined;
      all.push(...c);
    }
    return all;
  }

  private differences(recorded: MatchParts, live: MatchParts): MatchField[] {
    const out: MatchField[] = [];
    for (const f of ['action', 'resourceUri', 'unauthenticated'] as const) if (recorded[f] !== live[f]) out.push(f);
    for (const f of TEMPLATED) if (!this.bindings.match(recorded[f], live[f])) out.push(f);
    return out;
  }

  private miss(request: RecordedRequest, fields: ReturnType<typeof requestFields>, live: MatchParts): undefined {
    this.missedCount++;
    let nearest: ReplayMiss['nearest'];
    for (const p of this.entries) {
      const differs = this.differences(p.parts, live);
      if (!nearest || differs.length < nearest.differs.length) nearest = { entry: p.index, request: describeRequest(p.entry.request), differs };
    }
    const onMiss = this.options.onMiss ?? 'fault';
    const miss: ReplayMiss = {
      at: this.harness.clock.date().toISOString(),
      host: request.host.fqdn,
      request: {
        ...(fields.action !== undefined ? { action: fields.action } : {}),
        ...(fields.resourceUri !== undefined ? { resourceUri: fields.resourceUri } : {}),
        ...(fields.selectors !== undefined ? { selectors: fields.selectors } : {}),
        ...(fields.optionSet !== undefined ? { optionSet: fields.optionSet } : {}),
        body: live.body,
      },
      ...(nearest ? { nearest } : {}),
      outcome: onMiss,
    };
    this.options.listener?.onMiss(miss);
    const what = describeRequest(fields);
    request.noteMiss?.({
      kind: 'replay',
      given: what,
      didYouMean: nearest ? `entries[${nearest.entry}]: ${nearest.request}` : null,
      hint: nearest
        ? `the cassette holds no reply for ${what}; the nearest recorded request, entries[${nearest.entry}] (${nearest.request}), differs in: ${nearest.differs.join(', ') || 'nothing left unused'}${onMiss === 'emulate' ? '; the emulator answered it' : ''}`
        : `the cassette has no entries${onMiss === 'emulate' ? '; the emulator answered it' : ''}`,
      suggested: {},
    });
    if (onMiss === 'emulate') return undefined;
    const selectors = Object.entries(fields.selectors ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    const near = nearest
      ? ` The nearest recorded request, entries[${nearest.entry}] (${nearest.request}), differs in: ${nearest.differs.join(', ') || 'nothing left unused'}.`
      : ' The cassette has no entries.';
    throw new WsmanFault('InternalError', {
      message: `Replay: the cassette holds no reply for this request (${what}${selectors ? `; selectors ${selectors}` : ''}).${near}`,
    });
  }
}

function messageIdOf(envelope: XmlElement): string | undefined {
  for (const h of envelope.children) {
    if (typeof h === 'string' || h.ns !== NS.soap || h.local !== 'Header') continue;
    for (const c of h.children) {
      if (typeof c !== 'string' && c.ns === NS.addressing && c.local === 'MessageID') return c.children.filter((x): x is string => typeof x === 'string').join('').trim();
    }
  }
  return undefined;
}
