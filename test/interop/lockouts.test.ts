/**
 * Issue 12 item 7: the pytest harness of docs/admin-api.md (lockouts/test_lockouts.py), with pywinrm
 * logging on over Basic and requests for the admin API under the fixture's own admin credential.
 */
import path from 'node:path';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { havePythonModule, requireOrSkip, runPytest } from './clients';

jest.setTimeout(120_000);

const PYTHON = 'python3';
const HARNESS = path.join(__dirname, 'lockouts', 'test_lockouts.py');
const missing = ['pytest', 'winrm', 'requests'].filter((m) => !havePythonModule(PYTHON, m)).map((m) => `python module ${m}`);

requireOrSkip('pywinrm-pypi', missing.length === 0, missing)('the pytest lockout harness of docs/admin-api.md', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    const fx = contoso as Fixture;
    emu = await startEmulator({
      fixture: { ...fx, policy: { ...fx.policy, lockout: { threshold: 3, windowMinutes: 10, durationMinutes: 10 } }, admin: { credential: { user: 'harness', password: 'Harness-Passw0rd!' } } },
    });
  });
  afterAll(() => emu.stop());

  test('the lockout is seen and ended; the next test logs on', async () => {
    const r = await runPytest(PYTHON, [HARNESS], { EMULATOR: emu.url.replace(/\/wsman$/, '') });
    expect({ code: r.code, output: r.output.slice(-2000) }).toMatchObject({ code: 0 });
    expect(r.output).toMatch(/\b2 passed\b/);
  });
});
