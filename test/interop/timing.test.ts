/**
 * Issue 12: the pytest harness of docs/timing.md (timing/test_timing.py), with pywinrm's run_ps for
 * the shell door and requests for the admin API, against an emulator whose steps take two seconds
 * each on a virtual clock.
 */
import path from 'node:path';
import { VirtualClock } from '../../src/harness';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { havePythonModule, requireOrSkip, runPytest } from './clients';

jest.setTimeout(120_000);

const PYTHON = 'python3';
const HARNESS = path.join(__dirname, 'timing', 'test_timing.py');
const missing = ['pytest', 'winrm', 'requests'].filter((m) => !havePythonModule(PYTHON, m)).map((m) => `python module ${m}`);

requireOrSkip('pywinrm-pypi', missing.length === 0, missing)('the pytest timing harness of docs/timing.md', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ fixture: { ...(contoso as Fixture), timing: { steps: { '*': { ms: 2000 } } } }, clock: new VirtualClock(Date.parse('2026-01-01T00:00:00Z')) });
  });
  afterAll(() => emu.stop());

  test('the run waits for the clock, then completes', async () => {
    const r = await runPytest(PYTHON, [HARNESS], { EMULATOR: emu.url.replace(/\/wsman$/, '') });
    expect({ code: r.code, output: r.output.slice(-2000) }).toMatchObject({ code: 0 });
    expect(r.output).toMatch(/\b1 passed\b/);
  });
});
