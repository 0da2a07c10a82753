/**
 * Issue 12: transport faults the emulator injects, as the real pywinrm (Debian python3-winrm)
 * sees them — a reset connection, a reply held back or dribbled past its read timeout, a host
 * taken down — and the emulator answering normally right after each.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { freePort, startEmulator, type TestEmulator } from '../support/emulator';
import { ADMIN } from '../support/soap';
import { haveCommand, havePythonModule, requireOrSkip } from './clients';

jest.setTimeout(60_000);

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'pywinrm_faults.py');
const missing = [...(haveCommand(PYTHON) ? [] : [PYTHON]), ...(haveCommand(PYTHON) && !havePythonModule(PYTHON, 'winrm') ? ['python module winrm'] : [])];

interface Seen {
  ok: boolean;
  identify?: boolean;
  error?: string;
  chain?: string[];
  message?: string;
}

function identify(url: string, readTimeoutS = 2): Promise<Seen> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-B', SCRIPT, url, 'Administrator', 'Passw0rd!', String(readTimeoutS)], { timeout: 50_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`pywinrm_faults.py failed: ${err.message}\n${stdout}\n${stderr}`));
      resolve(JSON.parse(stdout) as Seen);
    });
  });
}

requireOrSkip('pywinrm', missing.length === 0, missing)('transport faults as pywinrm sees them', () => {
  let emu: TestEmulator;
  let ownUrl: string;
  beforeAll(async () => {
    const fx = structuredClone(contoso) as Fixture;
    const port = await freePort();
    fx.hosts[0] = { ...fx.hosts[0]!, port };
    ownUrl = `http://127.0.0.1:${port}/wsman`;
    emu = await startEmulator({ fixture: fx });
  });
  afterAll(() => emu.stop());

  const rule = async (body: unknown): Promise<void> => {
    const r = await fetch(emu.url.replace(/\/wsman$/, '/_emulator/faults'), { method: 'POST', headers: { Authorization: ADMIN, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(201);
  };
  const healthy = async (): Promise<void> => expect(await identify(emu.url)).toEqual({ ok: true, identify: true });

  test('reset: a connection error (ConnectionResetError underneath)', async () => {
    await rule({ match: { operation: 'Identify' }, effect: { reset: true }, times: 1 });
    const seen = await identify(emu.url);
    expect(seen).toMatchObject({ ok: false, error: 'requests.exceptions.ConnectionError' });
    expect(seen.chain?.join(' ')).toMatch(/ConnectionResetError|ProtocolError/);
    await healthy();
  });

  test('delay past the read timeout: a read timeout', async () => {
    await rule({ match: { operation: 'Identify' }, effect: { delay: { ms: 4000 } }, times: 1 });
    expect(await identify(emu.url, 2)).toMatchObject({ ok: false, error: 'requests.exceptions.ReadTimeout' });
    await healthy();
  });

  test('a reply dribbled slower than the read timeout: a timeout while reading the body', async () => {
    await rule({ match: { operation: 'Identify' }, effect: { dribble: { chunkBytes: 64, intervalMs: 3500 } }, times: 1 });
    const seen = await identify(emu.url, 2);
    expect(seen.ok).toBe(false);
    expect(seen.chain?.join(' ')).toMatch(/ReadTimeout|ConnectionError|timed out/i);
    await healthy();
  });

  test("hostDown: the host's own port refuses the connection", async () => {
    await rule({ match: { operation: 'Identify' }, effect: { hostDown: { seconds: 3600 } }, times: 1 });
    const first = await identify(ownUrl);
    expect(first).toMatchObject({ ok: false });
    const refused = await identify(ownUrl);
    expect(refused).toMatchObject({ ok: false, error: 'requests.exceptions.ConnectionError' });
    expect(refused.message).toMatch(/Connection refused|NewConnectionError/);
    // The admin API brings it back: a reset of the fleet.
    expect((await fetch(emu.url.replace(/\/wsman$/, '/_emulator/reset'), { method: 'POST', headers: { Authorization: ADMIN } })).status).toBe(200);
    for (let i = 0; i < 50 && !(await identify(ownUrl)).ok; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await identify(ownUrl)).toEqual({ ok: true, identify: true });
  });
});
