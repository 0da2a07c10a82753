/**
 * Issue 12: the pytest harness of docs/timing.md (timing/test_timing.py), with pywinrm's run_ps for
 * the shell door and requests for the admin API, against an emulator whose steps take two seconds
 * each on a virtual clock.
 */
import path from 'node:path';
import { VirtualClock } from '../../src/harness';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { startEmulator } from '../support/emulator';
import { pytestHarness } from './clients';

jest.setTimeout(120_000);

pytestHarness({
  client: 'pywinrm-pypi',
  title: 'the pytest timing harness of docs/timing.md',
  file: path.join(__dirname, 'timing', 'test_timing.py'),
  passed: 1,
  start: () => startEmulator({ fixture: { ...(contoso as Fixture), timing: { steps: { '*': { ms: 2000 } } } }, clock: new VirtualClock(Date.parse('2026-01-01T00:00:00Z')) }),
  env: (emu) => ({ EMULATOR: emu.url.replace(/\/wsman$/, '') }),
});
