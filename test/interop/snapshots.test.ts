/**
 * Issue 12: the pytest harness of docs/snapshots.md (snapshots/test_with_snapshots.py), with
 * pywinrm's run_ps for the shell door and requests for the admin API: provision once, snapshot,
 * restore before each test.
 */
import path from 'node:path';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { havePythonModule, requireOrSkip, runPytest } from './clients';

jest.setTimeout(120_000);

const PYTHON = 'python3';
const HARNESS = path.join(__dirname, 'snapshots', 'test_with_snapshots.py');
const missing = ['pytest', 'winrm', 'requests'].filter((m) => !havePythonModule(PYTHON, m)).map((m) => `python module ${m}`);

requireOrSkip('pywinrm-pypi', missing.length === 0, missing)('the pytest snapshot harness of docs/snapshots.md', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  test('provisions once, restores before each test, and every test passes', async () => {
    const r = await runPytest(PYTHON, [HARNESS], { EMULATOR: emu.url.replace(/\/wsman$/, '') });
    expect({ code: r.code, output: r.output.slice(-2000) }).toMatchObject({ code: 0 });
    expect(r.output).toMatch(/\b3 passed\b/);
  });
});
