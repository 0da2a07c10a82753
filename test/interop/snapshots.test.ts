/**
 * Issue 12: the pytest harness of docs/snapshots.md (snapshots/test_with_snapshots.py), with
 * pywinrm's run_ps for the shell door and requests for the admin API: provision once, snapshot,
 * restore before each test.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { havePythonModule, requireOrSkip } from './clients';

jest.setTimeout(120_000);

const PYTHON = 'python3';
const HARNESS = path.join(__dirname, 'snapshots', 'test_with_snapshots.py');
const missing = ['pytest', 'winrm', 'requests'].filter((m) => !havePythonModule(PYTHON, m)).map((m) => `python module ${m}`);

function pytest(url: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      ['-B', '-m', 'pytest', '-p', 'no:cacheprovider', '-q', HARNESS],
      { timeout: 100_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', EMULATOR: url.replace(/\/wsman$/, '') } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

requireOrSkip('pywinrm-pypi', missing.length === 0, missing)('the pytest snapshot harness of docs/snapshots.md', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  test('provisions once, restores before each test, and every test passes', async () => {
    const r = await pytest(emu.url);
    expect({ code: r.code, output: r.output.slice(-2000) }).toMatchObject({ code: 0 });
    expect(r.output).toMatch(/\b3 passed\b/);
  });
});
