/**
 * One SOAP envelope in, one reply out. Parses, routes by Action, maps every
 * failure to a fault (never an exception out of here), and reports what it did
 * for the request log. Knows XML and WS-Man; knows nothing of sockets or auth headers.
 */
import { CimError, CimStatus } from '../cim/errors';
import type { ClassRegistry } from '../cim/registry';
import { groupsFor, isAllowed, type Access } from '../fleet/authorization';
import type { FleetHost, Principal } from '../fleet/fleet';
import type { ProviderRegistry } from '../providers/registry';
import type { MessageSecurity, SignedCaller } from '../security/messageSecurity';
import type { EventSink } from '../providers/types';
import { parseXml, XmlSyntaxError } from '../xml/parse';
import type { EnumerationContexts } from './enumeration/contexts';
import { WsmanFault, type FaultName } from './faults';
import { ACTION, NS } from './namespaces';
import { writeFault, type ReplyContext } from './reply';
import { defaultHarness, type Harness, type TimerHandle } from '../harness';
import { faultNamed, type FaultRegistry, type FiredFault } from '../harness/faults';
import { checkAddressing, parseRequest, SECURITY_HEADER, type WsmanRequest } from './request';
import { writeWmiError } from './wmiError';
import { codecFor, resolveFor, type OperationContext, type WsmanServices } from './ops/context';
import { enumerate, pull, release } from './ops/enumerate';
import { get } from './ops/get';
import { identify } from './ops/identify';
import { invoke, methodNameOf } from './ops/invoke';
import type { WsmanPlugin } from './plugin';
import type { RequestRecord } from '../harness/journal';
import { nearMissesOf } from './nearMiss';
import { CIM_OPERATIONS, describeRequest, scrub } from './requestFacts';
import type { RecordedReplies } from './recorded';

/** Methods that only read: an IPAM user may call them. */
const READ_ONLY_METHODS = new Set(['geterror']);

export interface IncomingEnvelope {
  readonly xml: string;
  readonly host: FleetHost;
  /** Null when the request carried no credentials (only Identify may then proceed). */
  readonly principal: Principal | null;
  readonly userAgent: string | undefined;
  readonly clientAddress: string;
  readonly events: EventSink;
  /** Measures a reply in the encoding it will be sent in. */
  readonly measure: (s: string) => number;
}

/** What the handler adds to the request's one record (harness/journal.ts RequestRecord): its log line and journal entry. */
export type EnvelopeLog = Pick<RequestRecord, 'op' | 'action' | 'resourceUri' | 'messageId' | 'fault' | 'faultMessage' | 'signedBy' | 'faultRule' | 'journal'> & {
  /** The cassette entry that answered (serve --replay). */
  replayed?: number;
};

export type HandlerOutcome =
  | {
      readonly kind: 'reply';
      readonly status: number;
      readonly body: string;
      readonly log: EnvelopeLog;
      /** The body is a cached reply, the same string object every time (Identify): its bytes may be cached too. */
      readonly stable?: boolean;
      /** A fault injection rule that acts on how the reply travels (delay, reset, closeAfterBytes, dribble). */
      readonly transportFault?: FiredFault;
    }
  /** A fault injection rule answered with a bare HTTP status; the operation did not run. */
  | { readonly kind: 'httpStatus'; readonly status: number; readonly log: EnvelopeLog }
  | { readonly kind: 'authenticationRequired'; readonly log: EnvelopeLog };

export interface HandlerDeps {
  readonly registry: ClassRegistry;
  readonly providers: ProviderRegistry;
  readonly enumerations: EnumerationContexts;
  /** Called with unexpected errors (bugs), which become w:InternalError. */
  readonly onInternalError: (err: unknown, log: EnvelopeLog) => void;
  /** WS-Security: signed requests as logons, signed replies. */
  readonly security?: MessageSecurity;
  /** Resource URIs served by a plugin rather than as CIM classes (the WinRS shell). */
  readonly plugins?: readonly WsmanPlugin[];
  /** Whether a namespace exists on a host (root/Microsoft/IPAM only where the IPAM feature is installed). */
  readonly namespaceVisible?: (host: FleetHost, namespace: string) => boolean;
  /** Time (OperationTimeout) and identifiers (reply MessageIDs); the machine's and random ones by default. */
  readonly harness?: Harness;
  /** Fault injection rules, asked once the request is known. */
  readonly faults?: FaultRegistry;
  /** Describe each request for the request journal (log.journal). */
  readonly journal?: boolean;
  /** serve --replay: recorded replies answer before the emulator does. */
  readonly replay?: RecordedReplies;
}

const SECURITY_UNDERSTOOD: ReadonlySet<string> = new Set([SECURITY_HEADER]);

export class WsmanHandler {
  private readonly services: WsmanServices;
  private readonly plugins: ReadonlyMap<string, WsmanPlugin>;

  private readonly harness: Harness;

  constructor(private readonly deps: HandlerDeps) {
    this.harness = deps.harness ?? defaultHarness();
    this.services = { registry: deps.registry, providers: deps.providers, enumerations: deps.enumerations, namespaceVisible: deps.namespaceVisible };
    this.plugins = new Map((deps.plugins ?? []).map((p) => [p.resourceUri.toLowerCase(), p]));
  }

  async handle(input: IncomingEnvelope): Promise<HandlerOutcome> {
    const log: EnvelopeLog = {};
    let req: WsmanRequest | undefined;
    let messageId: string | undefined;
    const rc = (): ReplyContext => {
      // Seeded, a reply's MessageID follows from the request's, whatever order requests arrive in.
      messageId ??= `uuid:${(req?.messageId !== undefined ? this.harness.ids.uuidFor('reply', req.messageId) : this.harness.ids.uuid('reply')).toUpperCase()}`;
      return { relatesTo: req?.messageId, lang: req?.locale !== undefined ? req.locale || 'en-US' : '', machine: input.host.fqdn, messageId };
    };
    const security = this.deps.security;
    const signedRequest = security?.applies(input.xml, input.host) === true;
    let caller: SignedCaller | undefined;
    let transportFault: FiredFault | undefined;
    const reply = (status: number, body: string, stable = false): HandlerOutcome => ({
      kind: 'reply',
      status,
      // WSS: a verified signed request gets a signed reply (and only then: a client without
      // WS-Security would fault on a mustUnderstand Security header it did not ask for).
      body: caller && security ? security.sign(body) : body,
      log,
      // A signed reply is new every time; an unsigned cached one is the same string.
      stable: stable && !caller && !transportFault,
      transportFault,
    });
    try {
      req = parseRequest(parseXml(input.xml), signedRequest ? SECURITY_UNDERSTOOD : undefined);
      log.messageId = req.messageId;
      log.action = req.action;
      log.resourceUri = req.resourceUri;
      const body = req.bodyElement;
      const isIdentify = body !== undefined && body.ns === NS.identity && body.local === 'Identify';
      if (signedRequest && security) {
        caller = security.authenticate(input.xml, input.host);
        log.signedBy = caller.thumbprint;
      }
      const principal = this.principalOf(input, caller);
      if (!isIdentify && principal === null) return { kind: 'authenticationRequired', log };
      const fired = this.injected(req, input, principal, isIdentify, log);
      if (fired && 'httpStatus' in fired.effect) return { kind: 'httpStatus', status: fired.effect.httpStatus.status, log };
      if (fired) transportFault = fired;
      // serve --replay: a recorded reply answers before the emulator does; a miss is a near miss in the journal.
      const replay = this.deps.replay?.answer({
        envelope: req.envelope,
        host: input.host,
        authenticated: principal !== null,
        noteMiss: (miss) => (log.journal = { nearMisses: [...(log.journal?.nearMisses ?? []), miss] }),
      });
      if (replay) {
        log.op = 'Replay';
        log.replayed = replay.entry;
        return replay.status === 401 ? { kind: 'authenticationRequired', log } : reply(replay.status, replay.body);
      }
      if (isIdentify) {
        log.op = 'Identify';
        return reply(200, identify(input.host, principal !== null), true);
      }
      if (principal === null) return { kind: 'authenticationRequired', log };
      if (input.host.policy.auth.requireSignature && !caller) {
        throw new WsmanFault('WssInvalidSecurity', { extra: `${input.host.fqdn} requires every request to be signed with WS-Security (an X.509 certificate mapped to an account).` });
      }
      checkAddressing(req);
      // Aborted when the operation times out: the work goes on in the background (a provisioning job
      // completes), but what would change a context after the client got w:TimedOut must not.
      const controller = new AbortController();
      const ctx = this.operationContext(req, input, principal, rc(), controller.signal);
      const out = await this.withTimeout(ctx, this.route(ctx, log), controller);
      return reply(200, out);
    } catch (err) {
      const fault = this.toFault(err, log);
      log.fault = `${fault.spec.subcode.prefix}:${fault.spec.subcode.local}`;
      log.faultMessage = fault.message;
      // An unauthenticated request learns nothing but that it must authenticate; one that
      // tried to log on with a signature is told why the signature was refused.
      if (input.principal === null && !signedRequest && !(err instanceof XmlSyntaxError) && log.op !== 'Identify') {
        return { kind: 'authenticationRequired', log };
      }
      const codec = codecFor({ services: this.services, userAgent: input.userAgent }, 'dmtf');
      const body = writeFault(fault, rc(), (w, e) => writeWmiError(w, e, this.services.registry, codec));
      return reply(fault.httpStatus, body);
    } finally {
      if (this.deps.journal && req) this.describe(req, input.host, log);
    }
  }

  /** The journal's facts of a parsed request, and its near misses if it was refused for an unknown name. */
  private describe(req: WsmanRequest, host: FleetHost, log: EnvelopeLog): void {
    try {
      this.describeFacts(req, host, log);
    } catch (err) {
      // A bug in describing must not cost the client its reply.
      this.deps.onInternalError(err, log);
    }
  }

  private describeFacts(req: WsmanRequest, host: FleetHost, log: EnvelopeLog): void {
    const plugin = req.resourceUri !== undefined ? this.plugins.get(req.resourceUri.trim().toLowerCase()) : undefined;
    const { facts, secrets } = describeRequest(req, this.services.registry, plugin);
    // A fault message never quotes a secret parameter today; should one ever, it does not reach the log or journal.
    if (secrets.length > 0 && log.faultMessage !== undefined) log.faultMessage = scrub(log.faultMessage, secrets);
    const visible = this.services.namespaceVisible;
    const nearMisses = nearMissesOf(req, log.fault, {
      registry: this.services.registry,
      visible: visible ? (ns) => visible(host, ns) : () => true,
      plugins: [...this.plugins.values()],
    });
    // A replay miss (noted while the request was served) comes first.
    const all = [...(log.journal?.nearMisses ?? []), ...nearMisses];
    log.journal = all.length > 0 ? { ...facts, nearMisses: all } : facts;
  }

  /**
   * The fault injection rule that fires on this request, if any (docs/faults.md). A fault or CIM
   * error is thrown as the reply; a hostDown rule's request is told the host is unreachable; an
   * httpStatus or a transport effect is returned for the HTTP layer (the latter after the operation runs).
   */
  private injected(req: WsmanRequest, input: IncomingEnvelope, principal: Principal | null, isIdentify: boolean, log: EnvelopeLog): FiredFault | undefined {
    const faults = this.deps.faults;
    if (!faults || faults.size === 0) return undefined;
    const action = req.action ?? '';
    const method = methodNameOf(action, req.resourceUri);
    const fired = faults.forRequest({
      host: input.host,
      operation: isIdentify ? 'Identify' : method ? 'Invoke' : operationOf(action),
      className: classNameOf(req.resourceUri),
      method,
      user: principal ?? undefined,
      client: input.clientAddress,
    });
    if (!fired) return undefined;
    log.faultRule = fired.ruleId;
    const e = fired.effect;
    if ('wsmanFault' in e) {
      const name = faultNamed(e.wsmanFault.subcode) as FaultName;
      throw new WsmanFault(name, { winrmCode: e.wsmanFault.code, message: e.wsmanFault.reason });
    }
    if ('cimError' in e) throw new CimError({ status: e.cimError.statusCode as CimStatus, messageId: e.cimError.messageId, message: e.cimError.message ?? `A fault injected by rule ${fired.ruleId}.` });
    if ('hostDown' in e) throw hostDownFault(input.host.fqdn);
    return fired;
  }

  /**
   * Who is calling: the HTTP logon, or the account the signature's certificate maps to.
   * Both present must agree.
   */
  private principalOf(input: IncomingEnvelope, caller: SignedCaller | undefined): Principal | null {
    const http = input.principal;
    if (!caller) return http;
    if (http && (http.name.toLowerCase() !== caller.principal.name.toLowerCase() || http.authority !== caller.principal.authority)) {
      throw new WsmanFault('WssFailedAuthentication', {
        extra: `The request logged on as ${http.authority}\\${http.name} but is signed with a certificate mapped to ${caller.principal.authority}\\${caller.principal.name}.`,
      });
    }
    return http ?? caller.principal;
  }

  private route(ctx: OperationContext, log: EnvelopeLog): Promise<string> {
    const action = ctx.req.action as string;
    const plugin = ctx.req.resourceUri !== undefined ? this.plugins.get(ctx.req.resourceUri.trim().toLowerCase()) : undefined;
    if (plugin) return plugin.handle(ctx, log);
    switch (action) {
      case ACTION.get:
        log.op = 'Get';
        this.authorize(ctx, 'read', 'read');
        return get(ctx);
      case ACTION.enumerate:
        log.op = 'Enumerate';
        this.authorize(ctx, 'read', 'read');
        return enumerate(ctx);
      case ACTION.pull:
        log.op = 'Pull';
        this.authorize(ctx, 'read', 'read');
        return pull(ctx);
      case ACTION.release:
        log.op = 'Release';
        this.authorize(ctx, 'read', 'read');
        return Promise.resolve(release(ctx));
      case ACTION.put:
      case ACTION.create:
      case ACTION.delete:
        log.op = action.slice(action.lastIndexOf('/') + 1);
        this.authorize(ctx, 'change', log.op);
        return this.refuseTransfer(ctx, log.op);
    }
    const method = methodNameOf(action, ctx.req.resourceUri);
    if (method) {
      log.op = `Invoke ${method}`;
      this.authorize(ctx, READ_ONLY_METHODS.has(method.toLowerCase()) ? 'read' : 'change', `invoke ${method}`);
      return invoke(ctx, method);
    }
    // Windows finds the resource before the action: an unknown resource is "not found"
    // whatever the action. Renew, GetStatus, eventing and shells on a class are not served.
    if (ctx.req.resourceUri !== undefined) resolveFor(ctx);
    throw new WsmanFault('ActionNotSupported', { extra: `The action ${action} is not supported.` });
  }

  /** WinRM's RootSDDL and the IPAM groups: docs/security.md. A refusal is w:AccessDenied, code 5. */
  private authorize(ctx: OperationContext, access: Access, what: string): void {
    if (!isAllowed(ctx.principal, access)) {
      throw new WsmanFault('AccessDenied', {
        extra: `${ctx.principal.authority}\\${ctx.principal.name} may not ${what} on ${ctx.host.fqdn}: that needs membership of ${groupsFor(access)}.`,
      });
    }
  }

  /** Put/Create/Delete: the IPAM classes change only through their methods. */
  private async refuseTransfer(ctx: OperationContext, op: string): Promise<string> {
    const res = resolveFor(ctx);
    throw new CimError({
      status: CimStatus.NOT_SUPPORTED,
      message: `The ${op} operation is not supported for ${res.cls?.name ?? 'this resource'}; the IPAM provider changes state only through its methods.`,
    });
  }

  /** w:OperationTimeout, capped at MaxTimeoutms (MS-WSMV 3.1.4.1.6). The operation itself goes on. */
  private withTimeout(ctx: OperationContext, work: Promise<string>, controller: AbortController): Promise<string> {
    const requested = ctx.req.operationTimeoutMs ?? ctx.host.policy.maxTimeoutMs;
    const ms = Math.min(requested, ctx.host.policy.maxTimeoutMs);
    const clock = this.harness.clock;
    let timer: TimerHandle | undefined;
    const timeout = new Promise<string>((_, reject) => {
      timer = clock.setTimeout(() => {
        controller.abort();
        reject(new WsmanFault('TimedOut'));
      }, ms);
    });
    return Promise.race([work, timeout]).finally(() => clock.clearTimeout(timer));
  }

  private operationContext(req: WsmanRequest, input: IncomingEnvelope, principal: Principal, reply: ReplyContext, signal: AbortSignal): OperationContext {
    const policyMax = input.host.policy.maxEnvelopeSize;
    return {
      req,
      host: input.host,
      principal,
      services: this.services,
      reply,
      userAgent: input.userAgent,
      clientAddress: input.clientAddress,
      events: input.events,
      signal,
      maxReplyBytes: Math.min(req.maxEnvelopeSize ?? policyMax, policyMax),
      measure: input.measure,
    };
  }

  private toFault(err: unknown, log: EnvelopeLog): WsmanFault {
    if (err instanceof WsmanFault) return err;
    if (err instanceof CimError) return WsmanFault.fromCimError(err);
    if (err instanceof XmlSyntaxError) {
      return new WsmanFault('SchemaValidationError', { extra: `The request is not well-formed XML: ${err.message}.` });
    }
    this.deps.onInternalError(err, log);
    return new WsmanFault('InternalError');
  }
}


/** What a request to a host that a fault rule took down gets (and its Host-header requests meanwhile). */
export function hostDownFault(fqdn: string): WsmanFault {
  return new WsmanFault('DestinationUnreachable', { extra: `The host ${fqdn} is down (a hostDown fault injection rule).` });
}

/** The operation an Action names, as fault rules name it: Get, Enumerate…, the shell's Command, Send, Receive, Signal. */
export function operationOf(action: string): string | undefined {
  const known = CIM_OPERATIONS.get(action);
  if (known) return known;
  const shell = /\/windows\/shell\/(Command|Send|Receive|Signal)$/.exec(action);
  return shell?.[1];
}

/** The class a WMI or DMTF resource URI names (its last segment), if it names one. */
export function classNameOf(resourceUri: string | undefined): string | undefined {
  if (!resourceUri) return undefined;
  const m = /\/(?:wmi\/.+|cim-schema\/2)\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(resourceUri.trim());
  return m?.[1];
}
