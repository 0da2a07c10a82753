/**
 * The command line as users run it: a real child process of the built CLI
 * (npm test builds it first), real signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN, IDENTIFY, post } from '../support/soap';
import { tempDir } from '../support/emulator';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does it first)`);
});

function startCli(args: string[]): { child: ChildProcess; output: () => string; listening: Promise<string> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1] as string);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${out}`)));
  });
  return { child, output: () => out, listening };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

test('serve listens on 127.0.0.1, answers, and stops cleanly on SIGTERM and SIGINT', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const { child, output, listening } = startCli(['serve', '--port', '0', '--data-dir', tempDir()]);
    const url = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/wsman$/);
    expect((await post(url, IDENTIFY)).status).toBe(200);
    const exited = exitOf(child);
    child.kill(signal);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain('"msg":"stopped"');
  }
});

test('serve stops on SIGTERM whatever became of its stdout: a pipe closed by its reader, or one nobody reads', async () => {
  // `serve | head -2`: the reader goes away after the first lines; the shutdown lines then meet a broken pipe.
  const closed = startCli(['serve', '--port', '0', '--no-https', '--data-dir', tempDir()]);
  const url = await closed.listening;
  closed.child.stdout?.destroy();
  expect((await post(url, IDENTIFY, { Authorization: ADMIN })).status).toBe(200);
  const closedExit = exitOf(closed.child);
  closed.child.kill('SIGTERM');
  expect(await closedExit).toEqual({ code: 0, signal: null });

  // A test runner's pipe it stopped reading: request lines fill it, so a log write is stuck when the stop
  // comes. The process still ends, by the signal's own default action if its log cannot drain.
  const stuck = startCli(['serve', '--port', '0', '--no-https', '--data-dir', tempDir()]);
  const stuckUrl = await stuck.listening;
  stuck.child.stdout?.pause();
  for (let i = 0; i < 1500; i++) await post(stuckUrl, IDENTIFY, { Authorization: ADMIN });
  const stuckExit = exitOf(stuck.child);
  stuck.child.kill('SIGTERM');
  expect([{ code: 0, signal: null }, { code: null, signal: 'SIGTERM' }]).toContainEqual(await stuckExit);
});

test('the data directory holds the state database and no password from the fixture', async () => {
  const dataDir = tempDir();
  const { child, listening } = startCli(['serve', '--port', '0', '--data-dir', dataDir]);
  await listening;
  const exited = exitOf(child);
  child.kill('SIGTERM');
  await exited;
  const files = fs
    .readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
  expect(files.map((f) => path.basename(f))).toContain('state.sqlite');
  // Every password the default fixture declares: accounts and SQL logins.
  for (const password of ['Passw0rd!', 'Sa-Passw0rd!', 'Sq1-Passw0rd!']) {
    for (const f of files) expect({ file: f, found: fs.readFileSync(f).includes(password) }).toEqual({ file: f, found: false });
  }
});

test('a bad fixture is refused before listening, with the problem and its JSON path', async () => {
  const dir = tempDir();
  const fixture = path.join(dir, 'bad.json');
  fs.writeFileSync(fixture, JSON.stringify({ name: 'x', domains: [{ name: 'CONTOSO', dnsName: 'contoso.com' }], hosts: [{ fqdn: 'ipam1.contoso.com', domain: 'FABRIKAM' }] }));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir, '--fixture', fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const { code } = await exitOf(child);
  expect(code).toBe(2);
  expect(err).toContain('/hosts/0/domain: no domain named FABRIKAM');
});

test('unknown commands and flags print the usage and exit 2', async () => {
  for (const args of [['frobnicate'], ['serve', '--colour', 'red']]) {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const { code } = await exitOf(child);
    expect(code).toBe(2);
    expect(err).toContain('Usage: ipam-emulator serve');
  }
});

test('serve --hosts 3 adds ipam1…ipam3, each also answering on its own port', async () => {
  const net = await import('node:net');
  const freePort = (): Promise<number> =>
    new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
  // A free port, and the two after it hopefully free too: another process may take one meanwhile
  // (other test files run at once), so a start that fails with EADDRINUSE is tried again elsewhere.
  let base = 0;
  let started: ReturnType<typeof startCli> | undefined;
  for (let attempt = 0; attempt < 5 && !started; attempt++) {
    base = await freePort();
    if (base > 65533) continue;
    const s = startCli(['serve', '--port', '0', '--data-dir', tempDir(), '--hosts', '3', '--hosts-base-port', String(base)]);
    try {
      await s.listening;
      started = s;
    } catch (e) {
      if (!/is in use by another program/.test(String((e as Error).message))) throw e;
    }
  }
  if (!started) throw new Error('no three consecutive free ports in 5 attempts');
  const { child } = started;
  try {
    for (const [i, port] of [base, base + 1, base + 2].entries()) {
      const { call, WMI, bodyOf, child: el, itemsOf, propsOf, NS, ACTION } = await import('../support/soap');
      const r = await call(`http://127.0.0.1:${port}/wsman`, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_Server', body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>5</w:MaxElements></n:Enumerate>' });
      const inst = itemsOf(el(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!)[0]!;
      expect(propsOf(inst).ServerName).toBe(`ipam${i + 1}.contoso.com`);
    }
  } finally {
    const exited = exitOf(child);
    child.kill('SIGTERM');
    await exited;
  }
});

test('serve --journal-size N keeps a journal of N requests; a bad size exits 2 naming the flag', async () => {
  for (const bad of ['-1', 'many', '1000001']) {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', tempDir(), `--journal-size=${bad}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const { code } = await exitOf(child);
    expect(code).toBe(2);
    expect(err).toContain('--journal-size must be a whole number from 0 to 1000000');
  }
  const { child, listening } = startCli(['serve', '--port', '0', '--no-https', '--data-dir', tempDir(), '--journal-size', '2']);
  try {
    const url = await listening;
    for (let i = 0; i < 3; i++) await post(url, IDENTIFY);
    const res = await fetch(url.replace(/\/wsman$/, '/_emulator/requests'), { headers: { Authorization: 'Basic ' + Buffer.from('Administrator:Passw0rd!').toString('base64') } });
    const page = (await res.json()) as { capacity: number; lastSeq: number; entries: Array<{ seq: number; operation: string }> };
    expect(page.capacity).toBe(2);
    expect(page.entries.map((e) => [e.seq, e.operation])).toEqual([
      [2, 'Identify'],
      [3, 'Identify'],
    ]);
  } finally {
    const exited = exitOf(child);
    child.kill('SIGTERM');
    await exited;
  }
});
