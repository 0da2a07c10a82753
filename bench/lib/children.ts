/**
 * The processes under test. The emulator (dist/cli.js serve) and the baseline
 * server each run in a child process of their own, so the load generator in
 * this process never shares their event loop. Children listen on 127.0.0.1 on a
 * port picked here (bound to port 0 first, then released), run at log level
 * warn (no per-request log line), and are read for memory from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DIST, ROOT } from './dist';
import { IDENTIFY } from './envelopes';

export interface Memory {
  /** Resident set size now, kB (VmRSS). */
  readonly rssKb: number;
  /** Peak resident set size since start, kB (VmHWM). */
  readonly hwmKb: number;
}

/** NaN figures when the process is gone. */
export function memoryOf(pid: number): Memory {
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rssKb: NaN, hwmKb: NaN };
  }
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** One log line of the child at warn level or above (the emulator logs JSON with pino). */
export interface ChildLogLine {
  readonly level: number;
  readonly msg: string;
  readonly raw: string;
}

export class ChildServer {
  private exited: Promise<number | null>;
  private done = false;
  readonly logLines: ChildLogLine[] = [];
  /** How many warn+ lines were seen in all (logLines keeps the first 50). */
  logCount = 0;
  private stderrTail = '';

  constructor(
    readonly label: string,
    readonly proc: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    void this.exited.then(() => (this.done = true));
    let partial = '';
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) this.onLine(l);
    });
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
  }

  get pid(): number {
    return this.proc.pid as number;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/wsman`;
  }

  get alive(): boolean {
    return !this.done;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  memory(): Memory {
    return memoryOf(this.pid);
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    let level = 50;
    let msg = line;
    try {
      const j = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      level = typeof j.level === 'number' ? j.level : 30;
      msg = `${j.msg ?? ''}${j.err?.message ? `: ${j.err.message}` : ''}`;
    } catch {
      // not JSON: keep the raw text
    }
    if (level < 40) return;
    this.logCount++;
    if (this.logLines.length < 50) this.logLines.push({ level, msg, raw: line.slice(0, 2000) });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 20_000): Promise<number | null> {
    if (this.done) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!this.done) this.proc.kill('SIGKILL');
    }, graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Resolves when the child exits on its own (or was stopped). */
  waitExit(): Promise<number | null> {
    return this.exited;
  }
}

/** A free TCP port on 127.0.0.1: bound to 0, read, released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive free ports, below the kernel's ephemeral
 * range (32768+ on Linux) so outgoing connections never take one of them.
 */
export async function freePortRange(count: number, lo = 10_000, hi = 32_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = lo + Math.floor(Math.random() * (hi - lo - count));
    let ok = true;
    for (let p = base; p < base + count; p++) {
      if (!(await portIsFree(p))) {
        ok = false;
        break;
      }
    }
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports between ${lo} and ${hi}`);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Waits until the server answers an unauthenticated Identify: work a load run
 * left queued behind it (requests of connections the load generator closed)
 * is done by then, so it does not spill into the next measurement.
 */
export async function waitIdle(child: ChildServer, timeoutMs = 600_000): Promise<number> {
  const t0 = Date.now();
  while (child.alive && Date.now() - t0 < timeoutMs) {
    if ((await probe(child.port, timeoutMs)) === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - t0;
}

/** One unauthenticated Identify; resolves with the HTTP status, or 0 when the connection failed. */
function probe(port: number, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve) => {
    const body = Buffer.from(IDENTIFY);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/wsman',
        method: 'POST',
        agent: false,
        headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', WSMANIDENTIFY: 'unauthenticated', 'Content-Length': body.length },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

async function waitReady(child: ChildServer, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child.alive) throw new Error(`${child.label} exited during start-up:\n${child.stderr}`);
    if (await ready()) return;
    if (Date.now() > deadline) {
      await child.stop(2000);
      throw new Error(`${child.label} did not become ready within ${timeoutMs} ms:\n${child.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface EmulatorChildOptions {
  readonly label: string;
  readonly dataDir: string;
  /** A fixture file, relative to the project root or absolute (default: the embedded contoso.json). */
  readonly fixture?: string;
  readonly hosts?: number;
  readonly concurrency?: number;
  /** Write a V8 CPU profile here when the child exits (node --cpu-prof). */
  readonly cpuProfDir?: string;
  /** More `serve` options (e.g. --restore <archive>). */
  readonly extraArgs?: readonly string[];
}

/**
 * Starts `node dist/cli.js serve` on a free port, without HTTPS, at log level
 * warn. With `hosts`, the generated hosts listen on a free range of ports too.
 * Ready means: the main port answers Identify, and the last host's port does too
 * (the emulator opens them in that order, after its certificate is loaded).
 */
export async function startEmulator(opts: EmulatorChildOptions): Promise<ChildServer> {
  const port = await freePort();
  const args = ['serve', '--listen', '127.0.0.1', '--port', String(port), '--data-dir', opts.dataDir, '--no-https', '--log-level', 'warn'];
  if (opts.fixture) args.push('--fixture', path.resolve(ROOT, opts.fixture));
  let lastHostPort: number | undefined;
  if (opts.hosts !== undefined) {
    const base = await freePortRange(opts.hosts);
    args.push('--hosts', String(opts.hosts), '--hosts-base-port', String(base));
    lastHostPort = base + opts.hosts - 1;
  }
  if (opts.concurrency !== undefined) args.push('--concurrency', String(opts.concurrency));
  if (opts.extraArgs) args.push(...opts.extraArgs);
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const proc = spawn(process.execPath, [...nodeArgs, path.join(DIST, 'cli.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, IPAM_EMULATOR_LOG_LEVEL: 'warn' },
  });
  const child = new ChildServer(opts.label, proc, port);
  await waitReady(child, async () => (await probe(port)) === 200 && (lastHostPort === undefined || (await probe(lastHostPort)) === 200), 120_000);
  return child;
}

/** The baseline: a bare node:http server answering every POST with fixed bytes (bench/baseline-server.ts). */
export async function startBaseline(replyFile: string, contentType: string): Promise<ChildServer> {
  const port = await freePort();
  const proc = spawn(process.execPath, [path.join(__dirname, '..', 'baseline-server.js'), String(port), replyFile, contentType], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = new ChildServer('baseline node:http', proc, port);
  await waitReady(child, async () => (await probe(port)) === 200, 30_000);
  return child;
}
