/**
 * Fault injection (issue 12 item 1; docs/faults.md). Rules come from the fixture (`faults`) and
 * from the admin API (`/_emulator/faults`); each says what it applies to (`match`: host, operation,
 * className, method, step, user, client) and what happens (`effect`), and fires `times` times or
 * with a `probability` drawn from the seeded stream `faults`. Three places ask:
 *
 * - the HTTP layer, before a logon (`authLoop`) and for hosts marked down (`hostDown`);
 * - the WS-Man handler, once it knows the request (`wsmanFault`, `cimError`, `httpStatus`,
 *   `delay`, `reset`, `closeAfterBytes`, `dribble`, `hostDown`);
 * - the provisioning engine, before each step (`cimError`: the step fails and the run is undone
 *   as a real failure is; `delay`: the step takes longer).
 *
 * The first rule (in the order they were added) that matches and fires wins. Rules are indexed by
 * operation (or step) and exact host, so thousands of rules for other hosts cost a request nothing.
 */
import { faultRuleProblems, type FaultEffect, type FixtureDuration, type FixtureFaultRule } from '../config/fixture';
import { draw } from './timing';
import { FAULTS, type FaultName } from '../wsman/faults';
import type { Harness, TimerHandle } from './index';
import type { Random } from './ids';

export type { FaultEffect } from '../config/fixture';

export type EffectKind = 'wsmanFault' | 'cimError' | 'httpStatus' | 'delay' | 'reset' | 'closeAfterBytes' | 'dribble' | 'authLoop' | 'hostDown';

/** The host as rules see it: its FQDN and NetBIOS name. */
export interface FaultHost {
  readonly fqdn: string;
  readonly computerName: string;
}

export interface FaultUser {
  readonly name: string;
  readonly authority: string;
}

export interface RequestFacts {
  readonly host: FaultHost;
  readonly operation?: string;
  readonly className?: string;
  readonly method?: string;
  readonly user?: FaultUser;
  readonly client?: string;
}

export interface StepFacts {
  readonly host: FaultHost;
  readonly step: string;
  readonly user?: FaultUser;
}

/** A rule that fired: which, and what it does. */
export interface FiredFault {
  readonly ruleId: string;
  readonly effect: FaultEffect;
  readonly kind: EffectKind;
}

export interface FaultRuleView extends FixtureFaultRule {
  readonly id: string;
  readonly source: 'fixture' | 'api';
  readonly fired: number;
  readonly retired: boolean;
}

export class FaultRuleError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'FaultRuleError';
  }
}

/** Effects the handler raises as the request's reply (the operation does not run). */
const ENVELOPE_EFFECTS: ReadonlySet<EffectKind> = new Set(['wsmanFault', 'cimError', 'httpStatus', 'hostDown']);
/** Effects on the way the reply travels (the operation runs). */
export const TRANSPORT_EFFECTS: ReadonlySet<EffectKind> = new Set(['delay', 'reset', 'closeAfterBytes', 'dribble']);
const STEP_EFFECTS: ReadonlySet<EffectKind> = new Set(['cimError', 'delay']);
const AUTH_MATCH_KEYS: ReadonlySet<string> = new Set(['host', 'user', 'client']);

interface Rule {
  readonly seq: number;
  readonly id: string;
  readonly source: 'fixture' | 'api';
  readonly spec: FixtureFaultRule;
  readonly kind: EffectKind;
  readonly level: 'auth' | 'request' | 'step';
  readonly host?: { readonly exact?: string; readonly glob?: RegExp };
  readonly client?: RegExp;
  fired: number;
}

const effectKind = (e: FaultEffect): EffectKind => Object.keys(e)[0] as EffectKind;

function glob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** A WS-Man fault of the emulator's table by name: `w:InternalError`, `InternalError`, `a:DestinationUnreachable`… */
export function faultNamed(subcode: string): FaultName | undefined {
  const t = subcode.trim();
  const colon = t.indexOf(':');
  const prefix = colon === -1 ? undefined : t.slice(0, colon).toLowerCase();
  const local = (colon === -1 ? t : t.slice(colon + 1)).toLowerCase();
  for (const [name, spec] of Object.entries(FAULTS)) {
    if (spec.subcode.local.toLowerCase() === local && (prefix === undefined || spec.subcode.prefix.toLowerCase() === prefix)) return name as FaultName;
  }
  return undefined;
}

/** What the schema cannot say about a rule. */
function semanticProblems(r: FixtureFaultRule): string[] {
  const out: string[] = [];
  const kind = effectKind(r.effect);
  const m = r.match ?? {};
  if (r.times !== undefined && r.probability !== undefined) out.push('give times or probability, not both');
  if (m.step !== undefined) {
    if (!STEP_EFFECTS.has(kind)) out.push(`a rule with match.step acts on a provisioning step: its effect is cimError or delay, not ${kind}`);
    for (const k of ['operation', 'className', 'method', 'client'] as const) if (m[k] !== undefined) out.push(`a rule with match.step matches host and user only, not ${k}`);
  }
  if (kind === 'authLoop') for (const k of Object.keys(m)) if (!AUTH_MATCH_KEYS.has(k)) out.push(`authLoop acts before the request is read: it matches host, user and client only, not ${k}`);
  if ('wsmanFault' in r.effect && faultNamed(r.effect.wsmanFault.subcode) === undefined) {
    const known = [...new Set(Object.values(FAULTS).map((f) => `${f.subcode.prefix}:${f.subcode.local}`))].sort();
    out.push(`wsmanFault.subcode ${r.effect.wsmanFault.subcode} is not a fault the emulator knows; one of ${known.join(', ')}`);
  }
  if ('delay' in r.effect) {
    const d = r.effect.delay;
    if ('distribution' in d && d.distribution === 'uniform' && d.minMs > d.maxMs) out.push(`delay: minMs (${d.minMs}) is over maxMs (${d.maxMs})`);
  }
  return out;
}

const KEY = (a: string, b: string): string => `${a}\u0000${b}`;

export class FaultRegistry {
  private rules: Rule[] = [];
  private readonly byId = new Map<string, Rule>();
  /** Request and step rules by `operation-or-step \0 exact-host` ('*' for any). */
  private buckets = new Map<string, Rule[]>();
  /**
   * candidates() per operations and host, so that an unmatched request costs a lookup however many
   * rules there are (wildcard hosts included: their patterns are tried once per host). Emptied
   * whenever the buckets change.
   */
  private candidateCache = new Map<string, Rule[]>();
  private authRules: Rule[] = [];
  private seq = 0;
  private readonly random: Random;
  /** Hosts marked down, until when (the harness clock), with the timer that brings them back. */
  private readonly down = new Map<string, { until: number; timer: TimerHandle }>();
  /** Told when a host goes down or comes back (the emulator closes and reopens its own port). */
  onHostDown: ((fqdn: string, down: boolean) => void) | undefined;

  constructor(
    private readonly fixtureRules: readonly FixtureFaultRule[],
    private readonly harness: Harness,
  ) {
    this.random = harness.ids.random('faults');
    this.loadFixture();
  }

  get size(): number {
    return this.rules.length;
  }

  /** Adds a rule (validated as the fixture's are); throws FaultRuleError with every problem found. */
  add(raw: unknown, source: 'fixture' | 'api' = 'api'): FaultRuleView {
    const problems = faultRuleProblems(raw);
    if (problems.length > 0) throw new FaultRuleError(problems);
    const spec = structuredClone(raw) as FixtureFaultRule;
    const semantic = semanticProblems(spec);
    if (semantic.length > 0) throw new FaultRuleError(semantic);
    const id = spec.id ?? `fault-${this.harness.ids.uuid('fault').slice(0, 8)}`;
    if (this.byId.has(id)) throw new FaultRuleError([`a rule with id ${id} exists already`]);
    const kind = effectKind(spec.effect);
    const m = spec.match ?? {};
    const host = m.host === undefined ? undefined : /[*?]/.test(m.host) ? { glob: glob(m.host) } : { exact: m.host.toLowerCase() };
    const rule: Rule = {
      seq: this.seq++,
      id,
      source,
      spec: { ...spec, id },
      kind,
      level: kind === 'authLoop' ? 'auth' : m.step !== undefined ? 'step' : 'request',
      host,
      client: m.client === undefined ? undefined : glob(m.client),
      fired: 0,
    };
    this.rules.push(rule);
    this.byId.set(id, rule);
    this.index(rule);
    return this.view(rule);
  }

  remove(id: string): boolean {
    const rule = this.byId.get(id);
    if (!rule) return false;
    this.byId.delete(id);
    this.rules = this.rules.filter((r) => r !== rule);
    this.reindex();
    return true;
  }

  /** Removes every rule; returns how many there were. */
  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    this.byId.clear();
    this.reindex();
    return n;
  }

  /** Back to the fixture's rules, none fired, every host up (an admin reset of the fleet). */
  reset(): void {
    this.clear();
    for (const fqdn of [...this.down.keys()]) this.up(fqdn);
    this.loadFixture();
  }

  list(): FaultRuleView[] {
    return this.rules.map((r) => this.view(r));
  }

  get(id: string): FaultRuleView | undefined {
    const r = this.byId.get(id);
    return r ? this.view(r) : undefined;
  }

  /** Before a logon: an authLoop rule for this host, user or client. */
  forAuth(facts: { host: FaultHost; user?: string; client?: string }): FiredFault | undefined {
    for (const rule of this.authRules) {
      if (!this.hostMatches(rule, facts.host) || !clientMatches(rule, facts.client)) continue;
      if (rule.spec.match?.user !== undefined && (facts.user === undefined || !userMatches(rule.spec.match.user, { name: facts.user.replace(/^.*\\/, ''), authority: facts.user.includes('\\') ? facts.user.slice(0, facts.user.indexOf('\\')) : '' }))) continue;
      const fired = this.fire(rule);
      if (fired) return fired;
    }
    return undefined;
  }

  /** Once the handler knows the request: the fault it gets, if a rule fires. A hostDown rule marks its host down. */
  forRequest(facts: RequestFacts): FiredFault | undefined {
    if (this.rules.length === 0) return undefined;
    const ops = facts.operation !== undefined ? [facts.operation, '*'] : ['*'];
    for (const rule of this.candidates(ops, facts.host)) {
      if (rule.level !== 'request') continue;
      const m = rule.spec.match ?? {};
      if (m.operation !== undefined && m.operation !== facts.operation) continue;
      if (m.className !== undefined && (facts.className === undefined || m.className.toLowerCase() !== facts.className.toLowerCase())) continue;
      if (m.method !== undefined && (facts.method === undefined || m.method.toLowerCase() !== facts.method.toLowerCase())) continue;
      if (m.user !== undefined && (facts.user === undefined || !userMatches(m.user, facts.user))) continue;
      if (!clientMatches(rule, facts.client)) continue;
      const fired = this.fire(rule);
      if (!fired) continue;
      if ('hostDown' in fired.effect) this.markDown(facts.host.fqdn, fired.effect.hostDown.seconds);
      return fired;
    }
    return undefined;
  }

  /** Before a provisioning step. */
  forStep(facts: StepFacts): FiredFault | undefined {
    if (this.rules.length === 0) return undefined;
    for (const rule of this.candidates([`step:${facts.step}`], facts.host)) {
      const m = rule.spec.match ?? {};
      if (m.user !== undefined && (facts.user === undefined || !userMatches(m.user, facts.user))) continue;
      const fired = this.fire(rule);
      if (fired) return fired;
    }
    return undefined;
  }

  /** Hosts marked down (come back or not yet). */
  /** Whether any authLoop rule is in force (the HTTP layer asks forAuth only then). */
  get hasAuthRules(): boolean {
    return this.authRules.length > 0;
  }

  get downCount(): number {
    return this.down.size;
  }

  /** How long a delay effect holds a reply: its duration, drawn from the stream `faults`. */
  delayMs(d: FixtureDuration): number {
    return draw(d, this.random);
  }

  isDown(fqdn: string): boolean {
    const d = this.down.get(fqdn.toLowerCase());
    return d !== undefined && d.until > this.harness.clock.now();
  }

  /** Hosts down now: name and when they come back. */
  downHosts(): Array<{ host: string; until: string }> {
    return [...this.down.entries()].filter(([, d]) => d.until > this.harness.clock.now()).map(([host, d]) => ({ host, until: new Date(d.until).toISOString() }));
  }

  private markDown(fqdn: string, seconds: number): void {
    const key = fqdn.toLowerCase();
    const clock = this.harness.clock;
    const previous = this.down.get(key);
    if (previous) clock.clearTimeout(previous.timer);
    const ms = seconds * 1000;
    const timer = clock.setTimeout(() => this.up(key), ms).unref();
    this.down.set(key, { until: clock.now() + ms, timer });
    if (!previous) this.onHostDown?.(key, true);
  }

  private up(key: string): void {
    const d = this.down.get(key);
    if (!d) return;
    this.harness.clock.clearTimeout(d.timer);
    this.down.delete(key);
    this.onHostDown?.(key, false);
  }

  private fire(rule: Rule): FiredFault | undefined {
    const { times, probability } = rule.spec;
    if (times !== undefined && rule.fired >= times) return undefined;
    if (probability !== undefined && !(this.random.next() < probability)) return undefined;
    rule.fired++;
    return { ruleId: rule.id, effect: rule.spec.effect, kind: rule.kind };
  }

  /** The rules that may apply, in the order they were added (retired ones included: fire() skips them). */
  private candidates(ops: readonly string[], host: FaultHost): Rule[] {
    const cacheKey = `${ops.join('\u0000')}\u0001${host.fqdn}`;
    const cached = this.candidateCache.get(cacheKey);
    if (cached) return cached;
    const hosts = [...new Set([host.fqdn.toLowerCase(), host.computerName.toLowerCase(), '*'])];
    const out: Rule[] = [];
    // Each rule is in one bucket, and the keys visited are distinct: no rule is met twice.
    for (const op of ops) {
      for (const h of hosts) {
        for (const r of this.buckets.get(KEY(op, h)) ?? []) {
          if (r.host?.glob && !this.hostMatches(r, host)) continue;
          out.push(r);
        }
      }
    }
    if (out.length > 1) out.sort((a, b) => a.seq - b.seq);
    this.candidateCache.set(cacheKey, out);
    return out;
  }

  private hostMatches(rule: Rule, host: FaultHost): boolean {
    if (!rule.host) return true;
    if (rule.host.exact !== undefined) return rule.host.exact === host.fqdn.toLowerCase() || rule.host.exact === host.computerName.toLowerCase();
    return rule.host.glob?.test(host.fqdn) === true || rule.host.glob?.test(host.computerName) === true;
  }

  private index(rule: Rule): void {
    if (rule.level === 'auth') {
      this.authRules.push(rule);
      return;
    }
    const m = rule.spec.match ?? {};
    const op = rule.level === 'step' ? `step:${m.step}` : (m.operation ?? '*');
    const key = KEY(op, rule.host?.exact ?? '*');
    this.candidateCache.clear();
    const list = this.buckets.get(key);
    if (list) list.push(rule);
    else this.buckets.set(key, [rule]);
  }

  private reindex(): void {
    this.buckets = new Map();
    this.candidateCache.clear();
    this.authRules = [];
    for (const r of this.rules) this.index(r);
  }

  private loadFixture(): void {
    for (const r of this.fixtureRules) this.add(r, 'fixture');
  }

  private view(r: Rule): FaultRuleView {
    const retired = r.spec.times !== undefined && r.fired >= r.spec.times;
    return { ...structuredClone(r.spec), id: r.id, source: r.source, fired: r.fired, retired };
  }
}

function clientMatches(rule: Rule, client: string | undefined): boolean {
  if (!rule.client) return true;
  if (client === undefined) return false;
  // IPv4 clients reach Node as ::ffff:a.b.c.d: a rule for a.b.c.d matches them.
  return rule.client.test(client) || rule.client.test(client.replace(/^::ffff:/i, ''));
}

function userMatches(pattern: string, user: FaultUser): boolean {
  const p = pattern.toLowerCase();
  if (p.includes('\\')) return p === `${user.authority}\\${user.name}`.toLowerCase();
  return p === user.name.toLowerCase();
}

/** Whether a fired fault answers the request in place of the operation (the handler raises it). */
export function isEnvelopeEffect(f: FiredFault): boolean {
  return ENVELOPE_EFFECTS.has(f.kind);
}
