/**
 * The snapshots of a data directory: one archive file each, `<data-dir>/snapshots/<name>.sqlar`.
 * Names are validated (names.ts) before they become paths; temporary files start with '.', which
 * no snapshot name may, and are removed when the folder is opened.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readManifest, type SnapshotManifest } from './archive';
import { snapshotNameProblem } from './names';

export const ARCHIVE_EXTENSION = '.sqlar';

/** What the admin API lists for a snapshot. */
export interface SnapshotInfo {
  readonly name: string;
  readonly createdAt: string;
  readonly hosts: number;
  readonly provisioned: number;
  /** The archive's size on disk (what GET …/archive sends). */
  readonly sizeBytes: number;
  readonly fixture: string;
  readonly emulatorVersion: string;
}

export function infoOf(manifest: SnapshotManifest, sizeBytes: number): SnapshotInfo {
  return {
    name: manifest.name,
    createdAt: manifest.createdAt,
    hosts: manifest.hosts,
    provisioned: manifest.provisioned,
    sizeBytes,
    fixture: manifest.fixture.name,
    emulatorVersion: manifest.emulator.version,
  };
}

export class SnapshotFolder {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'snapshots');
    if (fs.existsSync(this.dir)) {
      for (const n of fs.readdirSync(this.dir)) if (n.startsWith('.tmp-')) fs.rmSync(path.join(this.dir, n), { force: true });
    }
  }

  /** The archive file of a snapshot name; throws on a name that is not one (callers validate first). */
  file(name: string): string {
    const problem = snapshotNameProblem(name);
    if (problem) throw new Error(problem);
    return path.join(this.dir, `${name}${ARCHIVE_EXTENSION}`);
  }

  exists(name: string): boolean {
    return fs.existsSync(this.file(name));
  }

  info(name: string): SnapshotInfo | undefined {
    const file = this.file(name);
    if (!fs.existsSync(file)) return undefined;
    return infoOf(readManifest(file, `the snapshot ${name}`), fs.statSync(file).size);
  }

  /** Every snapshot, oldest first; one whose archive cannot be read is reported through `onBroken` and left out. */
  list(onBroken: (name: string, err: unknown) => void = () => undefined): SnapshotInfo[] {
    if (!fs.existsSync(this.dir)) return [];
    const out: SnapshotInfo[] = [];
    for (const n of fs.readdirSync(this.dir)) {
      if (!n.endsWith(ARCHIVE_EXTENSION)) continue;
      const name = n.slice(0, -ARCHIVE_EXTENSION.length);
      if (snapshotNameProblem(name)) continue;
      try {
        const info = this.info(name);
        if (info) out.push(info);
      } catch (e) {
        onBroken(name, e);
      }
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  /** Removes a snapshot; false when there was none of that name. */
  remove(name: string): boolean {
    const file = this.file(name);
    if (!fs.existsSync(file)) return false;
    fs.rmSync(file);
    return true;
  }

  /** Keeps a copy of an archive under its own name (serve --restore), unless one of that name exists. */
  adopt(archiveFile: string, name: string): boolean {
    const file = this.file(name);
    if (fs.existsSync(file)) return false;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(this.dir, `.tmp-adopt-${process.pid}${ARCHIVE_EXTENSION}`);
    fs.copyFileSync(archiveFile, tmp);
    fs.renameSync(tmp, file);
    return true;
  }
}
