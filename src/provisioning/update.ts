/**
 * UpdateIpamServer (Update-IpamServer): upgrades the schema of a provisioned
 * host's database to the current version, with the same journal and commit as
 * provisioning, so a failure or a crash leaves the old schema in place.
 * "An error occurs if there is no update available" (cmdlet help).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FleetHost } from '../fleet/fleet';
import type { EventSink } from './events';
import { IpamDatabase } from '../storage/ipamDb/ipamDatabase';
import { openMssqlConnection } from '../storage/ipamDb/mssql';
import { openSqliteIpamDatabase, removeSqliteFile } from '../storage/ipamDb/sqlite';
import { CURRENT_IPAM_SCHEMA_VERSION, type SqlConnection } from '../storage/ipamDb/types';
import { ProvisioningState } from '../storage/stateStore';
import { WID_FILE } from './database';
import type { ProvisioningEngine, Requester, EngineDeps } from './engine';
import { fromStorageError, ProvisioningError, ProvisioningErrors } from './errors';
import type { IpamHostConfiguration } from './model';
import { UPDATE_PROMPT } from './prompts';

export interface UpdateInput {
  readonly host: FleetHost;
  readonly requester: Requester;
  readonly force: boolean;
  readonly whatIf: boolean;
  readonly events: EventSink;
}

export type UpdateOutcome = { readonly kind: 'updated'; readonly from: string; readonly to: string } | { readonly kind: 'whatIf' } | { readonly kind: 'declined' };

/** The file of a SQLite-backed IPAM database, or undefined for a real SQL Server. */
function sqliteFileOf(engine: ProvisioningEngine, deps: EngineDeps, host: FleetHost, config: IpamHostConfiguration): string | undefined {
  const db = config.database;
  if (db.type === 'WID') return path.join(engine.sandbox(host).map(db.widSchemaPath), WID_FILE);
  if (db.backend === 'simulated') {
    const server = deps.servers.resolve(db.server, db.port, host.domain.dnsName);
    if (server?.kind === 'simulated') return server.databaseFile(db.databaseName);
    throw ProvisioningErrors.databaseServerUnreachable(db.server, db.port);
  }
  return undefined;
}

export function updateIpamServer(engine: ProvisioningEngine, deps: EngineDeps, input: UpdateInput): Promise<UpdateOutcome> {
  return engine.exclusive(input.host, async () => {
    const { host, events } = input;
    const state = deps.state;
    const config = state.hostConfig<IpamHostConfiguration>(host.fqdn);
    if (!config) throw ProvisioningErrors.notProvisioned(host.fqdn);
    if (config.schemaVersion === CURRENT_IPAM_SCHEMA_VERSION) throw ProvisioningErrors.noUpdateAvailable(host.fqdn, config.schemaVersion);
    if (input.whatIf) {
      events.emit({ type: 'Verbose', description: `What if: upgrading the IPAM schema of ${host.fqdn} from ${config.schemaVersion} to ${CURRENT_IPAM_SCHEMA_VERSION}.` });
      return { kind: 'whatIf' };
    }
    if (!input.force) {
      const answer = await events.prompt({ type: 'Confirm', description: UPDATE_PROMPT, promptType: 'Critical' });
      if (answer === 'no' || answer === 'noToAll') return { kind: 'declined' };
    }
    const runId = engine.harness.ids.uuid(`run:${host.fqdn}`).toUpperCase();
    let started = false;
    let conn: SqlConnection | undefined;
    let staged: string | undefined;
    try {
      // Where the database is, before the run starts: a failure here leaves no journal row behind.
      const file = sqliteFileOf(engine, deps, host, config);
      state.startRun({ runId, fqdn: host.fqdn, operation: 'UpdateIpamServer', request: { force: input.force } });
      started = true;
      staged = file ? `${file}.${runId}.staging` : undefined;
      if (file && staged) {
        state.addArtifact(runId, { kind: 'stagedFile', staged, final: file });
        fs.copyFileSync(file, staged);
        conn = openSqliteIpamDatabase(staged, { create: false });
      } else {
        const db = config.database;
        const server = db.type === 'MSSQL' ? deps.servers.real(db.server, db.port) ?? deps.servers.resolve(db.server, db.port, host.domain.dnsName) : undefined;
        if (db.type !== 'MSSQL' || server?.kind !== 'real') throw ProvisioningErrors.databaseServerUnreachable(db.type === 'MSSQL' ? db.server : '', db.type === 'MSSQL' ? db.port : 0);
        conn = await openMssqlConnection({ connectionString: server.connectionString, server: db.server, port: db.port, database: db.databaseName });
      }
      const from = config.schemaVersion;
      await new IpamDatabase(conn).upgradeSchema(CURRENT_IPAM_SCHEMA_VERSION);
      await conn.close();
      conn = undefined;
      const who = `${input.requester.authority}\\${input.requester.name}`;
      state.transaction(() => {
        state.setHostConfig(host.fqdn, { ...config, schemaVersion: CURRENT_IPAM_SCHEMA_VERSION });
        state.addLog({
          fqdn: host.fqdn,
          userName: input.requester.name,
          userDomain: input.requester.authority,
          taskCategory: 'Upgrade',
          operationalCode: 'SchemaUpgraded',
          keywords: 'Success',
          message: `The IPAM database schema of ${host.fqdn} was upgraded from version ${from} to ${CURRENT_IPAM_SCHEMA_VERSION} by ${who}.`,
          messageId: 'IPAM.Upgrade.SchemaUpgraded',
          severity: 2,
          runId,
        });
        state.setRunState(runId, 'committed');
      });
      if (file && staged) fs.renameSync(staged, file);
      state.setRunState(runId, 'done');
      return { kind: 'updated', from, to: CURRENT_IPAM_SCHEMA_VERSION };
    } catch (err) {
      await conn?.close().catch(() => undefined);
      if (staged) removeSqliteFile(staged);
      const known = fromStorageError(err, `the IPAM database of ${host.fqdn}`);
      const e = known instanceof ProvisioningError ? known : ProvisioningErrors.internal(host.fqdn, 'upgrading the IPAM database schema');
      if (!(known instanceof ProvisioningError)) deps.log.error({ err, host: host.fqdn }, 'UpdateIpamServer failed with an internal error');
      state.transaction(() => {
        state.setProvisioningState(host.fqdn, ProvisioningState.Provisioned);
        state.addLog({
          fqdn: host.fqdn,
          userName: input.requester.name,
          userDomain: input.requester.authority,
          taskCategory: 'Upgrade',
          operationalCode: 'Failed',
          keywords: 'Failure',
          message: `Upgrading IPAM on ${host.fqdn} failed: ${e.message} Any changes were reverted.`,
          messageId: e.messageId,
          severity: 5,
          runId: started ? runId : null,
        });
        if (started) state.setRunState(runId, 'rolledback', e.message);
      });
      throw e;
    }
  });
}
