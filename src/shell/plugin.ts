/**
 * The WinRS shell as a WS-Man plugin (resource URI …/windows/shell/cmd): the
 * bodies of Create, Command, Send, Receive, Signal and Delete read and the
 * replies written as Windows writes them (MS-WSMV 3.1.4.x; recorded replies in
 * reference/winrs-shell.md §1). The state lives in shells.ts.
 */
import { mayUseShell } from '../fleet/authorization';
import { attr, child, childrenNamed, elements, textOf, type XmlElement } from '../xml/parse';
import { XmlWriter } from '../xml/write';
import { WsmanFault } from '../wsman/faults';
import type { EnvelopeLog } from '../wsman/handler';
import { ACTION, NS } from '../wsman/namespaces';
import type { OperationContext } from '../wsman/ops/context';
import type { PluginJournal, WsmanPlugin } from '../wsman/plugin';
import type { WsmanRequest } from '../wsman/request';
import { writeReply } from '../wsman/reply';
import { optionFlag, optionValue } from '../wsman/request';
import { parseDuration } from '../wsman/duration';
import { commandNotFound, parameterIncorrect, shellNotFound } from './faults';
import { ShellListings } from './listings';
import { defaultHarness, type Harness } from '../harness';
import { contextIdOf, enumerateResponse, enumerationBody, maxElementsOf, pullResponse, releaseResponse, replyOverhead } from '../wsman/enumeration/messages';
import type { Shell, ShellService, ShellSpec } from './shells';

export const SHELL_CMD_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
export const RSP = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';

const SHELL_ACTION = {
  command: `${RSP}/Command`,
  send: `${RSP}/Send`,
  receive: `${RSP}/Receive`,
  signal: `${RSP}/Signal`,
} as const;

const STATE_RUNNING = `${RSP}/CommandState/Running`;
const STATE_DONE = `${RSP}/CommandState/Done`;

/** MS-WSMV 2.2.5.6 SignalCodeEnumeration, compared case-insensitively (pypsrp writes …/signal/Terminate). */
const SIGNALS: ReadonlyMap<string, 'terminate' | 'ctrl_c' | 'ctrl_break'> = new Map([
  [`${RSP}/signal/terminate`, 'terminate'],
  [`${RSP}/signal/ctrl_c`, 'ctrl_c'],
  [`${RSP}/signal/ctrl_break`, 'ctrl_break'],
  ['powershell/signal/ctrl_c', 'ctrl_c'],
  ['http://schemas.microsoft.com/powershell/signal/ctrl_c', 'ctrl_c'],
  ['http://schemas.microsoft.com/powershell/signal/crtl_c', 'ctrl_c'],
].map(([k, v]) => [k.toLowerCase(), v as 'terminate' | 'ctrl_c' | 'ctrl_break']));

/** Room left in a Receive reply for everything but the base64 data. */
const RECEIVE_OVERHEAD = 4096;
/** How long Signal and Delete wait for a stopped process (and what it undoes) before they answer. */
const STOP_WAIT_MS = 30_000;

const rsp = (w: XmlWriter, name: string, attrs: Record<string, string> = {}, text?: string): void => {
  w.leaf(`rsp:${name}`, { 'xmlns:rsp': RSP, ...attrs }, text);
};

export class ShellPlugin implements WsmanPlugin {
  readonly resourceUri = SHELL_CMD_URI;

  private readonly listings: ShellListings;

  /** For the request journal: the operation, and of a Command only its program (command lines can hold secrets). */
  readonly journal: PluginJournal = {
    door: 'shell',
    actions: [...TRANSFER_OPS.keys(), ...Object.values(SHELL_ACTION)],
    selectors: ['ShellId'],
    describe: (req) => describeShellRequest(req),
  };

  constructor(
    private readonly shells: ShellService,
    harness: Harness = defaultHarness(),
  ) {
    this.listings = new ShellListings(harness);
  }

  async handle(ctx: OperationContext, log: EnvelopeLog): Promise<string> {
    const action = ctx.req.action ?? '';
    const op = TRANSFER_OPS.get(action) ?? Object.entries(SHELL_ACTION).find(([, a]) => a === action)?.[0];
    log.op = `Shell ${op ? op[0]?.toUpperCase() + op.slice(1) : action}`;
    if (!mayUseShell(ctx.principal)) {
      throw new WsmanFault('AccessDenied', {
        extra: `${ctx.principal.authority}\\${ctx.principal.name} may not open a remote shell on ${ctx.host.fqdn}: that needs membership of Administrators or Remote Management Users.`,
      });
    }
    switch (action) {
      case ACTION.create:
        return this.create(ctx);
      case ACTION.delete:
        return this.delete(ctx);
      case ACTION.get:
        return this.get(ctx);
      case ACTION.enumerate:
        return this.enumerate(ctx);
      case ACTION.pull:
        return this.pull(ctx);
      case ACTION.release:
        return this.release(ctx);
      case SHELL_ACTION.command:
        return this.command(ctx);
      case SHELL_ACTION.send:
        return this.send(ctx);
      case SHELL_ACTION.receive:
        return this.receive(ctx);
      case SHELL_ACTION.signal:
        return this.signal(ctx);
      default:
        throw new WsmanFault('ActionNotSupported', { extra: `The action ${action} is not supported by the Windows Remote Shell.` });
    }
  }

  private create(ctx: OperationContext): string {
    const body = bodyChild(ctx, 'Shell');
    const list = (local: string, dflt: string[]): string[] => {
      const el = child(body, RSP, local);
      return el ? textOf(el).trim().split(/\s+/).filter((s) => s !== '') : dflt;
    };
    const environment = new Map<string, string>();
    const envEl = child(body, RSP, 'Environment');
    for (const v of envEl ? childrenNamed(envEl, RSP, 'Variable') : []) {
      const name = attr(v, '', 'Name');
      if (name) environment.set(name, textOf(v));
    }
    const idleText = child(body, RSP, 'IdleTimeOut');
    const idle = idleText ? parseDuration(textOf(idleText)) : undefined;
    if (idleText && idle === undefined) throw parameterIncorrect(`IdleTimeOut '${textOf(idleText)}' is not an xs:duration.`);
    const codepageText = optionValue(ctx.req, 'WINRS_CODEPAGE');
    const codepage = codepageText === undefined ? 437 : Number(codepageText.trim());
    if (!Number.isInteger(codepage) || codepage <= 0 || codepage > 65535) throw parameterIncorrect(`WINRS_CODEPAGE '${codepageText}' is not a code page.`);
    const workingDirectory = child(body, RSP, 'WorkingDirectory');
    const spec: ShellSpec = {
      inputStreams: list('InputStreams', ['stdin']),
      outputStreams: list('OutputStreams', ['stdout', 'stderr']),
      environment,
      workingDirectory: workingDirectory ? textOf(workingDirectory).trim() : undefined,
      idleTimeoutMs: idle,
      name: child(body, RSP, 'Name') ? textOf(child(body, RSP, 'Name') as XmlElement) : undefined,
      codepage,
      noProfile: optionFlag(ctx.req, 'WINRS_NOPROFILE') === true,
    };
    const shell = this.shells.create(ctx.host, ctx.principal, ctx.clientAddress, spec);
    return writeReply('http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse', ctx.reply, (w) => {
      w.open('x:ResourceCreated');
      w.leaf('a:Address', undefined, `http://${ctx.host.fqdn}:5985/wsman`);
      w.open('a:ReferenceParameters');
      w.leaf('w:ResourceURI', undefined, SHELL_CMD_URI);
      w.open('w:SelectorSet').leaf('w:Selector', { Name: 'ShellId' }, shell.id).close();
      w.close().close();
      this.writeShell(w, shell);
    });
  }

  /** MS-WSMV 3.1.4.2.1: a Get with the ShellId selector reads the shell's properties. */
  private get(ctx: OperationContext): string {
    const shell = this.shellOf(ctx);
    return writeReply(ACTION.getResponse, ctx.reply, (w) => this.writeShell(w, shell, this.shells.now()));
  }

  /**
   * MS-WSMV 3.1.4.8.2: an Enumerate lists the caller's active shells on this host as
   * rsp:Shell items; a w:Filter is refused with wsen:FilteringNotSupported. Listing the
   * commands of one shell (a ShellId selector, <115>) is not served: w:UnsupportedFeature.
   */
  private enumerate(ctx: OperationContext): string {
    if (ctx.req.selectors.length > 0) {
      throw new WsmanFault('UnsupportedFeature', { extra: 'Enumerating the commands of a shell (a ShellId selector on Enumerate) is not served by this emulator.' });
    }
    const body = enumerationBody(ctx, 'Enumerate');
    if (child(body, NS.wsman, 'Filter') || child(body, NS.enumeration, 'Filter')) throw new WsmanFault('FilteringNotSupported');
    const mode = child(body, NS.wsman, 'EnumerationMode');
    if (mode) {
      throw new WsmanFault('UnsupportedFeature', { detail: 'EnumerationMode', extra: `The shell resource is enumerated as objects only, not ${textOf(mode).trim()}.` });
    }
    const now = this.shells.now();
    const items = this.shells.ownedBy(ctx.host, ctx.principal).map((s) => {
      const w = new XmlWriter();
      this.writeShell(w, s, now);
      return w;
    });
    const optimize = child(body, NS.wsman, 'OptimizeEnumeration') !== undefined;
    const first = optimize ? fitting(ctx, items, maxElementsOf(ctx, body), replyOverhead(ctx, 'enumerate')) : [];
    const rest = items.slice(first.length);
    const listing =
      optimize && rest.length === 0
        ? undefined
        : this.listings.create(ctx.host.fqdn, ownerOf(ctx), rest, ctx.host.policy.enumerationContextTimeoutMs, ctx.host.policy.maxEnumerationContexts);
    return enumerateResponse(ctx, listing?.id, optimize ? first : undefined, !listing);
  }

  private pull(ctx: OperationContext): string {
    const body = enumerationBody(ctx, 'Pull');
    const listing = this.listings.take(contextIdOf(body), ctx.host.fqdn, ownerOf(ctx));
    const batch = fitting(ctx, listing.items, maxElementsOf(ctx, body), replyOverhead(ctx, 'pull'));
    listing.items.splice(0, batch.length);
    const done = listing.items.length === 0;
    if (done) this.listings.delete(listing);
    return pullResponse(ctx, listing.id, batch, done);
  }

  private release(ctx: OperationContext): string {
    this.listings.delete(this.listings.take(contextIdOf(enumerationBody(ctx, 'Release')), ctx.host.fqdn, ownerOf(ctx)));
    return releaseResponse(ctx);
  }

  /**
   * rsp:Shell as Windows echoes it (recorded, Server 2016): Environment and WorkingDirectory
   * only when sent. At Create the times are zero; a Get or Enumerate gives them as they are.
   */
  private writeShell(w: XmlWriter, shell: Shell, now?: Date): void {
    w.open('rsp:Shell', { 'xmlns:rsp': RSP });
    w.leaf('rsp:ShellId', undefined, shell.id);
    w.leaf('rsp:ResourceUri', undefined, SHELL_CMD_URI);
    w.leaf('rsp:Owner', undefined, shell.owner.authority.toUpperCase() === shell.host.computerName ? shell.owner.name : `${shell.owner.authority}\\${shell.owner.name}`);
    w.leaf('rsp:ClientIP', undefined, shell.clientAddress);
    if (shell.spec.environment.size > 0) {
      w.open('rsp:Environment');
      for (const [name, value] of shell.spec.environment) w.leaf('rsp:Variable', { Name: name }, value);
      w.close();
    }
    if (shell.spec.workingDirectory !== undefined) w.leaf('rsp:WorkingDirectory', undefined, shell.spec.workingDirectory);
    w.leaf('rsp:IdleTimeOut', undefined, `PT${(shell.idleTimeoutMs / 1000).toFixed(3)}S`);
    w.leaf('rsp:InputStreams', undefined, shell.spec.inputStreams.join(' '));
    w.leaf('rsp:OutputStreams', undefined, shell.spec.outputStreams.join(' '));
    w.leaf('rsp:ShellRunTime', undefined, now ? elapsed(shell.createdAt, now) : 'P0DT0H0M0S');
    w.leaf('rsp:ShellInactivity', undefined, now ? elapsed(shell.lastActivity, now) : 'P0DT0H0M0S');
    w.close();
  }

  private command(ctx: OperationContext): string {
    const shell = this.shellOf(ctx);
    const line = bodyChild(ctx, 'CommandLine');
    const commandEl = child(line, RSP, 'Command');
    if (!commandEl) throw parameterIncorrect('The CommandLine has no Command.');
    const args = childrenNamed(line, RSP, 'Arguments').map(textOf);
    const cmd = this.shells.command(
      shell,
      { command: textOf(commandEl).trim(), arguments: args },
      { skipCmdShell: optionFlag(ctx.req, 'WINRS_SKIP_CMD_SHELL') === true, consoleModeStdin: optionFlag(ctx.req, 'WINRS_CONSOLEMODE_STDIN') !== false },
    );
    return writeReply(`${RSP}/CommandResponse`, ctx.reply, (w) => {
      w.open('rsp:CommandResponse', { 'xmlns:rsp': RSP }).leaf('rsp:CommandId', undefined, cmd.id).close();
    });
  }

  private send(ctx: OperationContext): string {
    const shell = this.shellOf(ctx);
    const sendEl = bodyChild(ctx, 'Send');
    for (const stream of childrenNamed(sendEl, RSP, 'Stream')) {
      const commandId = attr(stream, '', 'CommandId');
      if (!commandId) throw parameterIncorrect('A Stream of Send has no CommandId.');
      const name = attr(stream, '', 'Name') ?? 'stdin';
      if (!shell.spec.inputStreams.includes(name)) throw parameterIncorrect(`The shell has no input stream ${name}.`);
      const data = decodeBase64(textOf(stream));
      // End arrives as true/false, True/False (pypsrp) or not at all (Go).
      const end = (attr(stream, '', 'End') ?? '').trim().toLowerCase() === 'true';
      if (!this.shells.send(shell, commandId, data, end)) throw parameterIncorrect('The command has more unread input than the shell holds.');
    }
    return writeReply(`${RSP}/SendResponse`, ctx.reply, (w) => rsp(w, 'SendResponse'));
  }

  private async receive(ctx: OperationContext): Promise<string> {
    const shell = this.shellOf(ctx);
    const desired = child(bodyChild(ctx, 'Receive'), RSP, 'DesiredStream');
    const commandId = desired ? attr(desired, '', 'CommandId') : undefined;
    // Windows answered a Receive without CommandId on a cmd shell with 87 (recorded).
    if (!desired || !commandId) throw parameterIncorrect();
    const streams = new Set(textOf(desired).trim().split(/\s+/).filter((s) => s !== ''));
    if (streams.size === 0) for (const s of shell.spec.outputStreams) streams.add(s);
    // Base64 takes 4 bytes for 3: what fits in MaxEnvelopeSize besides the envelope itself.
    const room = Math.max(1024, Math.floor(((ctx.maxReplyBytes - RECEIVE_OVERHEAD) * 3) / 4));
    const result = await this.shells.receive(shell, commandId, streams, room, ctx.signal);
    if (!result) throw new WsmanFault('TimedOut');
    const id = commandId.toUpperCase();
    return writeReply(`${RSP}/ReceiveResponse`, ctx.reply, (w) => {
      w.open('rsp:ReceiveResponse', { 'xmlns:rsp': RSP });
      for (const c of result.chunks) w.leaf('rsp:Stream', { Name: c.stream, CommandId: id }, c.data.toString('base64'));
      for (const s of result.ended) w.leaf('rsp:Stream', { Name: s, CommandId: id, End: 'true' });
      if (result.state === 'done') {
        w.open('rsp:CommandState', { CommandId: id, State: STATE_DONE }).leaf('rsp:ExitCode', undefined, String(result.exitCode ?? 0)).close();
      } else {
        w.leaf('rsp:CommandState', { CommandId: id, State: STATE_RUNNING });
      }
      w.close();
    });
  }

  private async signal(ctx: OperationContext): Promise<string> {
    const shell = this.shellOf(ctx);
    const signalEl = bodyChild(ctx, 'Signal');
    const commandId = attr(signalEl, '', 'CommandId');
    if (!commandId) throw commandNotFound();
    const codeEl = child(signalEl, RSP, 'Code');
    const code = codeEl ? SIGNALS.get(textOf(codeEl).trim().toLowerCase()) : undefined;
    if (!code) throw parameterIncorrect(`The signal code ${codeEl ? textOf(codeEl).trim() : '(none)'} is not one of terminate, ctrl_c, ctrl_break.`);
    await this.shells.signal(shell, commandId, code, STOP_WAIT_MS);
    return writeReply(`${RSP}/SignalResponse`, ctx.reply, (w) => rsp(w, 'SignalResponse'));
  }

  private async delete(ctx: OperationContext): Promise<string> {
    const shell = this.shellOf(ctx);
    await this.shells.delete(shell, STOP_WAIT_MS);
    return writeReply('http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse', ctx.reply, () => undefined);
  }

  private shellOf(ctx: OperationContext): Shell {
    const selector = ctx.req.selectors.find((s) => s.name.toLowerCase() === 'shellid');
    if (!selector) {
      throw new WsmanFault('InvalidSelectors', { detail: 'InsufficientSelectors', extra: 'The request names no shell (selector ShellId).' });
    }
    const id = selector.value.trim();
    if (!/^[0-9A-Fa-f-]{1,64}$/.test(id)) throw shellNotFound(id.slice(0, 64));
    return this.shells.get(ctx.host, ctx.principal, id);
  }
}

const TRANSFER_OPS: ReadonlyMap<string, string> = new Map([
  [ACTION.create, 'Create'],
  [ACTION.delete, 'Delete'],
  [ACTION.get, 'Get'],
  [ACTION.enumerate, 'Enumerate'],
  [ACTION.pull, 'Pull'],
  [ACTION.release, 'Release'],
]);

function describeShellRequest(req: WsmanRequest): { operation?: string; parameters?: Record<string, string> } {
  const action = req.action ?? '';
  const shellOp = Object.entries(SHELL_ACTION).find(([, a]) => a === action)?.[0];
  const operation = TRANSFER_OPS.get(action) ?? (shellOp ? `${shellOp[0]?.toUpperCase()}${shellOp.slice(1)}` : undefined);
  const body = req.bodyElement;
  if (!body || body.ns !== RSP) return { operation };
  if (body.local === 'CommandLine') {
    const command = child(body, RSP, 'Command');
    return { operation, parameters: { program: command ? (textOf(command).trim().split(/\s+/)[0] ?? '') : '' } };
  }
  const commandId = body.local === 'Signal' ? attr(body, '', 'CommandId') : body.local === 'Receive' ? attrOf(child(body, RSP, 'DesiredStream'), 'CommandId') : undefined;
  return commandId !== undefined ? { operation, parameters: { commandId } } : { operation };
}

function attrOf(el: XmlElement | undefined, name: string): string | undefined {
  return el ? attr(el, '', name) : undefined;
}

/** The time between two instants as the xs:duration form Windows writes for shells (P<d>DT<h>H<m>M<s>S). */
function elapsed(from: Date, to: Date): string {
  let s = Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  return `P${d}DT${h}H${m}M${s - m * 60}S`;
}

function ownerOf(ctx: OperationContext): string {
  return `${ctx.principal.authority}\\${ctx.principal.name}`.toLowerCase();
}

/** The first items (at most maxElements) that fit in a reply no larger than the client's MaxEnvelopeSize. */
function fitting(ctx: OperationContext, items: readonly XmlWriter[], maxElements: number, overhead: number): XmlWriter[] {
  let used = overhead;
  const out: XmlWriter[] = [];
  for (const item of items) {
    if (out.length >= maxElements) break;
    const size = ctx.measure(item.toString());
    if (used + size > ctx.maxReplyBytes) break;
    used += size;
    out.push(item);
  }
  if (out.length === 0 && items.length > 0) {
    throw new WsmanFault('EncodingLimit', { detail: 'MaxEnvelopeSizeExceeded', extra: `The next shell does not fit in a reply of at most ${ctx.maxReplyBytes} bytes.` });
  }
  return out;
}

/** The body's one element, rsp:<local>; anything else is the schema fault. */
function bodyChild(ctx: OperationContext, local: string): XmlElement {
  const el = ctx.req.bodyElement;
  if (!el || el.ns !== RSP || el.local !== local || elements(ctx.req.body).length !== 1) {
    throw new WsmanFault('SchemaValidationError', { extra: `The Body must hold one rsp:${local} element of the namespace ${RSP}.` });
  }
  return el;
}

/** Base64 as Send carries it; anything that is not base64 is refused, not guessed at. */
function decodeBase64(text: string): Buffer {
  const t = text.replace(/\s+/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) throw parameterIncorrect('The stream data is not base64.');
  return Buffer.from(t, 'base64');
}

