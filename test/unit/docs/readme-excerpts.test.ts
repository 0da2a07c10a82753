/**
 * README's "Use it from your tests" shows code from example files that CI runs (examples/jest through
 * the packed tarball, python/tests through the pytest plugin). Each such block is marked
 * `<!-- example: <file> -->`; it must be a verbatim excerpt of that file, so what the README shows is
 * what runs.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const marked = [...readme.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map((m) => ({ file: m[1] as string, code: m[2] as string }));

test('README marks its examples', () => {
  expect(marked.map((m) => m.file)).toEqual(expect.arrayContaining(['examples/jest/emulator.test.ts', 'python/tests/test_example.py']));
});

test.each(marked.map((m) => [m.file, m.code]))('the README block from %s is a verbatim excerpt of it', (file, code) => {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  // Blank-line-separated pieces of the block, each found in the file in order.
  let at = 0;
  for (const piece of code.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)) {
    const found = source.indexOf(piece, at);
    if (found < 0) throw new Error(`README shows a piece that ${file} does not have (or not in this order):\n${piece}`);
    at = found + piece.length;
  }
});
