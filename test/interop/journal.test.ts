/**
 * The pytest harness of docs/journal.md (test/interop/journal/test_journal.py), run with
 * pywinrm against a real emulator: shell operations, a near miss, a refused logon, a bad filter.
 */
import path from 'node:path';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { havePythonModule, requireOrSkip, runPytest } from './clients';

jest.setTimeout(120_000);

const PYTHON = 'python3';
const TESTS = path.join(__dirname, 'journal', 'test_journal.py');
const missing = ['winrm', 'pytest', 'requests'].filter((m) => !havePythonModule(PYTHON, m)).map((m) => `python module ${m}`);

requireOrSkip('pywinrm', missing.length === 0, missing)('the journal from pytest and pywinrm (docs/journal.md)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  test('the example checks pass', async () => {
    const r = await runPytest(PYTHON, [TESTS], { EMULATOR_URL: emu.url });
    expect({ code: r.code, output: r.output.slice(-3000) }).toMatchObject({ code: 0 });
    expect(r.output).toMatch(/\b4 passed\b/);
    expect(emu.logs().join('\n')).not.toContain('Wr0ng-Pytest-Passw0rd');
  });
});
