import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;

/**
 * The project root (where schemas/ and fixtures/ live), found from this file
 * whether it runs from src/ under ts-jest or from dist/ after a build.
 */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'schemas')) && fs.existsSync(path.join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root above ${__dirname}`);
    dir = up;
  }
}

let version: string | undefined;

/** The package's version, from its package.json (`serve --version`, the ready line, /_emulator/health). */
export function packageVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
