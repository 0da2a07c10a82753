/**
 * Storage errors the engine did not expect used to reach users as "internal error" (issue 10):
 * each is now the provisioning error it means.
 */
import { fromStorageError, ProvisioningError } from '../../../src/provisioning/errors';
import { IpamDatabaseError } from '../../../src/storage/ipamDb/ipamDatabase';
import { SandboxPathError } from '../../../src/storage/sandbox';

test.each([
  [new IpamDatabaseError('NoSchema', 'no schema'), 'WIN32 1168', 'UseExistingSchema'],
  [new IpamDatabaseError('SchemaVersionMismatch', 'mismatch', '1.2', '1.3'), 'WIN32 1306', 'DatabaseName'],
  [new IpamDatabaseError('UnknownSchemaVersion', 'unknown', '9.9'), 'WIN32 13', 'DatabaseName'],
  [new IpamDatabaseError('UnknownCapability', 'unknown IPAM capability "X"'), 'WIN32 87', 'Capability'],
  [new SandboxPathError("'Q:\\x' leaves the host's file system"), 'WIN32 87', 'WidSchemaPath'],
])('%s becomes %s about %s', (raised, messageId, target) => {
  const e = fromStorageError(raised, 'the database Ipamdb');
  expect(e).toBeInstanceOf(ProvisioningError);
  expect({ messageId: (e as ProvisioningError).messageId, target: (e as ProvisioningError).target }).toEqual({ messageId, target });
});

test('the version mismatch names both versions', () => {
  const e = fromStorageError(new IpamDatabaseError('SchemaVersionMismatch', 'x', '1.2', '1.3'), 'the database Ipamdb') as ProvisioningError;
  expect(e.message).toBe('The IPAM schema in the database Ipamdb is version 1.2; this IPAM server uses version 1.3. Use a database with a version 1.3 schema, or a new database.');
});

test('anything else is left as it is (the engine reports it as internal, and logs it)', () => {
  const bug = new TypeError('a bug');
  expect(fromStorageError(bug, 'x')).toBe(bug);
});
