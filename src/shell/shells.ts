/**
 * The WinRS shells of the fleet: who owns which shell on which host, the
 * commands running in each, their output waiting for Receive, the quotas
 * (MaxShellsPerUser, MaxConcurrentOperationsPerUser) and the idle timeout.
 * MS-WSMV 3.1.4.x (Create, Command, Send, Receive, Signal, Delete) through the
 * plugin in plugin.ts; this file holds the state and knows no XML.
 */
import { defaultHarness, type Clock, type Harness, type Ids, type TimerHandle } from '../harness';
import type { FleetHost, Principal } from '../fleet/fleet';
import type { Logger } from '../log';
import { encodeForCodepage } from './codepage';
import { commandNotFound, shellNotFound, tooManyOperations, tooManyShells } from './faults';
import type { CommandLine, ProcessContext, ProcessLauncher } from './process';
import { InputPipe, OutputQueue, type OutputChunk } from './streams';

export interface ShellQuotas {
  readonly maxShellsPerUser: number;
  readonly maxConcurrentOperationsPerUser: number;
  /** The longest idle time a shell may have (IdleTimeout); a client may ask for less. */
  readonly idleTimeoutMs: number;
  /** Bytes of stdin a command may hold unread. */
  readonly maxStdinBytes: number;
  /** Bytes of output a command may hold unreceived; past it the process waits (back pressure is not modelled: the rest is dropped, and said so). */
  readonly maxOutputBytes: number;
}

export interface ShellSpec {
  readonly inputStreams: readonly string[];
  readonly outputStreams: readonly string[];
  readonly environment: ReadonlyMap<string, string>;
  readonly workingDirectory: string | undefined;
  readonly idleTimeoutMs: number | undefined;
  readonly name: string | undefined;
  readonly codepage: number;
  readonly noProfile: boolean;
}

export interface CommandOptions {
  readonly skipCmdShell: boolean;
  readonly consoleModeStdin: boolean;
}

type CommandState = 'running' | 'done';

/** ctrl_c ends a console process with STATUS_CONTROL_C_EXIT, as Windows reports it. */
const CONTROL_C_EXIT = 0xc000013a | 0;

export class ShellCommand {
  readonly output = new OutputQueue();
  readonly stdin: InputPipe;
  readonly controller = new AbortController();
  state: CommandState = 'running';
  exitCode = 0;
  /** The Done state went out in a Receive: the command is finished for the client too. */
  doneDelivered = false;
  /** Resolves when the process has ended. */
  finished: Promise<void> = Promise.resolve();
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly line: CommandLine,
    readonly options: CommandOptions,
    stdinLimit: number,
    readonly startedAt: Date,
  ) {
    this.stdin = new InputPipe(stdinLimit);
  }

  /** Wakes Receives waiting for output or the end. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves at the next output or state change, or when `signal` aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

export class Shell {
  readonly commands = new Map<string, ShellCommand>();
  lastActivity: Date;
  timer: TimerHandle | undefined;
  /** Requests in flight (a Receive long-polling): the shell is not idle while one is. */
  inFlight = 0;

  constructor(
    readonly id: string,
    readonly host: FleetHost,
    readonly owner: Principal,
    readonly clientAddress: string,
    readonly spec: ShellSpec,
    readonly idleTimeoutMs: number,
    readonly createdAt: Date,
  ) {
    this.lastActivity = createdAt;
  }

  get ownerName(): string {
    return `${this.owner.authority}\\${this.owner.name}`;
  }
}

export interface ReceiveResult {
  readonly chunks: readonly OutputChunk[];
  readonly state: CommandState;
  /** Set when the Done state goes out with this reply. */
  readonly exitCode: number | undefined;
  /** The streams to mark End="true" (with the Done state). */
  readonly ended: readonly string[];
}

export interface ShellSummary {
  readonly shellId: string;
  readonly host: string;
  readonly owner: string;
  readonly clientAddress: string;
  readonly createdAt: string;
  readonly lastActivity: string;
  readonly idleTimeoutMs: number;
  /** Commands by id with their program (the first word only: command lines may hold secrets) and state. */
  readonly commands: ReadonlyArray<{ readonly commandId: string; readonly program: string; readonly state: CommandState; readonly startedAt: string }>;
}

const ownerKey = (host: FleetHost, p: Principal): string => `${host.fqdn}|${p.authority.toLowerCase()}\\${p.name.toLowerCase()}`;

export class ShellService {
  private readonly shells = new Map<string, Shell>();

  private readonly clock: Clock;
  private readonly ids: Ids;

  /** Shell and command ids come from the harness's streams; times and the idle timeout from its clock. */
  constructor(
    private readonly launcher: ProcessLauncher,
    private readonly quotas: (host: FleetHost) => ShellQuotas,
    private readonly log: Logger,
    harness: Harness = defaultHarness(),
  ) {
    this.clock = harness.clock;
    this.ids = harness.ids;
  }

  /** The clock shells are stamped by (the plugin reports run and idle times on it). */
  now(): Date {
    return this.clock.date();
  }

  get size(): number {
    return this.shells.size;
  }

  create(host: FleetHost, owner: Principal, clientAddress: string, spec: ShellSpec): Shell {
    const q = this.quotas(host);
    const key = ownerKey(host, owner);
    const mine = [...this.shells.values()].filter((s) => ownerKey(s.host, s.owner) === key).length;
    if (mine >= q.maxShellsPerUser) throw tooManyShells(q.maxShellsPerUser);
    const idle = spec.idleTimeoutMs !== undefined ? Math.min(spec.idleTimeoutMs, q.idleTimeoutMs) : q.idleTimeoutMs;
    const shell = new Shell(this.ids.uuid(`shell:${host.fqdn}`).toUpperCase(), host, owner, clientAddress, spec, idle, this.clock.date());
    this.shells.set(shell.id, shell);
    this.touch(shell);
    this.log.info({ host: host.fqdn, shellId: shell.id, owner: shell.ownerName }, 'shell created');
    return shell;
  }

  /** The caller's shell, or the not-found fault (another user's shell is not found either, as on Windows). */
  /** The caller's shells on a host, oldest first (what an Enumerate of the shell resource lists). */
  ownedBy(host: FleetHost, caller: Principal): Shell[] {
    const key = ownerKey(host, caller);
    return [...this.shells.values()].filter((s) => ownerKey(s.host, s.owner) === key);
  }

  get(host: FleetHost, caller: Principal, shellId: string): Shell {
    const shell = this.shells.get(shellId.toUpperCase());
    if (!shell || shell.host !== host || ownerKey(shell.host, shell.owner) !== ownerKey(host, caller)) throw shellNotFound(shellId);
    this.touch(shell);
    return shell;
  }

  command(shell: Shell, line: CommandLine, options: CommandOptions): ShellCommand {
    const q = this.quotas(shell.host);
    const key = ownerKey(shell.host, shell.owner);
    let running = 0;
    for (const s of this.shells.values()) if (ownerKey(s.host, s.owner) === key) for (const c of s.commands.values()) if (c.state === 'running') running++;
    if (running >= q.maxConcurrentOperationsPerUser) throw tooManyOperations(q.maxConcurrentOperationsPerUser);
    const cmd = new ShellCommand(this.ids.uuid(`command:${shell.host.fqdn}`).toUpperCase(), line, options, q.maxStdinBytes, this.clock.date());
    shell.commands.set(cmd.id, cmd);
    cmd.finished = this.run(shell, cmd, q.maxOutputBytes);
    return cmd;
  }

  private async run(shell: Shell, cmd: ShellCommand, maxOutput: number): Promise<void> {
    const ctx: ProcessContext = {
      host: shell.host,
      user: shell.owner,
      clientAddress: shell.clientAddress,
      shellId: shell.id,
      environment: shell.spec.environment,
      workingDirectory: shell.spec.workingDirectory,
      codepage: shell.spec.codepage,
      noProfile: shell.spec.noProfile,
      skipCmdShell: cmd.options.skipCmdShell,
      consoleModeStdin: cmd.options.consoleModeStdin,
    };
    let dropped = false;
    const write = (stream: string) => (text: string) => {
      if (cmd.state === 'done' || text === '') return;
      if (cmd.output.size > maxOutput) {
        dropped = true;
        return;
      }
      cmd.output.push(stream, encodeForCodepage(text, shell.spec.codepage));
      cmd.notify();
    };
    try {
      cmd.exitCode = await this.launcher(cmd.line, ctx, { stdin: cmd.stdin, stdout: write('stdout'), stderr: write('stderr'), signal: cmd.controller.signal });
    } catch (err) {
      this.log.error({ err, shellId: shell.id, commandId: cmd.id }, 'a shell command failed inside the emulator');
      write('stderr')('The emulator failed to run this command; its log has the details.\r\n');
      cmd.exitCode = 1;
    }
    if (dropped) this.log.warn({ shellId: shell.id, commandId: cmd.id, maxOutput }, 'a command wrote more output than a client received; the rest was dropped');
    if (cmd.controller.signal.aborted && cmd.controller.signal.reason === 'ctrl_c') cmd.exitCode = CONTROL_C_EXIT;
    cmd.stdin.close();
    cmd.state = 'done';
    cmd.notify();
  }

  /** Send: stdin for a command (MS-WSMV 3.1.4.12). */
  send(shell: Shell, commandId: string, data: Buffer, end: boolean): boolean {
    const cmd = this.commandOf(shell, commandId);
    return cmd.stdin.write(data, end);
  }

  /**
   * Receive (MS-WSMV 3.1.4.14): waits until some output of the wanted streams is there or the
   * command has ended, or `signal` aborts (the OperationTimeout: the caller answers w:TimedOut and
   * nothing is taken). Returns at most `maxBytes` of output; Done goes out once all of it has.
   */
  async receive(shell: Shell, commandId: string, streams: ReadonlySet<string>, maxBytes: number, signal: AbortSignal): Promise<ReceiveResult | undefined> {
    const cmd = this.commandOf(shell, commandId);
    // A Receive waiting is activity: the shell is not idle while it waits, and the clock restarts after.
    shell.inFlight++;
    try {
      while (!cmd.output.has(streams) && cmd.state === 'running') {
        if (signal.aborted) return undefined;
        await cmd.changed(signal);
      }
    } finally {
      shell.inFlight--;
      this.touch(shell);
    }
    if (signal.aborted) return undefined;
    const chunks = cmd.output.take(streams, maxBytes);
    if (cmd.state === 'done' && !cmd.output.has(streams)) {
      cmd.doneDelivered = true;
      return { chunks, state: 'done', exitCode: cmd.exitCode, ended: [...streams] };
    }
    return { chunks, state: 'running', exitCode: undefined, ended: [] };
  }

  /**
   * Signal (MS-WSMV 3.1.4.13): terminate, ctrl_c or ctrl_break stop a running command; the
   * reply waits (up to `waitMs`) for the process to end, so what it undoes is undone by then.
   * terminate also forgets the command. Signal after Done succeeds.
   */
  async signal(shell: Shell, commandId: string, code: 'terminate' | 'ctrl_c' | 'ctrl_break', waitMs: number): Promise<void> {
    const cmd = this.commandOf(shell, commandId, true);
    if (cmd.state === 'running') {
      cmd.controller.abort(code);
      cmd.stdin.close();
      await within(cmd.finished, waitMs);
    }
    if (code === 'terminate') shell.commands.delete(cmd.id);
  }

  /** Delete (MS-WSMV 3.1.4.15): stops every command of the shell and forgets it. */
  async delete(shell: Shell, waitMs = 10_000): Promise<void> {
    this.shells.delete(shell.id);
    this.clock.clearTimeout(shell.timer);
    await this.stopCommands(shell, waitMs);
    this.log.info({ host: shell.host.fqdn, shellId: shell.id }, 'shell deleted');
  }

  list(fqdn?: string): ShellSummary[] {
    return [...this.shells.values()]
      .filter((s) => fqdn === undefined || s.host.fqdn === fqdn)
      .map((s) => ({
        shellId: s.id,
        host: s.host.fqdn,
        owner: s.ownerName,
        clientAddress: s.clientAddress,
        createdAt: s.createdAt.toISOString(),
        lastActivity: s.lastActivity.toISOString(),
        idleTimeoutMs: s.idleTimeoutMs,
        commands: [...s.commands.values()].map((c) => ({ commandId: c.id, program: c.line.command.trim().split(/\s+/)[0] ?? '', state: c.state, startedAt: c.startedAt.toISOString() })),
      }));
  }

  /** An admin's delete: any owner. */
  async deleteById(shellId: string): Promise<boolean> {
    const shell = this.shells.get(shellId.toUpperCase());
    if (!shell) return false;
    await this.delete(shell);
    return true;
  }

  /** Closes every shell of a host (an admin reset), or of the fleet; resolves when their commands have stopped. */
  async closeAll(fqdn?: string): Promise<number> {
    const doomed = [...this.shells.values()].filter((s) => fqdn === undefined || s.host.fqdn === fqdn);
    await Promise.all(doomed.map((s) => this.delete(s)));
    return doomed.length;
  }

  private commandOf(shell: Shell, commandId: string, allowDelivered = false): ShellCommand {
    const cmd = shell.commands.get(commandId.toUpperCase());
    if (!cmd || (cmd.doneDelivered && !allowDelivered)) throw commandNotFound();
    return cmd;
  }

  private async stopCommands(shell: Shell, waitMs: number): Promise<void> {
    const running = [...shell.commands.values()].filter((c) => c.state === 'running');
    for (const c of running) {
      c.controller.abort('terminate');
      c.stdin.close();
    }
    await within(Promise.all(running.map((c) => c.finished)), waitMs);
    shell.commands.clear();
  }

  /** Activity: the idle clock starts again. An idle shell is deleted, as WinRM's IdleTimeout does. */
  private touch(shell: Shell): void {
    shell.lastActivity = this.clock.date();
    this.clock.clearTimeout(shell.timer);
    shell.timer = this.clock.setTimeout(() => {
      if (!this.shells.has(shell.id)) return;
      if (shell.inFlight > 0) return this.touch(shell);
      // As WinRM does: no request for that long, and the shell goes, with any command still running in it.
      this.log.info({ host: shell.host.fqdn, shellId: shell.id, idleTimeoutMs: shell.idleTimeoutMs }, 'shell idle past its IdleTimeout: deleted');
      void this.delete(shell);
    }, shell.idleTimeoutMs);
    shell.timer.unref();
  }
}

async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.then(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
