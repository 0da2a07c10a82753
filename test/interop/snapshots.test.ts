/**
 * Issue 12: the pytest harness of docs/snapshots.md (snapshots/test_with_snapshots.py), with
 * pywinrm's run_ps for the shell door and requests for the admin API: provision once, snapshot,
 * restore before each test.
 */
import path from 'node:path';
import { pytestHarness } from './clients';

jest.setTimeout(120_000);

pytestHarness({
  client: 'pywinrm-pypi',
  title: 'the pytest snapshot harness of docs/snapshots.md',
  file: path.join(__dirname, 'snapshots', 'test_with_snapshots.py'),
  passed: 3,
  env: (emu) => ({ EMULATOR: emu.url.replace(/\/wsman$/, '') }),
});
