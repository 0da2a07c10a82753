import { dropDatabase, openMssqlConnection } from '../storage/ipamDb/mssql';
import type { Artifact } from '../storage/ipamState';
import type { EngineDeps } from './engine';

/**
 * Drops a database a failed or interrupted run created on a real SQL Server,
 * using the server's own connection string (the run's credential is long gone).
 * Dropping a database that is already gone is not an error.
 */
export async function dropRealDatabase(a: Extract<Artifact, { kind: 'createdSqlDatabase' }>, deps: EngineDeps): Promise<void> {
  const server = deps.servers.real(a.server, a.port);
  if (!server) throw new Error(`the SQL Server ${a.server},${a.port} is no longer in the fixture`);
  const conn = await openMssqlConnection({ connectionString: server.connectionString, server: a.server, port: a.port });
  try {
    await dropDatabase(conn, a.database);
  } finally {
    await conn.close();
  }
}
