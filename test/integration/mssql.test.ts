/**
 * The IPAM database layer against a real SQL Server: create a database, install
 * and upgrade the schema, read it back, check permissions, drop it.
 *
 * Runs only when IPAM_TEST_MSSQL holds a SQL Server connection string whose
 * login may create databases, e.g.
 *   IPAM_TEST_MSSQL='Server=localhost,1433;User Id=sa;Password=…;TrustServerCertificate=true'
 */
import { randomBytes } from 'node:crypto';
import { IpamDatabase } from '../../src/storage/ipamDb/ipamDatabase';
import { canCreateDatabase, createDatabase, databaseExists, dropDatabase, missingDatabasePermissions, openMssqlConnection } from '../../src/storage/ipamDb/mssql';
import type { SqlConnection } from '../../src/storage/ipamDb/types';

const connectionString = process.env.IPAM_TEST_MSSQL;

// Skipped, not passed, without a server: a green run must not claim SQL Server was exercised.
if (!connectionString) console.warn('mssql tests skipped: set IPAM_TEST_MSSQL to a SQL Server connection string to run them');
const describeWithServer = connectionString ? describe : describe.skip;

describeWithServer('IPAM database on a real SQL Server', () => {
  const cs = connectionString ?? '';
  // Unique per run, and a plain identifier as createDatabase requires.
  const name = `IpamTest_${Date.now()}_${randomBytes(4).toString('hex')}`;
  // server/port only label errors: the connection string names the server.
  const connect = (database?: string): Promise<SqlConnection> => openMssqlConnection({ server: 'IPAM_TEST_MSSQL', port: 1433, connectionString: cs, database, connectTimeoutMs: 15000 });
  let master: SqlConnection | undefined;

  beforeAll(async () => {
    master = await connect();
  });

  afterAll(async () => {
    if (!master) return;
    await dropDatabase(master, name).catch(() => undefined);
    await master.close();
  });

  test('creates the database, installs 1.2, upgrades to 1.3, reads it back and drops it', async () => {
    if (!master) throw new Error('no master connection');
    expect(await canCreateDatabase(master)).toBe(true);
    expect(await databaseExists(master, name)).toBe(false);
    await createDatabase(master, name);
    expect(await databaseExists(master, name)).toBe(true);

    const conn = await connect(name);
    try {
      expect(await missingDatabasePermissions(conn)).toEqual([]);
      const db = new IpamDatabase(conn);
      expect(await db.schemaVersion()).toBeUndefined();
      await db.installSchema('1.2');
      await db.installSchema('1.2'); // idempotent on SQL Server too
      await db.setConfiguration('ProvisioningMethod', 'Manual');
      await db.ensureAccessPolicies();
      await db.upgradeSchema('1.3');
      await db.enableCapability('IpAddressTracking');
      const summary = await db.summary();
      expect(summary.schemaVersion).toBe('1.3');
      expect(summary.roles).toHaveLength(9);
      expect(summary.roles).toContain('IPAM DNS Administrator Role');
      expect(summary.accessScopes).toEqual(['\\Global']);
      expect(summary.accessPolicies).toEqual([
        { group: 'IPAM Administrators', role: 'IPAM Administrator Role', scope: '\\Global' },
        { group: 'IPAM ASM Administrators', role: 'IPAM ASM Administrator Role', scope: '\\Global' },
        { group: 'IPAM MSM Administrators', role: 'IPAM MSM Administrator Role', scope: '\\Global' },
      ]);
      expect(summary.capabilities).toEqual({ IpAddressTracking: 'Enabled' });
      expect(summary.configuration).toEqual({ ProvisioningMethod: 'Manual' });
      await expect(db.upgradeSchema()).rejects.toThrow('already current');

      // A failing transaction leaves nothing behind on SQL Server as well.
      await expect(
        conn.transaction(async () => {
          await conn.run('CREATE TABLE [dbo].[Scratch] ([Id] INT NOT NULL)');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await conn.all('SELECT name FROM sys.tables WHERE name = ?', ['Scratch'])).toEqual([]);

      // BIGINT and DATETIME2 come back as a number and an ISO string.
      await conn.run(
        'INSERT INTO [dbo].[DnsZones] ([ZoneId], [ServerFqdn], [ZoneName], [ZoneType], [IsReverseLookupZone], [SerialNumber], [ScopeId], [LastRefreshed]) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [1, 'dc1.contoso.com', 'contoso.com', 'Primary', false, 4294967295, 1, '2024-05-01T12:00:00.000Z'],
      );
      expect(await conn.all('SELECT [SerialNumber], [LastRefreshed] FROM [dbo].[DnsZones]')).toEqual([
        { SerialNumber: 4294967295, LastRefreshed: '2024-05-01T12:00:00.000Z' },
      ]);
    } finally {
      await conn.close();
    }

    await dropDatabase(master, name);
    expect(await databaseExists(master, name)).toBe(false);
  });
});
