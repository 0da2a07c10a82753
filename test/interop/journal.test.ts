/**
 * The pytest harness of docs/journal.md (test/interop/journal/test_journal.py), run with
 * pywinrm against a real emulator: shell operations, a near miss, a refused logon, a bad filter.
 */
import path from 'node:path';
import { pytestHarness } from './clients';

jest.setTimeout(120_000);

pytestHarness({
  client: 'pywinrm',
  title: 'the journal from pytest and pywinrm (docs/journal.md)',
  file: path.join(__dirname, 'journal', 'test_journal.py'),
  passed: 4,
  env: (emu) => ({ EMULATOR_URL: emu.url }),
  check: (emu) => expect(emu.logs().join('\n')).not.toContain('Wr0ng-Pytest-Passw0rd'),
});
