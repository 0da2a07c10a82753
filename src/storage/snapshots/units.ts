/**
 * A restore replaces files folder by folder: each host's sandbox `hosts/<fqdn>` and each simulated
 * SQL Server's `sqlservers/<server>` is a unit. A unit whose files on disk are exactly the archive's
 * (the same paths, the same bytes, nothing else) is kept as it is; the others are staged from the
 * archive and swapped in by rename, and a unit the archive does not have is moved out. So bringing a
 * fleet back after a test changed a few of its hosts rewrites those hosts only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SNAPSHOT_TREES } from './archive';

export type Tree = (typeof SNAPSHOT_TREES)[number];

export interface UnitAction {
  readonly tree: Tree;
  readonly unit: string;
  readonly action: 'replace' | 'remove';
}

/** An archive entry's unit: `hosts/<fqdn>/rest…` → tree, unit, rest (names are checked by the archive reader). */
export function unitOf(entryName: string): { tree: Tree; unit: string; rest: string } {
  const [tree, unit, ...rest] = entryName.split('/');
  return { tree: tree as Tree, unit: unit as string, rest: rest.join('/') };
}

/** The files of a unit on disk (relative path → size); 'odd' when it holds anything but files and folders that hold files. */
function filesOnDisk(dir: string): Map<string, number> | 'odd' | undefined {
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (!st.isDirectory()) return 'odd';
  const files = new Map<string, number>();
  const walk = (d: string, prefix: string): boolean => {
    const entries = fs.readdirSync(d, { withFileTypes: true });
    if (entries.length === 0) return false; // an empty folder: the archive has none
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!walk(full, rel)) return false;
      } else if (e.isFile()) files.set(rel, fs.statSync(full).size);
      else return false;
    }
    return true;
  };
  return walk(dir, '') ? files : 'odd';
}

interface UnitState {
  readonly tree: Tree;
  readonly unit: string;
  disk: Map<string, number> | 'odd' | undefined;
  differs: boolean;
  seen: number;
}

/** Compares the archive's entries with the data directory, unit by unit, and says what to replace or remove. */
export class UnitPlanner {
  private readonly units = new Map<string, UnitState>();

  constructor(private readonly dataDir: string) {}

  /** One archive entry (any order); its data is read only while the unit on disk still matches. */
  see(tree: Tree, unit: string, rest: string, entry: { readonly size: number; readonly data: Buffer }): void {
    const key = `${tree}/${unit}`;
    let u = this.units.get(key);
    if (!u) {
      const disk = filesOnDisk(path.join(this.dataDir, tree, unit));
      u = { tree, unit, disk, differs: disk === undefined || disk === 'odd', seen: 0 };
      this.units.set(key, u);
    }
    u.seen++;
    if (u.differs || u.disk === undefined || u.disk === 'odd') return;
    if (u.disk.get(rest) !== entry.size || !fs.readFileSync(path.join(this.dataDir, tree, unit, ...rest.split('/'))).equals(entry.data)) u.differs = true;
  }

  /** What the restore does: replace each unit that differs, remove each unit on disk the archive does not have. */
  plan(): UnitAction[] {
    const out: UnitAction[] = [];
    for (const u of this.units.values()) {
      const same = !u.differs && u.disk instanceof Map && u.disk.size === u.seen;
      if (!same) out.push({ tree: u.tree, unit: u.unit, action: 'replace' });
    }
    for (const tree of SNAPSHOT_TREES) {
      const root = path.join(this.dataDir, tree);
      if (!fs.existsSync(root)) continue;
      for (const name of fs.readdirSync(root)) if (!this.units.has(`${tree}/${name}`)) out.push({ tree, unit: name, action: 'remove' });
    }
    return out;
  }

  /** How many of the archive's units are kept as they are on disk. */
  kept(plan: readonly UnitAction[]): number {
    return this.units.size - plan.filter((a) => a.action === 'replace').length;
  }
}

/** A plan read back from a restore marker: our own file, checked all the same before it moves anything. */
export function parsePlan(value: unknown): UnitAction[] {
  if (!Array.isArray(value)) throw new Error('the restore marker holds no plan');
  return value.map((a: unknown) => {
    const { tree, unit, action } = (a ?? {}) as Record<string, unknown>;
    const safe = typeof unit === 'string' && unit !== '' && unit !== '.' && unit !== '..' && !/[/\\\0]/.test(unit);
    if (!(SNAPSHOT_TREES as readonly unknown[]).includes(tree) || !safe || (action !== 'replace' && action !== 'remove')) {
      throw new Error(`the restore marker has a broken step: ${JSON.stringify(a)}`);
    }
    return { tree: tree as Tree, unit: unit as string, action };
  });
}

/**
 * Carries out a plan: each unit's current folder moves into the staging folder's `old/`, the staged
 * one (if any) into its place. Idempotent, so a recovery after a crash can run it again: a unit whose
 * staged folder is gone was swapped already.
 */
export function applyPlan(dataDir: string, stagingDir: string, plan: readonly UnitAction[], reached: (point: 'unit') => void): void {
  for (const a of plan) {
    const live = path.join(dataDir, a.tree, a.unit);
    const next = path.join(stagingDir, a.tree, a.unit);
    const old = path.join(stagingDir, 'old', a.tree, a.unit);
    if (a.action === 'replace' && !fs.existsSync(next)) continue;
    if (fs.lstatSync(live, { throwIfNoEntry: false })) {
      fs.mkdirSync(path.dirname(old), { recursive: true, mode: 0o700 });
      fs.rmSync(old, { recursive: true, force: true });
      fs.renameSync(live, old);
    }
    if (a.action === 'replace') {
      fs.mkdirSync(path.join(dataDir, a.tree), { recursive: true, mode: 0o700 });
      fs.renameSync(next, live);
    }
    reached('unit');
  }
}
