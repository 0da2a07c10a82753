/**
 * Snapshots at the file level: the names a snapshot may have, the archive format (a SQLite
 * Archive with a manifest) and what reading one refuses, taking a data directory into an
 * archive, and restoring it so that a crash at any point leaves the old or the new state.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import {
  ARCHIVE_APPLICATION_ID,
  ARCHIVE_FORMAT,
  ArchiveReader,
  ArchiveWriter,
  entryNameProblem,
  SnapshotArchiveError,
  type SnapshotManifest,
} from '../../../src/storage/snapshots/archive';
import { snapshotNameProblem } from '../../../src/storage/snapshots/names';
import { commitRestore, hostsMismatch, recoverRestore, restoreIntoEmptyDataDir, stageArchive, type CommitPoint } from '../../../src/storage/snapshots/restore';
import { takeSnapshot } from '../../../src/storage/snapshots/take';
import { StateStore } from '../../../src/storage/stateStore';

const HOSTS = ['ipam1.contoso.com', 'ipam2.contoso.com'];
const FIXTURE: SnapshotManifest['fixture'] = { name: 'contoso', fingerprint: 'f', hosts: HOSTS, sqlServers: ['db1.contoso.com'] };

const dirs: string[] = [];
function temp(prefix = 'snap-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function manifest(over: Partial<SnapshotManifest> = {}): SnapshotManifest {
  return { format: ARCHIVE_FORMAT, name: 'n', createdAt: '2024-01-01T00:00:00.000Z', emulator: { version: '0.1.0' }, fixture: FIXTURE, stateSchemaVersion: 4, hosts: 2, provisioned: 1, files: 0, bytes: 0, ...over };
}

/** An archive written by hand, so that it can hold what ArchiveWriter never would. */
function craft(file: string, entries: Array<{ name: string; data: Buffer; sz?: number }>, opts: { appId?: number; format?: number; manifest?: unknown } = {}): string {
  const db = new Database(file);
  db.pragma(`application_id = ${opts.appId ?? ARCHIVE_APPLICATION_ID}`);
  db.exec('CREATE TABLE sqlar (name TEXT PRIMARY KEY, mode INT, mtime INT, sz INT, data BLOB); CREATE TABLE ipam_emulator_snapshot (format INTEGER NOT NULL, manifest TEXT NOT NULL);');
  for (const e of entries) db.prepare('INSERT INTO sqlar VALUES (?, 33152, 0, ?, ?)').run(e.name, e.sz ?? e.data.length, e.data);
  db.prepare('INSERT INTO ipam_emulator_snapshot VALUES (?, ?)').run(opts.format ?? ARCHIVE_FORMAT, JSON.stringify(opts.manifest ?? manifest()));
  db.close();
  return file;
}

describe('snapshot names', () => {
  test.each([
    ['fleet-1', undefined],
    ['A.b_c-9', undefined],
    ['x'.repeat(100), undefined],
    ['', 'a snapshot name may not be empty'],
    ['x'.repeat(101), 'a snapshot name is at most 100 characters; this one has 101'],
    ['../x', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; '/' at position 3 is not allowed (a snapshot name is not a path)"],
    ['a:b', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; ':' at position 2 is not allowed"],
    ['tab\there', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; U+0009 at position 4 is not allowed"],
    ['😀', "a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; U+1F600 at position 1 is not allowed"],
    ['.', "a snapshot name may not start with '.'"],
    ['..', "a snapshot name may not start with '.'"],
    [null, 'a snapshot name is required: give "name", 1 to 100 characters of A-Z a-z 0-9 . _ -'],
    [{}, 'a snapshot name is a string, not object'],
  ])('%j → %s', (name, problem) => {
    expect(snapshotNameProblem(name)).toBe(problem);
  });
});

describe('the archive format', () => {
  test('files go in compressed when that is smaller, come out identical, and sqlite3 -A can read them (sqlar)', () => {
    const file = path.join(temp(), 'a.sqlar');
    const w = ArchiveWriter.create(file);
    const zeros = Buffer.alloc(65536);
    const noise = crypto.randomBytes(4096);
    w.add('state.sqlite', zeros, 1);
    w.add('hosts/ipam1.contoso.com/fs/C/x.sqlite', noise, 2);
    w.finish(manifest({ files: w.counts.files, bytes: w.counts.bytes }));
    const raw = new Database(file, { readonly: true });
    const rows = raw.prepare('SELECT name, sz, length(data) AS stored FROM sqlar ORDER BY name').all() as Array<{ name: string; sz: number; stored: number }>;
    expect(raw.pragma('application_id', { simple: true })).toBe(ARCHIVE_APPLICATION_ID);
    raw.close();
    expect(rows[0]).toEqual({ name: 'hosts/ipam1.contoso.com/fs/C/x.sqlite', sz: 4096, stored: 4096 });
    expect(rows[1]!.sz).toBe(65536);
    expect(rows[1]!.stored).toBeLessThan(1000);

    const r = ArchiveReader.open(file);
    expect(r.manifest).toEqual(manifest({ files: 2, bytes: 65536 + 4096 }));
    const entries = [...r.entries()];
    r.close();
    expect(entries.map((e) => e.name)).toEqual(['hosts/ipam1.contoso.com/fs/C/x.sqlite', 'state.sqlite']);
    expect(entries[0]!.data.equals(noise)).toBe(true);
    expect(entries[1]!.data.equals(zeros)).toBe(true);
  });

  test.each([
    ['state.sqlite', undefined],
    ['hosts/ipam1.contoso.com/fs/C/ipam.sqlite', undefined],
    ['sqlservers/db1.contoso.com/ipamdb.sqlite', undefined],
    ['../state.sqlite', "an empty, '.' or '..' segment"],
    ['hosts/../../etc/passwd', "an empty, '.' or '..' segment"],
    ['hosts/ipam1//x', "an empty, '.' or '..' segment"],
    ['/etc/passwd', 'an absolute path'],
    ['hosts\\ipam1\\x', 'a backslash or NUL in the path'],
    ['tls/key.pem', 'a path outside hosts/ and sqlservers/'],
    ['snapshots/x.sqlar', 'a path outside hosts/ and sqlservers/'],
    ['hosts/ipam1.contoso.com', 'a path with no file under a host or server folder'],
    ['', 'an empty or over-long path'],
  ])('entry %j: %s', (name, problem) => {
    expect(entryNameProblem(name)).toBe(problem);
  });

  test.each<[string, (file: string) => string, string]>([
    ['a text file', (f) => (fs.writeFileSync(f, 'not a database at all, not even close'.repeat(20)), f), 'x is not an IPAM emulator snapshot archive (not a SQLite database)'],
    ['another application\'s database', (f) => craft(f, [], { appId: 0 }), 'x is not an IPAM emulator snapshot archive (a SQLite database of another application)'],
    ['a later format', (f) => craft(f, [], { format: 2 }), 'x is archive format 2; this emulator reads format 1'],
    ['a manifest that is not JSON', (f) => craft(f, [], { manifest: 'oops' }), 'x has a broken manifest: not a JSON object'],
    ['a manifest naming a path', (f) => craft(f, [], { manifest: manifest({ name: '../x' }) }), "x has a broken manifest: a snapshot name may hold only letters A-Z a-z, digits, '.', '_' and '-'; '/' at position 3 is not allowed (a snapshot name is not a path)"],
    ['a manifest without hosts', (f) => craft(f, [], { manifest: { ...manifest(), fixture: { name: 'x' } } }), 'x has a broken manifest: no fixture hosts'],
  ])('refuses %s', (_what, make, message) => {
    const file = make(path.join(temp(), 'x'));
    expect(() => ArchiveReader.open(file, 'x')).toThrow(new SnapshotArchiveError(message));
  });

  test.each<[string, { name: string; data: Buffer; sz?: number }, string]>([
    ['a traversal', { name: 'hosts/../../x', data: Buffer.from('x') }, "x has an entry 'hosts/../../x' that may not be restored: an empty, '.' or '..' segment"],
    ['a TLS key', { name: 'tls/key.pem', data: Buffer.from('x') }, "x has an entry 'tls/key.pem' that may not be restored: a path outside hosts/ and sqlservers/"],
    ['a bomb (more than its size once inflated)', { name: 'state.sqlite', data: zlib.deflateSync(Buffer.alloc(1_000_000)), sz: 10_000 }, "x: entry 'state.sqlite' does not decompress"],
    ['a size it does not have', { name: 'state.sqlite', data: zlib.deflateSync(Buffer.alloc(100)), sz: 200 }, "x: entry 'state.sqlite' decompresses to 100 bytes, not 200"],
    ['an impossible size', { name: 'state.sqlite', data: Buffer.from('x'), sz: -1 }, "x: entry 'state.sqlite' has an impossible size"],
  ])('refuses an entry with %s when it is read', (_what, entry, message) => {
    const r = ArchiveReader.open(craft(path.join(temp(), 'x'), [entry]), 'x');
    try {
      expect(() => [...r.entries()].map((e) => e.data)).toThrow(message);
    } finally {
      r.close();
    }
  });
});

/** A data directory as the emulator leaves it: the state store, a WID file, a simulated database. */
function dataDir(): { dir: string; store: StateStore; wid: string; sim: string } {
  const dir = temp('snap-data-');
  const store = StateStore.open(dir);
  store.ensureHosts(HOSTS);
  const wid = path.join(dir, 'hosts', 'ipam1.contoso.com', 'fs', 'C', 'db', 'ipam.sqlite');
  const sim = path.join(dir, 'sqlservers', 'db1.contoso.com', 'ipamdb.sqlite');
  for (const [f, text] of [
    [wid, 'WID of the snapshot'],
    [sim, 'SQL of the snapshot'],
  ] as const) {
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
  store.db.prepare("UPDATE hosts SET provisioning_state = 2 WHERE fqdn = 'ipam1.contoso.com'").run();
  store.db.prepare("INSERT INTO sim_sql_databases VALUES ('db1.contoso.com', 'Ipamdb', 'sa', ?, '2024-01-01')").run(sim);
  store.db.prepare("INSERT INTO config_log (fqdn, time, task_category, operational_code, keywords, message, message_id, severity) VALUES ('ipam1.contoso.com', 't', 'c', 'o', 'k', 'the snapshot''s', 'm', 2)").run();
  return { dir, store, wid, sim };
}

function snapshotOf(d: { dir: string; store: StateStore }): string {
  const file = path.join(d.dir, 'snapshots', 's.sqlar');
  takeSnapshot({ dataDir: d.dir, state: d.store.db, file, name: 's', createdAt: new Date('2024-01-01T00:00:00Z'), emulatorVersion: '0.1.0', fixture: FIXTURE });
  return file;
}

/** What the data directory says now: each host's state, the log, the simulated catalog, the files. */
function stateOf(dir: string, store?: StateStore): unknown {
  const s = store ?? StateStore.open(dir);
  try {
    return {
      hosts: s.db.prepare('SELECT fqdn, provisioning_state FROM hosts ORDER BY fqdn').all(),
      log: s.db.prepare('SELECT event_id, message FROM config_log ORDER BY event_id').all(),
      sim: s.db.prepare('SELECT name, file FROM sim_sql_databases').all(),
      files: ['hosts', 'sqlservers'].flatMap((t) => {
        const root = path.join(dir, t);
        return fs.existsSync(root)
          ? (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => `${path.relative(dir, path.join(e.parentPath, e.name))}: ${fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')}`).sort()
          : [];
      }),
    };
  } finally {
    if (!store) s.close();
  }
}

/** Changes everything the snapshot holds. */
function moveOn(d: { dir: string; store: StateStore; wid: string; sim: string }): void {
  fs.rmSync(path.join(d.dir, 'hosts'), { recursive: true });
  fs.writeFileSync(d.sim, 'SQL of later');
  fs.mkdirSync(path.join(d.dir, 'hosts', 'ipam2.contoso.com'), { recursive: true });
  fs.writeFileSync(path.join(d.dir, 'hosts', 'ipam2.contoso.com', 'later'), 'later');
  d.store.db.prepare('UPDATE hosts SET provisioning_state = 0').run();
  d.store.db.prepare('DELETE FROM sim_sql_databases').run();
  d.store.db.prepare("INSERT INTO config_log (fqdn, time, task_category, operational_code, keywords, message, message_id, severity) VALUES ('ipam2.contoso.com', 't', 'c', 'o', 'k', 'later', 'm', 2)").run();
}

describe('taking a snapshot', () => {
  test('records the state (simulated files relative to the data directory) and the files, not the TLS key or companions', () => {
    const d = dataDir();
    fs.mkdirSync(path.join(d.dir, 'tls'));
    fs.writeFileSync(path.join(d.dir, 'tls', 'key.pem'), '-----BEGIN PRIVATE KEY-----');
    fs.writeFileSync(`${d.wid}.RUN.staging`, 'a staged copy');
    const file = snapshotOf(d);
    const r = ArchiveReader.open(file);
    const entries = [...r.entries()];
    r.close();
    expect(r.manifest).toMatchObject({ name: 's', hosts: 2, provisioned: 1, files: 3, stateSchemaVersion: d.store.db.pragma('user_version', { simple: true }) });
    expect(entries.map((e) => e.name)).toEqual(['hosts/ipam1.contoso.com/fs/C/db/ipam.sqlite', 'sqlservers/db1.contoso.com/ipamdb.sqlite', 'state.sqlite']);
    const copy = path.join(temp(), 'state.sqlite');
    fs.writeFileSync(copy, entries[2]!.data);
    const db = new Database(copy, { readonly: true });
    expect(db.prepare('SELECT file FROM sim_sql_databases').all()).toEqual([{ file: 'sqlservers/db1.contoso.com/ipamdb.sqlite' }]);
    db.close();
    d.store.close();
  });

  test('a database left with a hot rollback journal (a writer died mid-transaction) is read through SQLite, which rolls it back', () => {
    const d = dataDir();
    const src = path.join(temp(), 'src.sqlite');
    const w = new Database(src);
    w.pragma('journal_mode = DELETE');
    w.pragma('cache_size = 1');
    w.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('committed');");
    for (let i = 0; i < 50; i++) w.prepare('INSERT INTO t VALUES (?)').run('filler'.repeat(1000));
    w.exec('BEGIN IMMEDIATE');
    // Bigger than the page cache: SQLite writes pages into the file (which alone is now malformed), the originals into the journal.
    w.prepare('UPDATE t SET v = ?').run('uncommitted'.repeat(500));
    const file = path.join(path.dirname(d.wid), 'crashed.sqlite');
    fs.copyFileSync(src, file);
    fs.copyFileSync(`${src}-journal`, `${file}-journal`);
    w.exec('ROLLBACK');
    w.close();
    const r = ArchiveReader.open(snapshotOf(d));
    const entries = [...r.entries()];
    r.close();
    expect(entries.some((e) => e.name.endsWith('-journal'))).toBe(false);
    const copy = path.join(temp(), 'copy.sqlite');
    fs.writeFileSync(copy, entries.find((e) => e.name.endsWith('/crashed.sqlite'))!.data);
    const db = new Database(copy, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT v FROM t LIMIT 1').all()).toEqual([{ v: 'committed' }]);
    db.close();
    d.store.close();
  });
});

describe('restoring', () => {
  test('while serving: the state comes back through the live connection, and the files with it', () => {
    const d = dataDir();
    const expected = stateOf(d.dir, d.store);
    const file = snapshotOf(d);
    moveOn(d);
    expect(stateOf(d.dir, d.store)).not.toEqual(expected);
    const staged = stageArchive(file, d.dir, { hosts: HOSTS });
    commitRestore(d.dir, staged, d.store.db);
    fs.rmSync(staged.dir, { recursive: true });
    expect(stateOf(d.dir, d.store)).toEqual(expected);
    // The log's numbering goes on from the snapshot's (sqlite_sequence came back too).
    const next = d.store.db.prepare("INSERT INTO config_log (fqdn, time, task_category, operational_code, keywords, message, message_id, severity) VALUES ('x', 't', 'c', 'o', 'k', 'm', 'm', 2)").run();
    expect(Number(next.lastInsertRowid)).toBe(2);
    d.store.close();
  });

  test.each<CommitPoint | 'staged'>(['staged', 'marker', 'state', 'unit', 'units'])('a crash after %s leaves the old or the new state, and the next start finishes it', (point) => {
    const d = dataDir();
    const snapshotState = stateOf(d.dir, d.store);
    const file = snapshotOf(d);
    moveOn(d);
    const laterState = stateOf(d.dir, d.store);
    const staged = stageArchive(file, d.dir, { hosts: HOSTS });
    class Crash extends Error {}
    if (point !== 'staged') {
      expect(() =>
        commitRestore(d.dir, staged, d.store.db, (p) => {
          if (p === point) throw new Crash();
        }),
      ).toThrow(Crash);
    }
    d.store.close();
    recoverRestore(d.dir);
    expect(stateOf(d.dir)).toEqual(point === 'staged' ? laterState : snapshotState);
    expect(fs.readdirSync(d.dir).filter((n) => n.startsWith('.restore-') || n === 'restore.json')).toEqual([]);
  });

  test('folders that are as the snapshot has them are kept; only those that differ are replaced or removed', () => {
    const d = dataDir();
    const other = path.join(d.dir, 'hosts', 'ipam2.contoso.com', 'fs', 'C', 'db', 'ipam.sqlite');
    fs.mkdirSync(path.dirname(other), { recursive: true });
    fs.writeFileSync(other, 'WID of ipam2');
    const expected = stateOf(d.dir, d.store);
    const file = snapshotOf(d);
    const inode = (f: string): number => fs.statSync(f).ino;
    const kept = inode(d.wid);
    fs.writeFileSync(other, 'WID of ipam2, changed by a test');
    fs.mkdirSync(path.join(d.dir, 'sqlservers', 'db9'), { recursive: true });
    fs.writeFileSync(path.join(d.dir, 'sqlservers', 'db9', 'x.sqlite'), 'made by a test');
    const staged = stageArchive(file, d.dir, { hosts: HOSTS });
    expect(staged.plan).toEqual([
      { tree: 'hosts', unit: 'ipam2.contoso.com', action: 'replace' },
      { tree: 'sqlservers', unit: 'db9', action: 'remove' },
    ]);
    expect(staged.kept).toBe(2);
    commitRestore(d.dir, staged, d.store.db);
    expect(stateOf(d.dir, d.store)).toEqual(expected);
    expect(inode(d.wid)).toBe(kept);
    // An extra file, or an empty folder, makes a folder differ too.
    fs.writeFileSync(path.join(path.dirname(d.wid), 'extra'), 'x');
    fs.mkdirSync(path.join(d.dir, 'sqlservers', 'db1.contoso.com', 'empty'));
    expect(stageArchive(file, d.dir, { hosts: HOSTS }).plan).toEqual([
      { tree: 'hosts', unit: 'ipam1.contoso.com', action: 'replace' },
      { tree: 'sqlservers', unit: 'db1.contoso.com', action: 'replace' },
    ]);
    d.store.close();
  });

  test('into an empty data directory (serve --restore), and not into one that holds state', () => {
    const d = dataDir();
    const expected = stateOf(d.dir, d.store);
    const file = snapshotOf(d);
    d.store.close();
    const target = path.join(temp(), 'data');
    fs.mkdirSync(path.join(target, 'tls'), { recursive: true });
    expect(restoreIntoEmptyDataDir(file, target, { hosts: HOSTS }).name).toBe('s');
    expect(stateOf(target)).toEqual(JSON.parse(JSON.stringify(expected).replaceAll(d.dir, target)));
    expect(() => restoreIntoEmptyDataDir(file, target, { hosts: HOSTS })).toThrow(`--restore needs an empty data directory, and ${target} already holds hosts, sqlservers, state.sqlite; choose another --data-dir or empty this one`);
  });

  test('an archive of other hosts, or one whose files or state reach elsewhere, is refused with nothing left behind', () => {
    const d = dataDir();
    const file = snapshotOf(d);
    const before = stateOf(d.dir, d.store);
    expect(() => stageArchive(file, d.dir, { hosts: ['ipam1.contoso.com', 'ipam3.contoso.com'] }, 'x')).toThrow(
      "x's fleet is not this fleet: 1 of x's 2 hosts is not in this fleet (ipam2.contoso.com); 1 of this fleet's 2 hosts is not in it (ipam3.contoso.com).",
    );
    const state = [...(() => {
      const r = ArchiveReader.open(file);
      try {
        return [...r.entries()];
      } finally {
        r.close();
      }
    })()].find((e) => e.name === 'state.sqlite')!.data;
    const hostile = (entries: Array<{ name: string; data: Buffer }>): string => craft(path.join(temp(), 'h.sqlar'), entries);
    expect(() => stageArchive(hostile([{ name: 'state.sqlite', data: state }, { name: 'hosts/ipam9.contoso.com/fs/x', data: Buffer.from('x') }]), d.dir, { hosts: HOSTS }, 'x')).toThrow(
      'x holds files of host ipam9.contoso.com, which is not in this fleet',
    );
    expect(() => stageArchive(hostile([]), d.dir, { hosts: HOSTS }, 'x')).toThrow('x holds no state.sqlite');
    expect(() => stageArchive(hostile([{ name: 'state.sqlite', data: Buffer.from('garbage'.repeat(100)) }]), d.dir, { hosts: HOSTS }, 'x')).toThrow('x: its state.sqlite cannot be used');
    const evil = path.join(temp(), 'state.sqlite');
    fs.writeFileSync(evil, state);
    const db = new Database(evil);
    db.prepare("UPDATE sim_sql_databases SET file = 'sqlservers/../../etc/passwd'").run();
    db.close();
    expect(() => stageArchive(hostile([{ name: 'state.sqlite', data: fs.readFileSync(evil) }]), d.dir, { hosts: HOSTS }, 'x')).toThrow(
      "x: its state.sqlite names a simulated database file 'sqlservers/../../etc/passwd' outside sqlservers/",
    );
    expect(fs.readdirSync(d.dir).filter((n) => n.startsWith('.restore-'))).toEqual([]);
    expect(stateOf(d.dir, d.store)).toEqual(before);
    d.store.close();
  });

  test('hostsMismatch lists at most five names of each side', () => {
    const many = Array.from({ length: 8 }, (_, i) => `h${i}.x`);
    expect(hostsMismatch(many, [], 'the archive\'s')).toBe(
      "The archive's fleet is not this fleet: 8 of the archive's 8 hosts are not in this fleet (h0.x, h1.x, h2.x, h3.x, h4.x, … (3 more)). Start the emulator with the fixture (and --hosts) the snapshot was taken with.",
    );
    expect(hostsMismatch(['A.x'], ['a.x'])).toBeUndefined();
  });
});
