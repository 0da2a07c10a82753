#!/usr/bin/env node
/**
 * `ipam-emulator serve` — the command line, kept thin: parse flags, start the
 * emulator, stop cleanly on SIGINT/SIGTERM.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Emulator } from './app';
import { runProvision } from './cli/provision';
import { runConform } from './cli/conform';
import { runRecord } from './cli/record';
import { CassetteError, readCassette } from './harness/cassette';
import { UsageError, integerOption } from './cli/usage';
import { DEFAULT_FIXTURE, FixtureError, loadFixture, withGeneratedHosts } from './config/fixture';
import { MAX_JOURNAL_SIZE } from './harness/journal';
import { abandonLog, createLogger, drainLog } from './log';
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

Options:
  --listen <address>    address to bind (default 127.0.0.1)
  --port <port>         HTTP port (default 5985)
  --data-dir <dir>      where state is kept (default ./data)
  --fixture <file>      fleet fixture (default fixtures/contoso.json)
  --https-port <port>   HTTPS port (default: the fixture's policy.https.port, or 5986)
  --no-https            no HTTPS listener
  --tls-cert <file>     PEM certificate for HTTPS (default: a self-signed one made
  --tls-key <file>      at first start and kept in <data-dir>/tls/)
  --hosts <n>           add hosts ipam1…ipamN (in the first host's domain), each
                        also listening on its own port from --hosts-base-port
  --hosts-base-port <p> first of those ports (default: --port + 1000)
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
  --log-level <level>   trace, debug, info, warn, error (default info)
  -h, --help            show this help
`;

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '5985' },
      'data-dir': { type: 'string', default: 'data' },
      fixture: { type: 'string' },
      hosts: { type: 'string' },
      'hosts-base-port': { type: 'string' },
      'https-port': { type: 'string' },
      'no-https': { type: 'boolean', default: false },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      clock: { type: 'string' },
      'journal-size': { type: 'string' },
      restore: { type: 'string' },
      replay: { type: 'string' },
      'on-miss': { type: 'string' },
      'log-level': { type: 'string', default: process.env.IPAM_EMULATOR_LOG_LEVEL ?? 'info' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a TCP port number, not '${values.port}'`);
  const hosts = integerOption('hosts', values.hosts, 1, 5000);
  const basePort = integerOption('hosts-base-port', values['hosts-base-port'], 1, 65535) ?? (port === 0 ? undefined : port + 1000);
  const concurrency = integerOption('concurrency', values.concurrency, 1, 1024);
  const seed = integerOption('seed', values.seed, 0, Number.MAX_SAFE_INTEGER);
  let clock;
  try {
    clock = parseClockOption(values.clock);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const journalSize = integerOption('journal-size', values['journal-size'], 0, MAX_JOURNAL_SIZE);
  // With --port 0 (a free port), HTTPS also takes a free port unless told otherwise.
  const httpsPort = values['no-https'] ? false : (integerOption('https-port', values['https-port'], 0, 65535) ?? (port === 0 ? 0 : undefined));
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const tls = values['tls-cert'] && values['tls-key'] ? { certFile: path.resolve(values['tls-cert']), keyFile: path.resolve(values['tls-key']) } : undefined;
  let fixture = loadFixture(values.fixture ? path.resolve(values.fixture) : DEFAULT_FIXTURE);
  if (hosts !== undefined) {
    if (basePort === undefined) throw new UsageError('--hosts with --port 0 needs --hosts-base-port');
    if (basePort + hosts - 1 > 65535) throw new UsageError(`--hosts ${hosts} from port ${basePort} runs past port 65535`);
    fixture = withGeneratedHosts(fixture, hosts, basePort);
  }
  const onMiss = values['on-miss'];
  if (onMiss !== undefined && onMiss !== 'fault' && onMiss !== 'emulate') throw new UsageError('--on-miss must be fault or emulate');
  if (onMiss !== undefined && values.replay === undefined) throw new UsageError('--on-miss goes with --replay');
  const replay = values.replay !== undefined ? { cassette: readCassette(path.resolve(values.replay)), onMiss: onMiss as 'fault' | 'emulate' | undefined } : undefined;
  const log = createLogger(values['log-level']);
  const restore = values.restore !== undefined ? path.resolve(values.restore) : undefined;
  const emulator = Emulator.create({ fixture, dataDir: path.resolve(values['data-dir']), logger: log, concurrency, seed, clock, journalSize, restore, replay });
  if (seed !== undefined || clock.virtual) log.info({ seed, clock: clock.virtual ? `virtual at ${clock.date().toISOString()}` : 'system' }, 'harness settings');
  await emulator.start(values.listen, port, { httpsPort, tls });

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
    emulator
      .stop()
      .then(() => exitAfterFlush(log, signal, 0))
      .catch((err: unknown) => exitAfterFlush(log, signal, 1, err));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

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
  if (err instanceof UsageError || (err instanceof Error && err.name === 'TypeError' && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`ipam-emulator: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof FixtureError || err instanceof SnapshotRestoreError || err instanceof CassetteError) {
    process.stderr.write(`ipam-emulator: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`ipam-emulator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
