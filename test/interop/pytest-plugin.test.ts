/**
 * Issue 13: the pytest plugin of python/ (fixtures ipam_emulator and ipam_fresh) passes its own tests,
 * python/tests, with pywinrm against this checkout's emulator (dist/cli.js: `npm test` builds first).
 * The package's source is put on PYTHONPATH and loaded by name, so a copy installed earlier cannot stand
 * in for it (the entry point bears the same name: one plugin either way).
 */
import path from 'node:path';
import { havePythonModule, requireOrSkip, runPytest } from './clients';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const python = 'python3';
const missing = ['pytest', 'winrm'].filter((m) => !havePythonModule(python, m)).map((m) => `python module ${m}`);

requireOrSkip('pywinrm-pypi', missing.length === 0, missing)('the pytest plugin of python/', () => {
  test('python3 -m pytest python/tests passes', async () => {
    const r = await runPytest(python, ['-p', 'ipam_emulator.plugin', path.join(ROOT, 'python', 'tests')], {
      PYTHONPATH: [path.join(ROOT, 'python', 'src'), process.env.PYTHONPATH].filter((p) => p).join(path.delimiter),
      // The emulator of this checkout, whatever IPAM_EMULATOR_BIN the environment has.
      IPAM_EMULATOR_BIN: path.join(ROOT, 'dist', 'cli.js'),
    });
    // Thrown rather than compared, so that a failure shows pytest's own report.
    if (r.code !== 0) throw new Error(`python3 -m pytest python/tests exited with status ${r.code}:\n${r.output.slice(-8000)}`);
    expect(r.output).toMatch(/\b\d+ passed\b/);
    expect(r.output).not.toMatch(/\b\d+ (skipped|failed|errors?)\b/);
  });
});
