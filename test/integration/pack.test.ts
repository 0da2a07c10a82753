/**
 * What users install is what is tested (issue 13): `npm pack` makes the tarball, a temporary
 * project installs it beside jest (as examples/jest/package.json says, with the tarball in place
 * of the repository), and runs examples/jest's suite there: the package's `exports`, its shipped
 * types (ts-jest type-checks the example), its schemas and fixtures, and the native addon built
 * on install. Its timeout is long: the install builds better-sqlite3 from source.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/emulator';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');
const example = path.join(root, 'examples', 'jest');

jest.setTimeout(900_000);

test('examples/jest passes in a fresh project with the packed tarball installed', async () => {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run "npm run build" (npm test does it first)');
  const work = tempDir('ipam-pack-');
  try {
    const packed = await run('npm', ['pack', '--pack-destination', work, '--json'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const [{ filename, files }] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const shipped = new Set(files.map((f) => f.path));
    // The package carries what it reads at run time, and not the repository's tests or sources.
    for (const needed of ['dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'schemas/fixture.schema.json', 'fixtures/contoso.json', 'package.json']) expect(shipped).toContain(needed);
    expect([...shipped].filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.endsWith('.map'))).toEqual([]);

    const project = path.join(work, 'project');
    fs.mkdirSync(project);
    for (const f of ['emulator.test.ts', 'jest.config.js', 'tsconfig.json']) fs.copyFileSync(path.join(example, f), path.join(project, f));
    const manifest = JSON.parse(fs.readFileSync(path.join(example, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    manifest.devDependencies['ipam-wsman-emulator'] = `file:${path.join(work, filename)}`;
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
    // Installed from the tarball: a copy, not a link back into this repository.
    expect(fs.lstatSync(path.join(project, 'node_modules', 'ipam-wsman-emulator')).isSymbolicLink()).toBe(false);
    const result = await run(process.execPath, [path.join(project, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--colors=false'], { cwd: project, maxBuffer: 64 * 1024 * 1024 }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`the example suite failed in the packed project:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
    });
    expect(result.stderr).toMatch(/Tests:\s+4 passed, 4 total/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
