/**
 * InvokeIpamServerProvisioning parameters (reference/ipam-provisioning.md §1):
 * one test per validation rule, PowerShell's credential escaping, the cmdlet
 * doc's four examples, and the password never showing in any printout.
 */
import { inspect, format } from 'node:util';
import { ProvisioningError } from '../../../src/provisioning/errors';
import {
  DEFAULT_WID_PATH,
  parseCredential,
  validateProvisioningParameters,
  type ProvisioningRequest,
  type RawProvisioningParameters,
} from '../../../src/provisioning/parameters';
import { Secret } from '../../../src/provisioning/secret';

/** The CIM error a parameter set is refused with; fails the test if it is accepted. */
function refusal(p: RawProvisioningParameters): ProvisioningError {
  return caught(() => validateProvisioningParameters(p));
}

function caught(fn: () => unknown): ProvisioningError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProvisioningError) return e;
    throw e;
  }
  throw new Error('expected a ProvisioningError');
}

/** Every refusal is an invalid-parameter error naming the parameter, as the IPAM provider's Win32 87. */
function expectInvalid(err: ProvisioningError, parameter: string, message: string): void {
  expect({
    kind: err.kind,
    target: err.target,
    win32Code: err.win32Code,
    messageId: err.messageId,
    category: err.category,
    message: err.message,
  }).toEqual({
    kind: 'InvalidParameter',
    target: parameter,
    win32Code: 87,
    messageId: 'WIN32 87',
    category: 'InvalidArgument',
    message,
  });
}

const SQL = { DatabaseServer: 'Db1.Contoso.com', DatabaseName: 'Ipamdb', DatabasePort: 1433 };
const SQL_AUTH = { ...SQL, DatabaseAuthType: 2, DatabaseCredential: 'CONTOSO\\\\sa:P:w' };

describe('the cmdlet documentation examples', () => {
  it('Example 1: WID with the defaults', () => {
    expect(validateProvisioningParameters({})).toEqual({
      database: { kind: 'WID', widSchemaPath: '%WINDIR%\\System32\\IPAM\\Database', databaseName: 'IPAM' },
      provisioningMethod: 'Manual',
      gpoPrefix: undefined,
      force: false,
    });
    expect(DEFAULT_WID_PATH).toBe('%WINDIR%\\System32\\IPAM\\Database');
  });

  it('Example 2: WID at D:\\database, GPO-based provisioning with prefix IPAM1', () => {
    expect(validateProvisioningParameters({ WidSchemaPath: 'D:\\database', ProvisioningMethod: 0, GpoPrefix: 'IPAM1' })).toEqual({
      database: { kind: 'WID', widSchemaPath: 'D:\\database', databaseName: 'IPAM' },
      provisioningMethod: 'Automatic',
      gpoPrefix: 'IPAM1',
      force: false,
    });
  });

  it.each([
    ['omitted', {}],
    ['1 (Windows)', { DatabaseAuthType: 1 }],
  ])('Example 3: SQL Server Db1.Contoso.com / Ipamdb / 1433 with Windows authentication (DatabaseAuthType %s)', (_label, auth) => {
    expect(validateProvisioningParameters({ ...SQL, ...auth })).toEqual({
      database: { kind: 'MSSQL', server: 'Db1.Contoso.com', databaseName: 'Ipamdb', port: 1433, authType: 'Windows', credential: undefined, useExistingSchema: false },
      provisioningMethod: 'Manual',
      gpoPrefix: undefined,
      force: false,
    });
  });

  it('Example 4: the same with SQL authentication and a credential', () => {
    const req = validateProvisioningParameters(SQL_AUTH);
    expect({ provisioningMethod: req.provisioningMethod, gpoPrefix: req.gpoPrefix, force: req.force }).toEqual({ provisioningMethod: 'Manual', gpoPrefix: undefined, force: false });
    const db = req.database;
    if (db.kind !== 'MSSQL') throw new Error('expected MSSQL');
    const { credential: _credential, ...rest } = db;
    expect(rest).toEqual({ kind: 'MSSQL', server: 'Db1.Contoso.com', databaseName: 'Ipamdb', port: 1433, authType: 'SQL', useExistingSchema: false });
    expect(db.credential?.user).toBe('CONTOSO\\sa');
    expect(db.credential?.password).toBeInstanceOf(Secret);
    expect(db.credential?.password.reveal()).toBe('P:w');
  });

  it('Force and UseExistingSchema are carried through', () => {
    const req = validateProvisioningParameters({ ...SQL, UseExistingSchema: true, Force: true });
    expect(req.force).toBe(true);
    expect(req.database).toMatchObject({ kind: 'MSSQL', useExistingSchema: true });
  });

});

describe('normalisation', () => {
  it('trims names and strips trailing backslashes from a WID path', () => {
    expect(validateProvisioningParameters({ WidSchemaPath: ' E:\\IPAM\\Db\\ ' }).database).toMatchObject({ widSchemaPath: 'E:\\IPAM\\Db' });
    expect(validateProvisioningParameters({ ...SQL, DatabaseServer: ' SQL1\\IPAMINST ', DatabaseName: ' Ipamdb ' }).database).toMatchObject({
      server: 'SQL1\\IPAMINST',
      databaseName: 'Ipamdb',
    });
  });

  it('accepts a drive root as the WID folder and keeps it absolute (D:\\, not the drive-relative D:)', () => {
    expect(validateProvisioningParameters({ WidSchemaPath: 'D:\\' }).database).toMatchObject({ kind: 'WID', widSchemaPath: 'D:\\' });
  });
});

describe('validation rules, one by one', () => {
  it('ProvisioningMethod other than 0 or 1', () => {
    expectInvalid(refusal({ ProvisioningMethod: 2 }), 'ProvisioningMethod', 'ProvisioningMethod 2 is not valid: use 0 (Automatic, GPO-based) or 1 (Manual).');
  });

  it.each([
    ['omitted', {}],
    ['1 (Manual)', { ProvisioningMethod: 1 }],
  ])('GpoPrefix with Manual provisioning (ProvisioningMethod %s)', (_label, method) => {
    expectInvalid(
      refusal({ ...method, GpoPrefix: 'IPAM1' }),
      'GpoPrefix',
      'GpoPrefix applies only when ProvisioningMethod is Automatic (GPO-based); omit it for Manual provisioning.',
    );
  });

  it.each(['', '_IPAM', 'IPAM/1', 'IPAM;1', 'A'.repeat(65)])('GpoPrefix %j does not have the allowed form', (prefix) => {
    expectInvalid(
      refusal({ ProvisioningMethod: 0, GpoPrefix: prefix }),
      'GpoPrefix',
      `GpoPrefix '${prefix}' is not valid: use 1 to 64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit.`,
    );
  });

  it('GpoPrefix of 64 characters with spaces, dots and dashes is accepted', () => {
    const prefix = 'IPAM 1.a-b_' + 'x'.repeat(53);
    expect(validateProvisioningParameters({ ProvisioningMethod: 0, GpoPrefix: prefix }).gpoPrefix).toBe(prefix);
  });

  it('Automatic provisioning without GpoPrefix', () => {
    expectInvalid(
      refusal({ ProvisioningMethod: 0 }),
      'GpoPrefix',
      'GpoPrefix is required when ProvisioningMethod is Automatic: the GPOs are named <GpoPrefix>_DHCP, <GpoPrefix>_DNS and <GpoPrefix>_DC_NPS.',
    );
  });

  it.each<[string, RawProvisioningParameters]>([
    ['DatabaseName', { DatabaseName: 'Ipamdb' }],
    ['DatabasePort', { DatabasePort: 1433 }],
    ['DatabaseAuthType', { DatabaseAuthType: 1 }],
    ['DatabaseCredential', { DatabaseCredential: 'sa:pw' }],
  ])('%s without DatabaseServer (a WID request)', (name, p) => {
    expectInvalid(refusal(p), name, `${name} applies only to an external database: give DatabaseServer, DatabaseName and DatabasePort with it.`);
  });

  it('a blank DatabaseServer counts as absent', () => {
    expect(refusal({ DatabaseServer: '  ', DatabaseName: 'Ipamdb' }).target).toBe('DatabaseName');
  });

  it('UseExistingSchema with WID', () => {
    expectInvalid(
      refusal({ UseExistingSchema: true }),
      'UseExistingSchema',
      'UseExistingSchema applies only to an external database (DatabaseServer); a Windows Internal Database is always created.',
    );
  });

  it.each([
    'database',
    'C:database',
    '\\\\fileserver\\share\\ipam',
    'D:\\ipam\\..\\windows',
    'D:\\..',
    'D:\\ipam|db',
    'D:\\ipam?',
    'D:\\ipam\\db:stream',
    '%TEMP%\\ipam',
  ])('WidSchemaPath %j is not a local absolute folder', (path) => {
    expectInvalid(
      refusal({ WidSchemaPath: path }),
      'WidSchemaPath',
      `WidSchemaPath '${path}' is not valid: give a local absolute folder such as D:\\database or %WINDIR%\\System32\\IPAM\\Database.`,
    );
  });

  it.each(['%windir%\\IPAM', '%SystemRoot%\\IPAM\\Db', '%SYSTEMDRIVE%', 'c:\\IPAM Data\\db'])('WidSchemaPath %j is accepted', (path) => {
    expect(validateProvisioningParameters({ WidSchemaPath: path }).database.kind).toBe('WID');
  });

  it('WidSchemaPath with DatabaseServer', () => {
    expectInvalid(
      refusal({ ...SQL, WidSchemaPath: 'D:\\database' }),
      'WidSchemaPath',
      'WidSchemaPath applies only to the Windows Internal Database; it cannot be given with DatabaseServer.',
    );
  });

  it.each(['db 1', 'db1,1433', '-db1', 'db1..contoso.com', 'db1/contoso', 'SQL1\\', 'SQL1\\inst ance'])('DatabaseServer %j is not a server name', (server) => {
    expectInvalid(
      refusal({ ...SQL, DatabaseServer: server }),
      'DatabaseServer',
      `DatabaseServer '${server}' is not a valid server name (a host name, FQDN or IPv4 address, optionally with \\INSTANCE).`,
    );
  });

  it.each(['db1', '10.0.0.5', 'sql-01.corp.contoso.com', 'SQL1\\IPAM$1'])('DatabaseServer %j is accepted', (server) => {
    expect(validateProvisioningParameters({ ...SQL, DatabaseServer: server }).database).toMatchObject({ kind: 'MSSQL', server });
  });

  it.each<[string, RawProvisioningParameters, string]>([
    ['DatabaseName', { DatabaseServer: 'db1', DatabasePort: 1433 }, 'DatabaseName is required'],
    ['DatabaseName', { DatabaseServer: 'db1', DatabaseName: '  ', DatabasePort: 1433 }, 'DatabaseName is required'],
    ['DatabasePort', { DatabaseServer: 'db1', DatabaseName: 'Ipamdb' }, 'DatabasePort is required'],
    ['DatabaseName', { DatabaseServer: 'db1' }, 'DatabaseName and DatabasePort are required'],
  ])('DatabaseServer without %s', (parameter, p, lead) => {
    expectInvalid(refusal(p), parameter, `${lead} with DatabaseServer: an external database needs DatabaseServer, DatabaseName and DatabasePort.`);
  });

  it.each(['1ipam', 'ipam db', 'ipam;drop', 'ipam]', 'ipam-db', '#temp', 'a'.repeat(129)])('DatabaseName %j is not valid', (name) => {
    expectInvalid(
      refusal({ ...SQL, DatabaseName: name }),
      'DatabaseName',
      `DatabaseName '${name}' is not valid: use 1 to 128 letters, digits or '_', starting with a letter or '_'.`,
    );
  });

  it('DatabasePort 0', () => {
    expectInvalid(refusal({ ...SQL, DatabasePort: 0 }), 'DatabasePort', 'DatabasePort 0 is not valid: give the TCP port of the SQL Server (1433 by default).');
  });

  it.each([0, 3])('DatabaseAuthType %d', (n) => {
    expectInvalid(refusal({ ...SQL, DatabaseAuthType: n }), 'DatabaseAuthType', `DatabaseAuthType ${n} is not valid: use 1 (Windows) or 2 (SQL).`);
  });

  it.each([
    ['omitted', {}],
    ['1', { DatabaseAuthType: 1 }],
  ])('DatabaseCredential with Windows authentication (DatabaseAuthType %s)', (_label, auth) => {
    expectInvalid(
      refusal({ ...SQL, ...auth, DatabaseCredential: 'sa:pw' }),
      'DatabaseCredential',
      "DatabaseCredential applies only to SQL authentication (DatabaseAuthType 2); Windows authentication connects as the IPAM server's computer account.",
    );
  });

  it('SQL authentication without DatabaseCredential', () => {
    expectInvalid(refusal({ ...SQL, DatabaseAuthType: 2 }), 'DatabaseCredential', 'DatabaseCredential is required when DatabaseAuthType is SQL (2).');
  });

  it('null parameters count as absent', () => {
    expect(validateProvisioningParameters({ DatabaseServer: null, DatabaseName: null, GpoPrefix: null, ProvisioningMethod: null, Force: null }).database.kind).toBe('WID');
  });

  it('reports the first rule broken when several are', () => {
    expect(refusal({ ProvisioningMethod: 7, DatabaseName: 'x', DatabasePort: 0 }).target).toBe('ProvisioningMethod');
  });
});

describe('parseCredential (PowerShell CimSensitiveValueConverter escaping)', () => {
  it.each([
    ['CONTOSO\\\\sa:P:w', 'CONTOSO\\sa', 'P:w'],
    ['a\\:b:c', 'a:b', 'c'],
    ['sa:', 'sa', ''],
    ['sa:p\\w', 'sa', 'p\\w'],
    ['d\\\\\\:x:y\\\\z', 'd\\:x', 'y\\\\z'],
  ])('%j → user %j, password %j', (text, user, password) => {
    const c = parseCredential(text);
    expect(c.user).toBe(user);
    expect(c.password.reveal()).toBe(password);
  });

  it.each([
    ['a stray backslash', 'CONTOSO\\sa:Sup3rS3cret', "DatabaseCredential is malformed: in the user name a backslash must be written '\\\\' and a colon '\\:'."],
    ['a trailing backslash', 'sa\\', "DatabaseCredential is malformed: in the user name a backslash must be written '\\\\' and a colon '\\:'."],
    ['an empty user name', ':Sup3rS3cret', 'DatabaseCredential is malformed: the user name is empty.'],
    ['no unescaped colon', 'sa\\:Sup3rS3cret', "DatabaseCredential is malformed: expected 'user:password'."],
    ['an empty string', '', "DatabaseCredential is malformed: expected 'user:password'."],
  ])('%s is refused, without echoing the text', (_label, text, message) => {
    const err = caught(() => parseCredential(text));
    expectInvalid(err, 'DatabaseCredential', message);
    expect(inspect(err)).not.toContain('Sup3rS3cret');
  });

  it('a malformed credential in a full request is refused the same way', () => {
    expect(refusal({ ...SQL, DatabaseAuthType: 2, DatabaseCredential: 'nocolon' }).message).toBe("DatabaseCredential is malformed: expected 'user:password'.");
  });
});

describe('the password never shows', () => {
  const PASSWORD = 'Xq9!unique-Pa55:w0rd';
  const request = (): ProvisioningRequest => validateProvisioningParameters({ ...SQL, DatabaseAuthType: 2, DatabaseCredential: `CONTOSO\\\\ipamsql:${PASSWORD}` });

  it('is there to reveal', () => {
    const db = request().database;
    expect(db.kind === 'MSSQL' ? db.credential?.password.reveal() : undefined).toBe(PASSWORD);
  });

  it.each<[string, (r: ProvisioningRequest) => string]>([
    ['JSON.stringify', (r) => JSON.stringify(r)],
    ['util.inspect', (r) => inspect(r, { depth: null })],
    ['util.inspect with showHidden', (r) => inspect(r, { depth: null, showHidden: true })],
    ['util.format %o', (r) => format('%o', r)],
    ['util.format %j', (r) => format('%j', r)],
    ['String() of the secret', (r) => (r.database.kind === 'MSSQL' ? String(r.database.credential?.password) : '')],
    ['a template string of the secret', (r) => (r.database.kind === 'MSSQL' ? `${r.database.credential?.password}` : '')],
    ['Object.entries of the secret', (r) => (r.database.kind === 'MSSQL' ? JSON.stringify(Object.entries(r.database.credential?.password ?? {})) : '')],
  ])('%s of the request shows no password', (_label, show) => {
    const text = show(request());
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('unique');
  });

  it('prints as asterisks', () => {
    const secret = new Secret(PASSWORD);
    expect(String(secret)).toBe('********');
    expect(JSON.stringify({ secret })).toBe('{"secret":"********"}');
    expect(inspect(secret)).toBe('Secret(********)');
    expect(JSON.stringify(request())).toContain('"password":"********"');
  });
});

describe('folder names in WidSchemaPath (issue 14)', () => {
  test.each([
    ['ASCII, 256 characters', 'a'.repeat(256)],
    ['2-byte UTF-8, 128 é (256 bytes)', 'é'.repeat(128)],
    ['3-byte UTF-8, 86 中 (258 bytes)', '中'.repeat(86)],
    ['4-byte UTF-8, 64 😀 (256 bytes, 128 UTF-16 units)', '😀'.repeat(64)],
  ])('a folder name over the limit is the parameter error: %s', (_name, folder) => {
    const err = refusal({ WidSchemaPath: `D:\\${folder}` });
    expect({ kind: err.kind, target: err.target, messageId: err.messageId }).toEqual({ kind: 'InvalidParameter', target: 'WidSchemaPath', messageId: 'WIN32 87' });
  });

  test('the message says which folder and how long it is', () => {
    expect(refusal({ WidSchemaPath: `D:\\ipam\\${'é'.repeat(128)}\\db` }).message).toBe(
      `WidSchemaPath 'D:\\ipam\\${'é'.repeat(128)}\\db' is not valid: the folder name '${'é'.repeat(24)}…' is 128 characters (256 bytes in UTF-8) long; ` +
        "a folder name may have at most 255 characters, and the emulator's host file system at most 255 bytes.",
    );
  });

  test.each([
    ['ASCII, 245 characters', 'a'.repeat(245)],
    ['2-byte UTF-8, 127 é (254 bytes)', 'é'.repeat(127)],
    ['3-byte UTF-8, 85 中 (255 bytes)', '中'.repeat(85)],
    ['4-byte UTF-8, 63 😀 (252 bytes)', '😀'.repeat(63)],
  ])('a folder name at the limit is accepted: %s', (_name, folder) => {
    expect(validateProvisioningParameters({ WidSchemaPath: `D:\\${folder}` }).database).toMatchObject({ kind: 'WID', widSchemaPath: `D:\\${folder}` });
  });
});
