/**
 * Finding the real WS-Man clients these interop tests drive, and deciding what
 * happens when one is missing: with REQUIRE_INTEROP=1 (CI) the suite fails and
 * names the Debian package to install; otherwise it is skipped, loudly.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator, type TestEmulator } from '../support/emulator';

/** Everything the interop suites need, in one command (reference/clients.md). */
export const INSTALL_ALL =
  'apt-get install -y python3-winrm python3-requests-ntlm wsl uuid-runtime ansible-core golang-github-masterzen-winrm-dev chromium; python3 -m pip install pypsrp pywinrm pytest-testinfra';

/** How to install each client (Debian packages, or PyPI) and what it runs. */
const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  pywinrm: 'apt-get install -y python3-winrm python3-requests-ntlm',
  wsl: 'apt-get install -y wsl uuid-runtime curl libxml2-utils',
  ansible: 'apt-get install -y ansible-core python3-winrm',
  'go-winrm': 'apt-get install -y golang-github-masterzen-winrm-dev (and Go on PATH)',
  pypsrp: 'python3 -m pip install pypsrp',
  'pywinrm-pypi': 'python3 -m pip install pywinrm',
  testinfra: 'python3 -m pip install pytest-testinfra pywinrm',
  // The dashboard's browser test (test/browser/): Debian's Chromium, driven by the dev dependency playwright-core.
  chromium: 'apt-get install -y --no-install-recommends chromium (and npm ci, for playwright-core)',
};

/** True when `cmd` (a name looked up on PATH, or a path) is an executable file. */
export function haveCommand(cmd: string): boolean {
  const candidates = cmd.includes('/')
    ? [cmd]
    : (process.env.PATH ?? '')
        .split(path.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => path.join(dir, cmd));
  return candidates.some((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** True when `python` can import `module` (isolated mode: PYTHONPATH and user site do not count). */
export function havePythonModule(python: string, module: string): boolean {
  if (!haveCommand(python)) return false;
  try {
    execFileSync(python, ['-I', '-c', `import ${module}`], { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

type SuiteFn = (title: string, body: () => void) => void;

/**
 * The `describe` to declare a client's suite with. `missing` says what was not
 * found (commands, modules), for the message.
 */
export function requireOrSkip(name: string, available: boolean, missing: readonly string[] = []): SuiteFn {
  if (available) return describe;
  const packages = DEBIAN_PACKAGES[name] ?? name;
  const what = missing.length > 0 ? `${name} (missing: ${missing.join(', ')})` : name;
  if (process.env.REQUIRE_INTEROP === '1') {
    return (title, _body) =>
      describe(title, () => {
        test(`${name} is installed`, () => {
          throw new Error(
            `REQUIRE_INTEROP=1 but the real client ${what} is not installed. ` +
              `Install: ${packages}  (all interop clients: ${INSTALL_ALL})`,
          );
        });
      });
  }
  const bar = '!'.repeat(78);
  console.warn(
    `${bar}\n!!! INTEROP TESTS SKIPPED: ${what} is not installed on this machine.\n` +
      `!!! These tests prove the emulator works with a real client; nothing was checked.\n` +
      `!!! Install: ${packages}\n!!! (all interop clients: ${INSTALL_ALL})\n` +
      `!!! Set REQUIRE_INTEROP=1 to make a missing client a failure.\n${bar}`,
  );
  // Skipped, not passed: the client is absent and REQUIRE_INTEROP is not set (warned above).
  return describe.skip;
}

/** Runs a pytest file with `python` (quiet, no cache, no bytecode): its exit code and output, never a rejection. */
export function runPytest(python: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-B', '-m', 'pytest', '-p', 'no:cacheprovider', '-q', ...args],
      { timeout: 100_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

/**
 * A pytest harness of docs/ (a file beside its wrapper), run with python3 on PATH against an emulator
 * the suite starts: it must pass, all `passed` of its tests; `check` asserts more afterwards.
 */
export function pytestHarness(opts: {
  readonly client: string;
  readonly title: string;
  readonly file: string;
  readonly passed: number;
  readonly start?: () => Promise<TestEmulator>;
  readonly env: (emu: TestEmulator) => Record<string, string>;
  readonly check?: (emu: TestEmulator, output: string) => void;
}): void {
  const python = 'python3';
  const missing = ['pytest', 'winrm', 'requests'].filter((m) => !havePythonModule(python, m)).map((m) => `python module ${m}`);
  requireOrSkip(opts.client, missing.length === 0, missing)(opts.title, () => {
    let emu: TestEmulator;
    beforeAll(async () => {
      emu = await (opts.start ?? (() => startEmulator()))();
    });
    afterAll(() => emu.stop());

    test(`every check of ${path.basename(opts.file)} passes`, async () => {
      const r = await runPytest(python, [opts.file], opts.env(emu));
      expect({ code: r.code, output: r.output.slice(-3000) }).toMatchObject({ code: 0 });
      expect(r.output).toMatch(new RegExp(`\\b${opts.passed} passed\\b`));
      opts.check?.(emu, r.output);
    });
  });
}
