#!/usr/bin/env node
/**
 * `ipam-emulator serve` — the command line, kept thin: parse flags, start the
 * emulator, stop cleanly on SIGINT/SIGTERM.
 */
import path from 'node:path';
import fs from 'node:fs';
import { runProvision } from './cli/provision';
import { runConform } from './cli/conform';
import { runRecord } from './cli/record';
import { CassetteError, readCassette } from './harness/cassette';
import { UsageError, integerOption } from './cli/usage';
import { DEFAULT_FIXTURE, FixtureError, loadFixture, withGeneratedHosts, type Fixture } from './config/fixture';
import { packageVersion } from './config/paths';
import { parseOptions } from './cli/options';
import { SERVE_OPTIONS } from './cli/serveOptions';
import { httpsPolicy } from './fleet/fleet';
import { startEmulator, type RunningEmulator } from './embed/startEmulator';
import { DataDirLockedError } from './storage/dataDirLock';
import { fixtureAccounts, formatBanner } from './console';
import { MAX_JOURNAL_SIZE } from './harness/journal';
import { abandonLog, createLogger, drainLog, writeBesideLog, type Logger } from './log';
import { parseClockOption } from './harness';
import { SnapshotRestoreError } from './storage/snapshots/restore';

const USAGE = `Usage: ipam-emulator serve [options]
       ipam-emulator provision [options]   (ipam-emulator provision --help)
       ipam-emulator record [options]      (ipam-emulator record --help)
       ipam-emulator conform <cassette>    (ipam-emulator conform --help)

Plays a fleet of Windows Server IPAM hosts behind WS-Management (WinRM).
"provision" is the twin of Invoke-IpamServerProvisioning, for this emulator or any WinRM host.
"record" records a client's traffic with a WinRM host through a proxy; "serve --replay" answers
from the recording; "conform" holds the emulator against it (docs/record-replay.md).

Options (each also read from IPAM_EMULATOR_<OPTION>, e.g. IPAM_EMULATOR_DATA_DIR; a flag wins):
  --listen <address>    address to bind (default 127.0.0.1)
  --port <port>         HTTP port (default 5985); 0: a free port, and free ports for
                        HTTPS and --hosts too (the ready line says which)
  --data-dir <dir>      where state is kept (default ./data; one emulator per folder);
                        :memory: keeps no state once stopped
  --fixture <file>      fleet fixture (default fixtures/contoso.json)
  --https-port <port>   HTTPS port (default: the fixture's policy.https.port, or 5986)
  --no-https            no HTTPS listener
  --tls-cert <file>     PEM certificate for HTTPS (default: a self-signed one made
  --tls-key <file>      at first start and kept in <data-dir>/tls/)
  --hosts <n>           add hosts ipam1…ipamN (in the first host's domain), each
                        also listening on its own port from --hosts-base-port
  --hosts-base-port <p> first of those ports (default: --port + 1000; 0: free ports)
  --concurrency <n>     provisioning jobs run at once (default: the fixture's, or 32)
  --seed <n>            reproducible runs: every generated identifier (MessageIDs,
                        job InstanceIDs, contexts, ShellIds, …) drawn from seed n
  --clock <clock>       system (default), virtual (starting now) or
                        virtual=<ISO-8601>: a clock that moves only through
                        POST /_emulator/clock
  --journal-size <n>    requests the request journal keeps, the newest (GET
                        /_emulator/requests); 0 turns it off (default 10000)
  --restore <file>      start from a snapshot archive (GET /_emulator/snapshots/<name>/archive);
                        the data dir must hold no state yet (docs/snapshots.md)
  --replay <cassette>   answer requests the cassette recorded from it (ipam-emulator record)
  --on-miss <what>      a request the cassette does not hold: fault (the default: a
                        WS-Man fault naming it) or emulate (the emulator answers)
  --ready-file <file>   once every port is open, write the ready line's JSON (every
                        URL) to this file; removed at stop (docs/embedding.md)
  --log-level <level>   trace, debug, info, warn, error, fatal, silent (default info)
  --log-format <fmt>    pretty (a banner and one line per request; the default on a
                        terminal) or json (pino's JSON lines; the default otherwise)
  --version             print the version
  -h, --help            show this help

Ready: stdout gets one JSON line with "event":"ready" and every URL when the emulator
listens; GET /_emulator/health answers 200 then (503 while starting or stopping).
`;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

async function serve(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions(argv, SERVE_OPTIONS, process.env);
  if (positionals.length > 0) throw new UsageError(`serve takes no argument '${positionals[0]}' (options start with --)`);
  const text = (name: keyof typeof SERVE_OPTIONS): string | undefined => values[name] as string | undefined;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (values.version) {
    process.stdout.write(`ipam-emulator ${packageVersion()}\n`);
    return;
  }
  const port = integerOption('port', text('port'), 0, 65535) ?? 5985;
  const hosts = integerOption('hosts', text('hosts'), 1, 5000);
  // With --port 0 (free ports), the hosts' own ports are free ones too.
  const basePort = integerOption('hosts-base-port', text('hosts-base-port'), 0, 65535) ?? (port === 0 ? 0 : port + 1000);
  const concurrency = integerOption('concurrency', text('concurrency'), 1, 1024);
  const seed = integerOption('seed', text('seed'), 0, Number.MAX_SAFE_INTEGER);
  let clock;
  try {
    clock = parseClockOption(text('clock'));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const journalSize = integerOption('journal-size', text('journal-size'), 0, MAX_JOURNAL_SIZE);
  // With --port 0 (a free port), HTTPS also takes a free port unless told otherwise.
  const httpsPort = values['no-https'] === true ? false : (integerOption('https-port', text('https-port'), 0, 65535) ?? (port === 0 ? 0 : undefined));
  if ((text('tls-cert') === undefined) !== (text('tls-key') === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const tlsCert = text('tls-cert');
  const tlsKey = text('tls-key');
  const tls = tlsCert && tlsKey ? { certFile: path.resolve(tlsCert), keyFile: path.resolve(tlsKey) } : undefined;
  const fixtureFile = text('fixture') !== undefined ? path.resolve(text('fixture') as string) : DEFAULT_FIXTURE;
  let fixture = loadFixture(fixtureFile);
  if (hosts !== undefined) {
    if (basePort + hosts - 1 > 65535) throw new UsageError(`--hosts ${hosts} from port ${basePort} runs past port 65535`);
    fixture = withGeneratedHosts(fixture, hosts, basePort);
  }
  const onMiss = text('on-miss');
  if (onMiss !== undefined && onMiss !== 'fault' && onMiss !== 'emulate') throw new UsageError('--on-miss must be fault or emulate');
  if (onMiss !== undefined && text('replay') === undefined) throw new UsageError('--on-miss goes with --replay');
  const replayFile = text('replay');
  const replay = replayFile !== undefined ? { cassette: readCassette(path.resolve(replayFile)), onMiss: onMiss as 'fault' | 'emulate' | undefined } : undefined;
  const level = text('log-level') ?? 'info';
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not '${level}'`);
  const format = text('log-format') ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format !== 'json' && format !== 'pretty') throw new UsageError(`--log-format must be json or pretty, not '${format}'`);
  const log = createLogger(level, undefined, format);
  const restore = text('restore') !== undefined ? path.resolve(text('restore') as string) : undefined;
  // ':memory:' is not a folder: the state is kept in memory and the emulator's files in a temporary folder.
  const dataDirOption = text('data-dir') ?? 'data';
  const dataDir = dataDirOption === ':memory:' ? ':memory:' : path.resolve(dataDirOption);
  const readyFile = text('ready-file') !== undefined ? path.resolve(text('ready-file') as string) : undefined;
  if (seed !== undefined || clock.virtual) log.info({ seed, clock: clock.virtual ? `virtual at ${clock.date().toISOString()}` : 'system' }, 'harness settings');
  const running = await startEmulator({
    fixture,
    fixtureFile,
    dataDir,
    logger: log,
    concurrency,
    seed,
    clock,
    journalSize,
    restore,
    replay,
    listen: text('listen') ?? '127.0.0.1',
    port,
    httpsPort,
    tls,
  }).catch((e: unknown) => {
    // The HTTPS port that was tried: the flag's, or the fixture's.
    const policy = httpsPolicy(fixture);
    const httpsTried = httpsPort ?? (policy.enabled ? policy.port : false);
    throw startFailure(e, { port, httpsPort: httpsTried, hosts: hosts !== undefined, listen: text('listen') ?? '127.0.0.1' });
  });
  announceReady(running, log, format, fixture, readyFile);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    // A second signal ends the process at once, as that signal does by default.
    if (stopping) dieBy(log, signal);
    stopping = true;
    // Whatever holds the stop up (a client that will not let go, a log pipe nobody reads), the
    // process is gone within the grace period: a harness's teardown must never hang on it.
    setTimeout(() => {
      log.error({ graceMs: STOP_GRACE_MS }, 'the stop took longer than its grace period');
      dieBy(log, signal);
    }, STOP_GRACE_MS).unref();
    log.info({ signal }, 'shutting down');
    if (readyFile) fs.rmSync(readyFile, { force: true });
    running
      .stop()
      .then(() => exitAfterFlush(log, signal, 0))
      .catch((err: unknown) => exitAfterFlush(log, signal, 1, err));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/**
 * Says the emulator is ready: one JSON line on stdout with every URL (a pino record in JSON
 * format, the bare object after the banner on a terminal), and the same object in --ready-file
 * (written whole: a temporary file renamed). Never a password: those are in the fixture.
 */
function announceReady(running: RunningEmulator, log: Logger, format: 'json' | 'pretty', fixture: Fixture, readyFile: string | undefined): void {
  const ready = running.ready;
  if (readyFile) {
    const tmp = `${readyFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(ready, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, readyFile);
  }
  if (format === 'json') {
    log.info(ready, 'ready');
    return;
  }
  const color = process.stdout.isTTY === true;
  writeBesideLog(log, `${formatBanner({ ...ready, accounts: fixtureAccounts(fixture), admin: fixture.admin }, { color })}\n${JSON.stringify(ready)}\n`);
}

/** What went wrong at start, said with the flag that fixes it (a port in use, an address that is not this machine's). */
function startFailure(e: unknown, opts: { port: number; httpsPort: number | false; hosts: boolean; listen: string }): unknown {
  const err = e as NodeJS.ErrnoException & { port?: number };
  if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
    const p = err.port;
    // Which listener it was, and the flag that moves it.
    const [what, fix] =
      p === opts.port
        ? ['HTTP port', '--port <port> (or --port 0 for a free one)']
        : p === opts.httpsPort
          ? ['HTTPS port', '--https-port <port> (or --https-port 0 for a free one, or --no-https)']
          : opts.hosts
            ? ['port', '--hosts-base-port <port> (or --port 0: every port a free one)']
            : ['port', "the host's port in the fixture (hosts[].port; 0 for a free one)"];
    const problem = err.code === 'EADDRINUSE' ? 'is in use by another program' : 'needs privileges this user does not have';
    return new StartError(`the ${what} ${p} on ${opts.listen} ${problem}; choose another with ${fix}`);
  }
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
    return new StartError(`cannot listen on ${opts.listen}: it is not an address of this machine (--listen <address>, e.g. 127.0.0.1 or 0.0.0.0)`);
  }
  return e;
}

/** A start that cannot succeed as configured: printed without a stack, exit code 1. */
class StartError extends Error {}

/** How long `serve` may take to stop after SIGINT or SIGTERM before it is ended anyway. */
const STOP_GRACE_MS = 10_000;
/** How long the last log lines may take to drain; stdout may be a pipe nobody reads any more. */
const FLUSH_GRACE_MS = 1_000;

/** Logs how the stop ended, lets the log drain for a moment at most, and exits. */
function exitAfterFlush(log: ReturnType<typeof createLogger>, signal: NodeJS.Signals, code: number, err?: unknown): void {
  if (err === undefined) log.info('stopped');
  else log.error({ err }, 'error while stopping');
  void drainLog(log, FLUSH_GRACE_MS).then((drained) => {
    if (drained) process.exit(code);
    // A write to stdout is stuck in the thread pool (a full pipe), and Node's exit waits for that
    // thread: only the signal's default action ends the process now.
    dieBy(log, signal);
  });
}

/**
 * Ends the process as `signal` does by default (exit status 128 + its number to a shell), without
 * Node's exit path: that flushes the log to stdout and joins the thread pool, either of which can wait
 * for ever on a pipe nobody reads.
 */
function dieBy(log: ReturnType<typeof createLogger>, signal: NodeJS.Signals): never {
  abandonLog(log);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // The signal is delivered before kill returns to a single-threaded caller; should it not be, exit.
  return process.exit(signal === 'SIGINT' ? 130 : 143);
}


async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'provision':
      process.exitCode = await runProvision(rest, { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true, env: process.env });
      return;
    case 'record': {
      const stopped = new Promise((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      process.exitCode = await runRecord(rest, { stdout: process.stdout, stderr: process.stderr, env: process.env, stopped });
      return;
    }
    case 'conform':
      process.exitCode = await runConform(rest, { stdout: process.stdout, stderr: process.stderr, env: process.env });
      return;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // provision, record and conform parse their flags with parseArgs directly: its refusals are usage errors too.
  if (err instanceof UsageError || (err instanceof Error && err.name === 'TypeError' && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`ipam-emulator: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof FixtureError || err instanceof SnapshotRestoreError || err instanceof CassetteError) {
    process.stderr.write(`ipam-emulator: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof StartError || err instanceof DataDirLockedError) {
    process.stderr.write(`ipam-emulator: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && 'path' in err && 'syscall' in err) {
    // A file the emulator could not read or write (ENOENT, EACCES, ENOSPC…): the system's own words suffice.
    process.stderr.write(`ipam-emulator: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`ipam-emulator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
