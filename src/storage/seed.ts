/**
 * Makes the simulated SQL Servers hold the databases the fixture declares:
 * a catalog row and a SQLite file each, with an IPAM schema when the fixture
 * says the database already has one. Idempotent: existing databases are kept.
 */
import fs from 'node:fs';
import type { FixtureSqlServer } from '../config/fixture';
import { IpamDatabase } from './ipamDb/ipamDatabase';
import { openSqliteIpamDatabase } from './ipamDb/sqlite';
import type { IpamState } from './ipamState';
import type { SqlServerDirectory } from './sqlServers';

export async function seedSimulatedDatabases(specs: readonly FixtureSqlServer[], servers: SqlServerDirectory, state: IpamState): Promise<number> {
  let created = 0;
  for (const server of servers.simulated()) {
    const spec = specs.find((s) => s.name.toLowerCase() === server.name);
    for (const db of spec?.databases ?? []) {
      if (server.databaseExists(db.name)) continue;
      server.ensureFolder();
      const file = server.databaseFile(db.name);
      fs.rmSync(file, { force: true });
      const conn = openSqliteIpamDatabase(file, { create: true });
      try {
        if (db.ipamSchemaVersion) await new IpamDatabase(conn).installSchema(db.ipamSchemaVersion);
      } finally {
        await conn.close();
      }
      state.addSimulatedDatabase({ server: server.name, name: db.name, owner: db.owner ?? 'sa', file });
      created++;
    }
  }
  return created;
}
