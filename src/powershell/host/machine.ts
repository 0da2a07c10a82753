/**
 * A Windows host of the fleet as its programs see it: the environment, cmd.exe,
 * hostname, whoami and powershell.exe with this host's modules (the format and
 * core cmdlets, ServerManager, and IpamServer where the feature is installed).
 * `machineLauncher` runs a WinRS command line on it; its context and I/O have
 * the shapes of shell/process.ts, which it does not import (the shell knows no
 * PowerShell, and PowerShell no WS-Man): the composition root joins them.
 */
import type { FleetHost, Principal } from '../../fleet/fleet';
import { createFormatModules } from '../format';
import { IpamBackend, ipamServerModule, type IpamBackendDeps } from '../modules/ipamServer';
import { serverManagerModule } from '../modules/serverManager';
import type { PsMachine, PsMachineTime, PsModule } from '../runtime/commands';
import type { ConsoleContext, ConsoleIo, ConsoleProgram } from '../cmd/cmd';
import { powershellProgram, HOST_WIDTH } from './consoleHost';
import { windowsEnvironment } from './environment';
import { createLauncher } from './launcher';

/** What the launcher needs of a WinRS process (shell/process.ts ProcessContext, structurally). */
export interface MachineProcessContext {
  readonly host: FleetHost;
  readonly user: Principal;
  readonly clientAddress: string;
  readonly environment: ReadonlyMap<string, string>;
  readonly workingDirectory: string | undefined;
  readonly codepage: number;
  readonly skipCmdShell: boolean;
}

export interface MachineDeps extends IpamBackendDeps {
  /** Each host's clock and GUIDs (the emulator's harness); the real ones when absent. */
  readonly machineTime?: (host: FleetHost) => PsMachineTime;
}

/** The modules of one session: ServerManager always, IpamServer while the host has the feature. */
function modulesFor(deps: MachineDeps, backend: IpamBackend): () => readonly PsModule[] {
  const format = createFormatModules({ bufferWidth: () => HOST_WIDTH, writeToHost: () => undefined });
  const base: PsModule[] = [format.utility, format.core, serverManagerModule(backend.host, deps.features)];
  let ipam: PsModule | undefined;
  return () => {
    if (!deps.features.hasIpam(backend.host)) return base;
    ipam ??= ipamServerModule(backend);
    return [...base, ipam];
  };
}

export function machineLauncher(deps: MachineDeps): (line: { command: string; arguments: readonly string[] }, ctx: MachineProcessContext, io: ConsoleIo) => Promise<number> {
  return (line, pctx, io) => {
    const host = pctx.host;
    const local = pctx.user.authority.toUpperCase() === host.computerName;
    const userDomain = local ? host.computerName : pctx.user.authority.toUpperCase();
    const backend = new IpamBackend(deps, host, pctx.user, pctx.clientAddress);
    const modules = modulesFor(deps, backend);
    const machine: PsMachine = { computerName: host.computerName, fqdn: host.fqdn, userDomain, userName: pctx.user.name, time: deps.machineTime?.(host) };
    // A native program run from PowerShell: its output captured, as a redirected child's is.
    const native = async (name: string, args: readonly string[], ctx: ConsoleContext, signal: AbortSignal) => {
      const base = name.split('\\').pop()?.toLowerCase().replace(/\.(exe|com)$/, '');
      if (base !== 'hostname' && base !== 'whoami' && base !== 'cmd' && base !== 'powershell') return undefined;
      let stdout = '';
      let stderr = '';
      const quoted = args.map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a)).join(' ');
      const exitCode = await launch(`${base} ${quoted}`, { ...ctx, environment: new Map(ctx.environment) }, {
        stdin: { read: async () => null, readAll: async () => Buffer.alloc(0) },
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        signal,
      }, { skipCmdShell: true });
      return { stdout, stderr, exitCode };
    };
    const powershell: ConsoleProgram = powershellProgram({ modules, machine: () => machine, native });
    const launch = createLauncher(powershell);
    const ctx: ConsoleContext = {
      computerName: host.computerName,
      userDomain,
      userName: pctx.user.name,
      environment: windowsEnvironment(
        { computerName: host.computerName, dnsDomain: host.domain.dnsName, userDomain, userName: pctx.user.name, processors: host.machine.logicalProcessors },
        pctx.environment,
      ),
      workingDirectory: pctx.workingDirectory ?? `C:\\Users\\${pctx.user.name}`,
      codepage: pctx.codepage,
    };
    return launch([line.command, ...line.arguments].join(' '), ctx, io, { skipCmdShell: pctx.skipCmdShell });
  };
}
