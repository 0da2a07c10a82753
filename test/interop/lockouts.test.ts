/**
 * Issue 12 item 7: the pytest harness of docs/admin-api.md (lockouts/test_lockouts.py), with pywinrm
 * logging on over Basic and requests for the admin API under the fixture's own admin credential.
 */
import path from 'node:path';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { startEmulator } from '../support/emulator';
import { pytestHarness } from './clients';

jest.setTimeout(120_000);

const fx = contoso as Fixture;

pytestHarness({
  client: 'pywinrm-pypi',
  title: 'the pytest lockout harness of docs/admin-api.md',
  file: path.join(__dirname, 'lockouts', 'test_lockouts.py'),
  passed: 2,
  start: () =>
    startEmulator({
      fixture: { ...fx, policy: { ...fx.policy, lockout: { threshold: 3, windowMinutes: 10, durationMinutes: 10 } }, admin: { credential: { user: 'harness', password: 'Harness-Passw0rd!' } } },
    }),
  env: (emu) => ({ EMULATOR: emu.url.replace(/\/wsman$/, '') }),
});
