/** serve's flags and their environment variables (cli/options.ts): parsing, precedence, suggestions, and the docs. */
import fs from 'node:fs';
import path from 'node:path';
import { envName, nearestFlag, parseOptions } from '../../../src/cli/options';
import { SERVE_OPTIONS } from '../../../src/cli/serveOptions';
import { UsageError } from '../../../src/cli/usage';

test('a flag wins over its variable; a variable stands in for an absent flag', () => {
  const { values } = parseOptions(['--port', '0'], SERVE_OPTIONS, { IPAM_EMULATOR_PORT: '1', IPAM_EMULATOR_DATA_DIR: '/x', IPAM_EMULATOR_NO_HTTPS: 'true' });
  expect(values).toMatchObject({ port: '0', 'data-dir': '/x', 'no-https': true });
  expect(parseOptions([], SERVE_OPTIONS, { IPAM_EMULATOR_NO_HTTPS: '0' }).values['no-https']).toBe(false);
});

test('--help and --version read no variable', () => {
  expect(parseOptions([], SERVE_OPTIONS, { IPAM_EMULATOR_HELP: '1', IPAM_EMULATOR_VERSION: '1' }).values).toEqual({});
});

test('a boolean variable that is not one, and an unknown flag, are usage errors that say what to do', () => {
  expect(() => parseOptions([], SERVE_OPTIONS, { IPAM_EMULATOR_NO_HTTPS: 'maybe' })).toThrow(new UsageError("IPAM_EMULATOR_NO_HTTPS must be 1 or 0 (true or false), not 'maybe'"));
  expect(() => parseOptions(['--hsots', '3'], SERVE_OPTIONS, {})).toThrow('unknown option --hsots; did you mean --hosts?');
  expect(() => parseOptions(['--ready', 'f'], SERVE_OPTIONS, {})).toThrow('unknown option --ready; did you mean --ready-file?');
  expect(() => parseOptions(['--zzzzzzzz'], SERVE_OPTIONS, {})).toThrow(/^unknown option --zzzzzzzz$/);
  expect(() => parseOptions(['--port'], SERVE_OPTIONS, {})).toThrow('--port needs a value');
});

test('nearestFlag: a swap, a missing letter, a prefix; nothing for a word unlike any flag', () => {
  const known = Object.keys(SERVE_OPTIONS);
  expect(nearestFlag('prot', known)).toBe('port');
  expect(nearestFlag('fixtur', known)).toBe('fixture');
  expect(nearestFlag('https', known)).toBe('https-port');
  expect(nearestFlag('loglevel', known)).toBe('log-level');
  expect(nearestFlag('banana', known)).toBeUndefined();
});

test('docs/embedding.md lists the variable of every serve option that reads one', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'embedding.md'), 'utf8');
  const withEnv = Object.entries(SERVE_OPTIONS).filter(([, spec]) => !('noEnv' in spec && spec.noEnv)).map(([name]) => name);
  expect(withEnv.length).toBeGreaterThan(15);
  for (const name of withEnv) expect(doc).toContain(`| \`${envName(name)}\` | \`--${name}\` |`);
});
