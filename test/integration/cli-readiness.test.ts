/**
 * `serve` in a harness's hands (issue 13): free ports, the ready line and --ready-file, health
 * while it starts, serves and stops, IPAM_EMULATOR_* variables, --version, and the errors a
 * newcomer meets, said without a stack. A real child process of the built CLI, real signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import contoso from '../../fixtures/contoso.json';
import { ProvisioningMethod, provisionHost, WsmanClient, BasicAuthenticator, type ReadyInfo } from '../../src/index';
import { tempDir } from '../support/emulator';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does it first)`);
});

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** The ready line's object, parsed from stdout as a harness would: the first JSON line with event "ready". */
  readonly ready: Promise<ReadyInfo>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let pending = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise<ReadyInfo>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() as string;
      for (const line of lines) {
        try {
          const o = JSON.parse(line) as { event?: string };
          if (o.event === 'ready') resolve(o as ReadyInfo);
        } catch {
          // a line for people
        }
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then(({ code }) => reject(new Error(`exited with ${code} before ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => out, ready, exited };
}

async function stopCli(s: Started): Promise<void> {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await s.exited;
}

/** Runs the CLI to its end: exit code and what it wrote. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

test('serve --port 0 --hosts 3 --ready-file: free ports for every listener, the ready line and the file name them all, health is 200', async () => {
  const dir = tempDir();
  const readyFile = path.join(dir, 'ready.json');
  const s = startCli(['serve', '--port', '0', '--hosts', '3', '--data-dir', path.join(dir, 'data'), '--ready-file', readyFile, '--log-format', 'json']);
  try {
    const ready = await s.ready;
    // The file holds the ready object; the line is that object in a log record (level, time, msg besides).
    const inFile = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as ReadyInfo;
    expect(ready).toMatchObject(inFile);
    expect(inFile).not.toHaveProperty('level');
    expect(ready).toMatchObject({ event: 'ready', fleet: 'contoso', defaultHost: 'ipam1.contoso.com', pid: s.child.pid, dataDir: path.join(dir, 'data') });
    expect(ready.hosts.map((h) => h.name)).toEqual(['ipam1.contoso.com', 'ipam2.contoso.com', 'ipam3.contoso.com']);
    const ports = [ready.url, ready.httpsUrl as string, ...ready.hosts.map((h) => h.url)].map(portOf);
    expect(new Set(ports).size).toBe(5);
    expect(ports).not.toContain(5985);
    expect(ports).not.toContain(5986);
    // Never a password on stdout or in the file.
    expect(s.output()).not.toContain('Passw0rd!');
    expect(fs.readFileSync(readyFile, 'utf8')).not.toContain('Passw0rd!');
    const health = await fetch(ready.healthUrl);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', hosts: 3, fleet: 'contoso', version: ready.version });
    // Each host answers on its own port.
    const client = new WsmanClient({ endpoint: ready.hosts[2]?.url as string, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
    try {
      const [server] = await client.enumerate('http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server');
      expect(server?.ServerName).toBe('ipam3.contoso.com');
    } finally {
      client.close();
    }
  } finally {
    await stopCli(s);
  }
  // The ready file goes with the emulator.
  expect(fs.existsSync(readyFile)).toBe(false);
});

test('health turns 503 as soon as a stop begins, while jobs drain, before the ports close', async () => {
  const dir = tempDir();
  const fixture = path.join(dir, 'slow.json');
  fs.writeFileSync(fixture, JSON.stringify({ ...contoso, $schema: undefined, timing: { steps: { '*': { ms: 500 } }, clock: 'real' } }));
  const s = startCli(['serve', '--port', '0', '--no-https', '--data-dir', path.join(dir, 'data'), '--fixture', fixture]);
  const ready = await s.ready;
  const client = new WsmanClient({ endpoint: ready.url, authenticator: new BasicAuthenticator('Administrator', 'Passw0rd!') });
  try {
    const started = await provisionHost(client, { ProvisioningMethod: ProvisioningMethod.Manual, Force: true }, { asJob: true });
    expect(started.accepted).toBe(true);
    expect((await fetch(ready.healthUrl)).status).toBe(200);
    s.child.kill('SIGTERM');
    // Health is asked until it stops saying 200: the first other answer is a 503 (the job holds the ports open).
    let seen: { status: number; body: unknown } | undefined;
    for (;;) {
      const res = await fetch(ready.healthUrl);
      if (res.status !== 200) {
        seen = { status: res.status, body: await res.json() };
        break;
      }
      await res.arrayBuffer();
    }
    expect(seen).toEqual({ status: 503, body: expect.objectContaining({ status: 'stopping' }) });
    expect(await s.exited).toEqual({ code: 0, signal: null });
  } finally {
    client.close();
    await stopCli(s);
  }
});

test('every option reads from IPAM_EMULATOR_*: IPAM_EMULATOR_PORT=0 works as --port 0 does; a flag wins over its variable', async () => {
  const dir = tempDir();
  const readyFile = path.join(dir, 'ready.json');
  const byEnv = startCli(['serve'], { IPAM_EMULATOR_PORT: '0', IPAM_EMULATOR_DATA_DIR: path.join(dir, 'data'), IPAM_EMULATOR_READY_FILE: readyFile, IPAM_EMULATOR_NO_HTTPS: '1', IPAM_EMULATOR_HOSTS: '2' });
  try {
    const ready = await byEnv.ready;
    expect(portOf(ready.url)).not.toBe(5985);
    expect(ready.httpsUrl).toBeNull();
    expect(ready.hosts).toHaveLength(2);
    expect(ready.dataDir).toBe(path.join(dir, 'data'));
    expect(fs.existsSync(readyFile)).toBe(true);
  } finally {
    await stopCli(byEnv);
  }
  const flagWins = startCli(['serve', '--port', '0', '--no-https', '--data-dir', path.join(dir, 'other')], { IPAM_EMULATOR_PORT: '1', IPAM_EMULATOR_DATA_DIR: path.join(dir, 'data') });
  try {
    expect((await flagWins.ready).dataDir).toBe(path.join(dir, 'other'));
  } finally {
    await stopCli(flagWins);
  }
  const bad = await runCli(['serve', '--port', '0'], { IPAM_EMULATOR_NO_HTTPS: 'maybe' });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("IPAM_EMULATOR_NO_HTTPS must be 1 or 0 (true or false), not 'maybe'");
});

test('--version prints the package version', async () => {
  const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const r = await runCli(['serve', '--version']);
  expect(r).toEqual({ code: 0, stdout: `ipam-emulator ${version}\n`, stderr: '' });
});

test('what a newcomer gets wrong is said plainly, with the flag that fixes it, and no stack trace', async () => {
  const typo = await runCli(['serve', '--prot', '0']);
  expect(typo.code).toBe(2);
  expect(typo.stderr).toContain('unknown option --prot; did you mean --port?');
  const typo2 = await runCli(['serve', '--data-dri', 'x']);
  expect(typo2.stderr).toContain('did you mean --data-dir?');
  const level = await runCli(['serve', '--port', '0', '--log-level', 'verbose']);
  expect(level.code).toBe(2);
  expect(level.stderr).toContain("--log-level must be one of trace, debug, info, warn, error, fatal, silent, not 'verbose'");

  // A port in use: the HTTP one, then the HTTPS one a lone --port leaves at 5986's place.
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const taken = (busy.address() as net.AddressInfo).port;
  try {
    const http = await runCli(['serve', '--port', String(taken), '--data-dir', tempDir()]);
    expect(http.code).toBe(1);
    expect(http.stderr).toContain(`the HTTP port ${taken} on 127.0.0.1 is in use by another program; choose another with --port <port> (or --port 0 for a free one)`);
    const https = await runCli(['serve', '--port', '0', '--https-port', String(taken), '--data-dir', tempDir()]);
    expect(https.code).toBe(1);
    expect(https.stderr).toContain(`the HTTPS port ${taken} on 127.0.0.1 is in use by another program; choose another with --https-port <port> (or --https-port 0 for a free one, or --no-https)`);
    for (const r of [typo, level, http, https]) expect(r.stderr).not.toMatch(/\n\s+at /);
  } finally {
    busy.close();
  }
});

test('a second serve on the same data directory is refused while the first runs; --data-dir :memory: makes no folder of that name', async () => {
  const dir = tempDir();
  const first = startCli(['serve', '--port', '0', '--no-https', '--data-dir', dir]);
  try {
    const ready = await first.ready;
    const second = await runCli(['serve', '--port', '0', '--no-https', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`the data directory ${dir} is in use by another emulator (process ${ready.pid})`);
    expect(second.stderr).not.toMatch(/\n\s+at /);
  } finally {
    await stopCli(first);
  }
  const cwd = tempDir();
  const memory = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--no-https', '--data-dir', ':memory:', '--log-format', 'json'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const readyLine = await new Promise<string>((resolve) => {
    let out = '';
    memory.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"event":"ready"'));
      if (line) resolve(line);
    });
  });
  const exited = new Promise((r) => memory.once('exit', r));
  memory.kill('SIGTERM');
  await exited;
  expect(JSON.parse(readyLine)).toMatchObject({ dataDir: ':memory:' });
  expect(fs.readdirSync(cwd)).toEqual([]);
});
