/**
 * The README's examples run (issue 13): every Python block right after an HTML comment
 * `<!-- runnable: pywinrm … -->` in README.md runs with each python3 here that has pywinrm
 * (Debian's python3-winrm at /usr/bin/python3, PyPI's pywinrm on PATH) against a fresh emulator,
 * its `127.0.0.1:5985` pointed at the emulator's port, and must print what EXPECTED says.
 * The README's PowerShell example cannot run here (no Windows): it is kept right by hand, as the
 * comment above it says.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { havePythonModule, requireOrSkip } from './clients';

jest.setTimeout(60_000);

const README = path.join(__dirname, '..', '..', 'README.md');
/** The address every README example uses: the default host on the default port. */
const README_ENDPOINT = '127.0.0.1:5985';

/**
 * What each runnable block prints, and the operations (as the emulator logs them) it must have had
 * answered; the block recognised by what it does.
 */
const EXPECTED: ReadonlyArray<{ readonly what: string; readonly block: RegExp; readonly prints: readonly string[]; readonly answered: readonly string[] }> = [
  {
    what: 'provisions the default host through CIM (Manual, Force) and reads it back',
    block: /InvokeIpamServerProvisioning_INPUT/,
    prints: ['ReturnValue 0', 'ProvisioningState 2', 'DatabaseType 1 C:\\Windows\\System32\\IPAM\\Database'],
    answered: ['Invoke InvokeIpamServerProvisioning', 'Enumerate'],
  },
];

/** The fenced Python blocks marked runnable, in README order. */
function runnableBlocks(markdown: string): string[] {
  const marked = /<!--\s*runnable:\s*pywinrm\b[\s\S]*?-->\s*\n```python\n([\s\S]*?)\n```/g;
  return [...markdown.matchAll(marked)].map((m) => m[1] as string);
}

function expectationOf(block: string): (typeof EXPECTED)[number] | undefined {
  return EXPECTED.find((e) => e.block.test(block));
}

/** Each python3 that imports winrm, once per real interpreter (PATH's may be Debian's own). */
function interpreters(): string[] {
  const byExecutable = new Map<string, string>();
  for (const python of ['python3', '/usr/bin/python3']) {
    if (!havePythonModule(python, 'winrm')) continue;
    const executable = execFileSync(python, ['-I', '-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    const real = fs.realpathSync(executable);
    if (!byExecutable.has(real)) byExecutable.set(real, python);
  }
  return [...byExecutable.values()];
}

/** Runs Python code given on stdin (isolated mode: no PYTHONPATH, no user site); never rejects. */
function runPython(python: string, code: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-I', '-B', '-'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('close', (exit) => {
      clearTimeout(timer);
      resolve({ code: exit, stdout, stderr });
    });
    child.stdin.end(code);
  });
}

const blocks = runnableBlocks(fs.readFileSync(README, 'utf8'));

describe("README.md's runnable examples", () => {
  test('there is at least one, and each is one this test knows what to expect of', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const block of blocks) {
      expect({ block: block.slice(0, 200), known: expectationOf(block) !== undefined }).toEqual({ block: block.slice(0, 200), known: true });
      expect(block).toContain(README_ENDPOINT);
    }
  });
});

const pythons = interpreters();
const missing = pythons.length === 0 ? ['python3 with the module winrm (python3 or /usr/bin/python3)'] : [];

requireOrSkip('pywinrm', missing.length === 0, missing)("README.md's pywinrm examples, run as they are written", () => {
  let emu: TestEmulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  const runs = blocks.flatMap((block) => pythons.map((python) => ({ block, python, expected: expectationOf(block) })));
  test.each(runs.map((r) => [r.expected?.what ?? 'an unknown block', r.python, r] as const))('%s, with %s', async (_what, _python, { block, python, expected }) => {
    emu = await startEmulator();
    const code = block.replaceAll(README_ENDPOINT, `127.0.0.1:${emu.port}`);
    const r = await runPython(python, code);
    expect({ exit: r.code, stderr: r.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(r.stdout.trimEnd().split('\n')).toEqual(expected?.prints);
    // What the emulator saw: those operations answered, no request refused.
    const requests = emu.logs().map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    for (const op of expected?.answered ?? []) expect(requests.filter((l) => l.op === op).map((l) => l.status)).toContain(200);
    expect(requests.filter((l) => l.fault !== undefined || (typeof l.status === 'number' && l.status >= 400))).toEqual([]);
  });
});
