/**
 * Snapshots of the whole fleet (issue 12): take, list, restore, delete, and the archive a CI job
 * ships. The files are storage/snapshots/'s work; this layer decides when it may happen and
 * what else a restore resets, as a fleet reset does.
 *
 * - Taking refuses (409) while any job is queued or running or the engine is busy on a host, as a
 *   reset does: a provisioning cannot be saved half-way, and waiting for it could take for ever.
 *   Past that check the snapshot is taken without yielding the event loop (see take.ts), so no
 *   provisioning can start in the middle. Shells and enumeration contexts are not saved.
 * - Restoring is a fleet reset to the snapshot's state: shells are closed (their commands
 *   stopped and undone), 409 while jobs run, then the state store, host sandboxes (WID
 *   databases) and simulated SQL Servers are replaced (restore.ts: old or new after a crash,
 *   never a mix); every enumeration context ends, lockouts and the concurrency window restart.
 * - Resets, snapshots and restores exclude one another (EmulatorControl.alone).
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { Fixture } from '../config/fixture';
import { packageVersion } from '../config/paths';
import type { Fleet } from '../fleet/fleet';
import type { HostFeatures } from '../fleet/hostFeatures';
import type { LockoutTracker } from '../fleet/lockout';
import { defaultHarness, type Clock } from '../harness';
import type { Dispatcher } from '../jobs/dispatcher';
import type { Logger } from '../log';
import type { ShellService } from '../shell/shells';
import type { SnapshotManifest } from '../storage/snapshots/archive';
import { SnapshotFolder, infoOf, type SnapshotInfo } from '../storage/snapshots/folder';
import { snapshotNameProblem } from '../storage/snapshots/names';
import { commitRestore, discardStaging, restorePending, SnapshotRestoreError, stageArchive } from '../storage/snapshots/restore';
import { takeSnapshot } from '../storage/snapshots/take';
import type { StateStore } from '../storage/stateStore';
import { BusyError, type EmulatorControl, type HostSummary } from './control';

/** A refusal with the HTTP status it means: 400 bad name, 404 unknown, 409 conflict, 500 broken archive. */
export class SnapshotError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export interface SnapshotDeps {
  readonly fixture: Fixture;
  readonly fleet: Fleet;
  readonly store: StateStore;
  readonly control: EmulatorControl;
  readonly shells: ShellService;
  readonly dispatcher: Dispatcher;
  readonly features: HostFeatures;
  readonly lockouts: LockoutTracker;
  readonly dataDir: string;
  readonly log: Logger;
  /** Drops a host's open enumerations (they belong to the wsman layer). */
  readonly clearEnumerations: (fqdn: string) => void;
  readonly clock?: Clock;
}

export interface RestoreResult {
  readonly snapshot: SnapshotInfo;
  readonly hosts: HostSummary[];
}


/** What a snapshot records of the fixture, and what an archive must match (its hosts). */
export function fixtureShape(fixture: Fixture, fleet: Fleet): SnapshotManifest['fixture'] {
  const hosts = fleet.hosts.map((h) => h.fqdn).sort();
  const sqlServers = (fixture.sqlServers ?? [])
    .filter((s) => s.connectionString === undefined && s.connectionStringEnv === undefined)
    .map((s) => s.name.toLowerCase())
    .sort();
  const fingerprint = createHash('sha256').update(JSON.stringify({ hosts, sqlServers })).digest('hex');
  return { name: fixture.name, fingerprint, hosts, sqlServers };
}

export class SnapshotService {
  private readonly folder: SnapshotFolder;
  private readonly clock: Clock;

  constructor(private readonly d: SnapshotDeps) {
    this.folder = new SnapshotFolder(d.dataDir);
    this.clock = d.clock ?? defaultHarness().clock;
  }

  list(): SnapshotInfo[] {
    return this.folder.list((name, err) => this.d.log.warn({ err, snapshot: name }, 'a snapshot archive cannot be read; it is left out of the list'));
  }

  /** One snapshot; SnapshotError 400 for a bad name, 404 for an unknown one. */
  get(name: unknown): SnapshotInfo {
    const valid = this.validName(name);
    const info = this.readInfo(valid);
    if (!info) throw new SnapshotError(404, `no snapshot ${valid}`);
    return info;
  }

  /** The archive file to send for GET …/archive. */
  archive(name: unknown): { file: string; info: SnapshotInfo } {
    const info = this.get(name);
    return { file: this.folder.file(info.name), info };
  }

  /** Saves the fleet's state under a new name. */
  take(name: unknown): Promise<SnapshotInfo> {
    const valid = this.validName(name);
    return this.d.control.alone(`taking the snapshot ${valid}`, async () => {
      if (this.folder.exists(valid)) throw new SnapshotError(409, `a snapshot named ${valid} exists; delete it first (DELETE /_emulator/snapshots/${valid}) or choose another name`);
      if (restorePending(this.d.dataDir)) throw new SnapshotError(409, 'a restore failed part-way and the state is mixed; restart the emulator, which finishes it, before taking a snapshot');
      const busy = this.d.control.busyHosts();
      if (busy.length > 0) throw new BusyError(busy, `jobs are queued or running on ${busy.join(', ')}; a snapshot cannot hold a provisioning half-way: wait for them or terminate them first`);
      const started = performance.now();
      const manifest = takeSnapshot({
        dataDir: this.d.dataDir,
        state: this.d.store.db,
        file: this.folder.file(valid),
        name: valid,
        createdAt: this.clock.date(),
        emulatorVersion: packageVersion(),
        fixture: fixtureShape(this.d.fixture, this.d.fleet),
      });
      const info = infoOf(manifest, fs.statSync(this.folder.file(valid)).size);
      this.d.log.info({ snapshot: valid, hosts: info.hosts, provisioned: info.provisioned, sizeBytes: info.sizeBytes, ms: Math.round(performance.now() - started) }, 'snapshot taken');
      return info;
    });
  }

  /** Brings the fleet back to a snapshot, as a fleet reset would to the fixture. */
  restore(name: unknown): Promise<RestoreResult> {
    const valid = this.validName(name);
    const file = this.folder.file(valid);
    if (!fs.existsSync(file)) return Promise.reject(new SnapshotError(404, `no snapshot ${valid}`));
    return this.d.control.alone(`restoring the snapshot ${valid}`, async () => {
      await this.d.shells.closeAll();
      const busy = this.d.control.busyHosts();
      if (busy.length > 0) throw new BusyError(busy);
      // Deleted while the shells were closing.
      if (!fs.existsSync(file)) throw new SnapshotError(404, `no snapshot ${valid}`);
      // From here to the end nothing yields: no request sees the state half-replaced.
      const started = performance.now();
      let staged;
      try {
        staged = stageArchive(file, this.d.dataDir, { hosts: this.d.fleet.hosts.map((h) => h.fqdn) }, `the snapshot ${valid}`);
      } catch (e) {
        if (e instanceof SnapshotRestoreError) throw new SnapshotError(e.kind === 'mismatch' ? 409 : 500, e.message);
        throw e;
      }
      const discard = (): void => {
        discardStaging(staged.dir).catch((err: unknown) => this.d.log.warn({ err, dir: staged.dir }, 'could not remove a restore staging folder; the next start removes it'));
      };
      try {
        commitRestore(this.d.dataDir, staged, this.d.store.db);
      } catch (e) {
        // Before the marker's commit point nothing changed; past it, the next start finishes the restore from the staging folder.
        if (restorePending(this.d.dataDir)) this.d.log.error({ err: e, snapshot: valid }, 'a restore failed part-way; restart the emulator to finish it');
        else discard();
        throw e;
      }
      discard();
      for (const h of this.d.fleet.hosts) this.d.clearEnumerations(h.fqdn);
      this.d.features.forgetCached();
      this.d.lockouts.reset();
      this.d.dispatcher.resetMetrics();
      this.d.log.info({ snapshot: valid, ms: Math.round(performance.now() - started) }, 'snapshot restored');
      return { snapshot: infoOf(staged.manifest, fs.statSync(file).size), hosts: this.d.control.hosts() };
    });
  }

  /** Deletes a snapshot; SnapshotError 404 for an unknown one. */
  remove(name: unknown): void {
    const valid = this.validName(name);
    if (!this.folder.remove(valid)) throw new SnapshotError(404, `no snapshot ${valid}`);
  }

  private validName(name: unknown): string {
    const problem = snapshotNameProblem(name);
    if (problem) throw new SnapshotError(400, problem);
    return name as string;
  }

  private readInfo(name: string): SnapshotInfo | undefined {
    try {
      return this.folder.info(name);
    } catch (e) {
      throw new SnapshotError(500, e instanceof Error ? e.message : String(e));
    }
  }
}
