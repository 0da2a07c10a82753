/**
 * The parameters of MSFT_IPAM_Server.InvokeIpamServerProvisioning, validated
 * into one typed request. Rules come from the cmdlet's parameter sets
 * (reference/ipam-provisioning.md §1) and are listed in docs/provisioning.md;
 * every violation is an invalid-parameter error (WIN32 87) naming the parameter.
 */
import { ProvisioningErrors } from './errors';
import { Secret } from './secret';

export const DEFAULT_WID_PATH = '%WINDIR%\\System32\\IPAM\\Database';
export const WID_DATABASE_NAME = 'IPAM';

export type ProvisioningMethod = 'Automatic' | 'Manual';
export type DatabaseAuthType = 'Windows' | 'SQL';

export interface DatabaseCredential {
  readonly user: string;
  readonly password: Secret;
}

export type DatabaseChoice =
  | { readonly kind: 'WID'; readonly widSchemaPath: string; readonly databaseName: string }
  | {
      readonly kind: 'MSSQL';
      readonly server: string;
      readonly databaseName: string;
      readonly port: number;
      readonly authType: DatabaseAuthType;
      readonly credential: DatabaseCredential | undefined;
      readonly useExistingSchema: boolean;
    };

export interface ProvisioningRequest {
  readonly database: DatabaseChoice;
  readonly provisioningMethod: ProvisioningMethod;
  readonly gpoPrefix: string | undefined;
  readonly force: boolean;
}

/** The method's in-parameters as plain values (absent ones undefined). */
export interface RawProvisioningParameters {
  DatabaseServer?: string | null;
  DatabaseName?: string | null;
  DatabasePort?: number | null;
  DatabaseAuthType?: number | null;
  DatabaseCredential?: string | null;
  ProvisioningMethod?: number | null;
  GpoPrefix?: string | null;
  WidSchemaPath?: string | null;
  UseExistingSchema?: boolean | null;
  Force?: boolean | null;
}

const invalid = ProvisioningErrors.invalidParameter;

/** The longest folder name: 255 UTF-16 characters on NTFS, 255 bytes on the sandbox's file system (docs/provisioning.md). */
const MAX_COMPONENT = 255;

const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;
const givenText = (v: string | null | undefined): v is string => given(v) && v.trim() !== '';

/** A host name, FQDN or IPv4 address, optionally `\INSTANCE`. */
const SERVER = /^(?=.{1,253}(\\|$))[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*(\\[A-Za-z0-9_$#-]{1,16})?$/;
/**
 * Database names we accept: letters, digits and '_', starting with a letter or '_' — the
 * identifiers the SQL layer validates and quotes before they reach any statement.
 */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** GPO names are `<prefix>_DHCP` etc.: keep the prefix to what a GPO display name can hold. */
const GPO_PREFIX = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
/** A local absolute path (drive letter) or one under %WINDIR%/%SystemRoot%/%SystemDrive%; never UNC. */
const WID_PATH = /^(?:[A-Za-z]:\\|%(?:WINDIR|SYSTEMROOT|SYSTEMDRIVE)%(?:\\|$))/i;

/**
 * Splits `user:password` where the user name is escaped as PowerShell's
 * CimSensitiveValueConverter escapes it (`\` → `\\`, `:` → `\:`), on the first
 * unescaped `:`. Throws a CIM error for a malformed string.
 */
export function parseCredential(text: string): DatabaseCredential {
  let user = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '\\' && next !== ':') {
        throw invalid('DatabaseCredential', "DatabaseCredential is malformed: in the user name a backslash must be written '\\\\' and a colon '\\:'.");
      }
      user += next;
      i++;
    } else if (c === ':') {
      if (user === '') throw invalid('DatabaseCredential', 'DatabaseCredential is malformed: the user name is empty.');
      return { user, password: new Secret(text.slice(i + 1)) };
    } else {
      user += c;
    }
  }
  throw invalid('DatabaseCredential', "DatabaseCredential is malformed: expected 'user:password'.");
}

/** Validates the raw parameters; throws the first rule broken as a CIM invalid-parameter error. */
export function validateProvisioningParameters(p: RawProvisioningParameters): ProvisioningRequest {
  const external = givenText(p.DatabaseServer);

  let provisioningMethod: ProvisioningMethod = 'Manual';
  if (given(p.ProvisioningMethod)) {
    if (p.ProvisioningMethod === 0) provisioningMethod = 'Automatic';
    else if (p.ProvisioningMethod !== 1) {
      throw invalid('ProvisioningMethod', `ProvisioningMethod ${p.ProvisioningMethod} is not valid: use 0 (Automatic, GPO-based) or 1 (Manual).`);
    }
  }
  let gpoPrefix: string | undefined;
  if (given(p.GpoPrefix)) {
    if (provisioningMethod === 'Manual') {
      throw invalid('GpoPrefix', 'GpoPrefix applies only when ProvisioningMethod is Automatic (GPO-based); omit it for Manual provisioning.');
    }
    if (!GPO_PREFIX.test(p.GpoPrefix)) {
      throw invalid('GpoPrefix', `GpoPrefix '${p.GpoPrefix}' is not valid: use 1 to 64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit.`);
    }
    gpoPrefix = p.GpoPrefix;
  } else if (provisioningMethod === 'Automatic') {
    throw invalid('GpoPrefix', 'GpoPrefix is required when ProvisioningMethod is Automatic: the GPOs are named <GpoPrefix>_DHCP, <GpoPrefix>_DNS and <GpoPrefix>_DC_NPS.');
  }
  const force = p.Force === true;

  if (!external) {
    for (const [name, v] of [
      ['DatabaseName', p.DatabaseName],
      ['DatabasePort', p.DatabasePort],
      ['DatabaseAuthType', p.DatabaseAuthType],
      ['DatabaseCredential', p.DatabaseCredential],
    ] as const) {
      if (given(v)) throw invalid(name, `${name} applies only to an external database: give DatabaseServer, DatabaseName and DatabasePort with it.`);
    }
    if (p.UseExistingSchema === true) {
      throw invalid('UseExistingSchema', 'UseExistingSchema applies only to an external database (DatabaseServer); a Windows Internal Database is always created.');
    }
    let widSchemaPath = DEFAULT_WID_PATH;
    if (given(p.WidSchemaPath)) {
      const path = p.WidSchemaPath.trim();
      // A folder path stays under MAX_PATH minus room for a file name (CreateDirectory's 248).
      if (!WID_PATH.test(path) || path.length > 248 || /(^|\\)\.\.(\\|$)/.test(path) || /[<>"|?*:]/.test(path.slice(2))) {
        throw invalid('WidSchemaPath', `WidSchemaPath '${p.WidSchemaPath}' is not valid: give a local absolute folder such as D:\\database or %WINDIR%\\System32\\IPAM\\Database.`);
      }
      // A folder name: Windows takes up to 255 UTF-16 characters (NTFS); the host sandbox, a Linux file
      // system, 255 bytes of UTF-8 (as the sandbox stores it, lower-cased). Refused before anything is made.
      for (const name of path.split('\\').slice(1)) {
        const bytes = Buffer.byteLength(name.toLowerCase(), 'utf8');
        if (name.length > MAX_COMPONENT || bytes > MAX_COMPONENT) {
          const shown = [...name].length > 24 ? `${[...name].slice(0, 24).join('')}…` : name;
          throw invalid(
            'WidSchemaPath',
            `WidSchemaPath '${p.WidSchemaPath}' is not valid: the folder name '${shown}' is ${name.length} characters (${bytes} bytes in UTF-8) long; ` +
              `a folder name may have at most ${MAX_COMPONENT} characters, and the emulator's host file system at most ${MAX_COMPONENT} bytes.`,
          );
        }
      }
      // Drop trailing separators, but keep a drive root absolute (`D:\`, not the drive-relative `D:`).
      widSchemaPath = path.replace(/\\+$/, '');
      if (/^[A-Za-z]:$/.test(widSchemaPath)) widSchemaPath += '\\';
    }
    return { database: { kind: 'WID', widSchemaPath, databaseName: WID_DATABASE_NAME }, provisioningMethod, gpoPrefix, force };
  }

  const server = (p.DatabaseServer as string).trim();
  if (given(p.WidSchemaPath)) {
    throw invalid('WidSchemaPath', 'WidSchemaPath applies only to the Windows Internal Database; it cannot be given with DatabaseServer.');
  }
  if (!SERVER.test(server)) {
    throw invalid('DatabaseServer', `DatabaseServer '${server}' is not a valid server name (a host name, FQDN or IPv4 address, optionally with \\INSTANCE).`);
  }
  const missing = (['DatabaseName', 'DatabasePort'] as const).filter((n) => !given(p[n]) || (n === 'DatabaseName' && !givenText(p[n])));
  if (missing.length > 0) {
    throw invalid(missing[0] as string, `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required with DatabaseServer: an external database needs DatabaseServer, DatabaseName and DatabasePort.`);
  }
  const databaseName = (p.DatabaseName as string).trim();
  if (!DATABASE_NAME.test(databaseName)) {
    throw invalid('DatabaseName', `DatabaseName '${databaseName}' is not valid: use 1 to 128 letters, digits or '_', starting with a letter or '_'.`);
  }
  const port = p.DatabasePort as number;
  if (port === 0) throw invalid('DatabasePort', 'DatabasePort 0 is not valid: give the TCP port of the SQL Server (1433 by default).');

  let authType: DatabaseAuthType = 'Windows';
  if (given(p.DatabaseAuthType)) {
    if (p.DatabaseAuthType === 2) authType = 'SQL';
    else if (p.DatabaseAuthType !== 1) {
      throw invalid('DatabaseAuthType', `DatabaseAuthType ${p.DatabaseAuthType} is not valid: use 1 (Windows) or 2 (SQL).`);
    }
  }
  let credential: DatabaseCredential | undefined;
  if (given(p.DatabaseCredential)) {
    if (authType !== 'SQL') {
      throw invalid('DatabaseCredential', "DatabaseCredential applies only to SQL authentication (DatabaseAuthType 2); Windows authentication connects as the IPAM server's computer account.");
    }
    credential = parseCredential(p.DatabaseCredential);
  } else if (authType === 'SQL') {
    throw invalid('DatabaseCredential', 'DatabaseCredential is required when DatabaseAuthType is SQL (2).');
  }
  return {
    database: { kind: 'MSSQL', server, databaseName, port, authType, credential, useExistingSchema: p.UseExistingSchema === true },
    provisioningMethod,
    gpoPrefix,
    force,
  };
}
