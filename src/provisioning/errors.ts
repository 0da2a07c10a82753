/**
 * The provisioning engine's errors: its own domain errors, which know no wire.
 * Each carries what any door needs to report it as Windows would: a Win32 code
 * (the IPAM provider's errors read `WIN32 <code>`, which PowerShell shows as the
 * FullyQualifiedErrorId), what kind of failure it is, PowerShell's error
 * category, and the parameter or object at fault. The CIM door turns them into
 * CIM errors at its provider edge, the shell door into PowerShell
 * error records. No runtime text of the real provider is public, so the
 * messages are ours (listed in docs/errors.md).
 */
import { IpamDatabaseError } from '../storage/ipamDb/ipamDatabase';
import { SandboxPathError } from '../storage/sandbox';

/** What kind of failure (the CIM door maps it to a CIM status code). */
export type ProvisioningErrorKind = 'Failed' | 'AccessDenied' | 'NotFound' | 'AlreadyExists' | 'InvalidParameter';

/** PowerShell's ErrorCategory names (the same as MI_ErrorCategory's) that provisioning failures use. */
export type ProvisioningErrorCategory =
  | 'NotSpecified'
  | 'InvalidArgument'
  | 'InvalidData'
  | 'InvalidOperation'
  | 'ObjectNotFound'
  | 'OperationStopped'
  | 'PermissionDenied'
  | 'ResourceBusy'
  | 'ResourceExists'
  | 'ConnectionError'
  | 'AuthenticationError';

export class ProvisioningError extends Error {
  constructor(
    readonly kind: ProvisioningErrorKind,
    readonly win32Code: number,
    readonly category: ProvisioningErrorCategory,
    message: string,
    /** The parameter at fault (WidSchemaPath, …) or the object the error is about (a host's FQDN). */
    readonly target?: string,
    /** A CIM error a fault injection rule put in place of a step (docs/faults.md): reported as given. */
    readonly injected?: { readonly ruleId: string; readonly cimStatus: number; readonly messageId?: string },
  ) {
    super(message);
    this.name = 'ProvisioningError';
  }

  /** The IPAM message ID (`WIN32 <code>`), as the configuration log and PowerShell show it; an injected error's own. */
  get messageId(): string {
    return this.injected?.messageId ?? `WIN32 ${this.win32Code}`;
  }
}

const WIN32 = {
  ACCESS_DENIED: 5,
  INVALID_PARAMETER: 87,
  NOT_SUPPORTED: 50,
  ALREADY_EXISTS: 183,
  BUSY: 170,
  NOT_FOUND: 1168,
  NETWORK_UNREACHABLE: 1231,
  REVISION_MISMATCH: 1306,
  LOGON_FAILURE: 1326,
  OPERATION_ABORTED: 995,
  INVALID_DATA: 13,
  INVALID_OPERATION: 4317,
  INTERNAL_ERROR: 1359,
} as const;

function err(kind: ProvisioningErrorKind, code: number, category: ProvisioningErrorCategory, message: string, target?: string): ProvisioningError {
  return new ProvisioningError(kind, code, category, message, target);
}

export const ProvisioningErrors = {
  /** A fault injection rule's CIM error in place of a step: the run fails with it and is undone as a real failure is. */
  injected: (ruleId: string, step: string, cimStatus: number, messageId: string | undefined, message: string | undefined) =>
    new ProvisioningError('Failed', cimStatus, 'NotSpecified', message ?? `The step ${step} failed: a fault injected by rule ${ruleId}.`, undefined, { ruleId, cimStatus, messageId }),

  inProgress: (fqdn: string) =>
    err('Failed', WIN32.BUSY, 'ResourceBusy', `An IPAM provisioning or update is already in progress on ${fqdn}. Wait for it to finish, then try again.`, fqdn),

  databaseServerUnreachable: (server: string, port: number) =>
    err(
      'Failed',
      WIN32.NETWORK_UNREACHABLE,
      'ConnectionError',
      `Cannot connect to the SQL Server ${server} on port ${port}: the server was not found or was not accessible. Check DatabaseServer and DatabasePort, and that the server accepts remote connections.`,
      'DatabaseServer',
    ),

  loginFailed: (server: string, login: string) =>
    err(
      'AccessDenied',
      WIN32.LOGON_FAILURE,
      'AuthenticationError',
      `Login failed for user '${login}' on the SQL Server ${server}. Check DatabaseAuthType and DatabaseCredential; with Windows authentication IPAM connects as the server's computer account.`,
      'DatabaseCredential',
    ),

  databaseMissingCannotCreate: (server: string, database: string, login: string) =>
    err(
      'AccessDenied',
      WIN32.ACCESS_DENIED,
      'PermissionDenied',
      `The database ${database} does not exist on the SQL Server ${server}, and the login '${login}' does not have permission to create it (CREATE DATABASE). Create the database, or grant the login the right to create it.`,
      'DatabaseName',
    ),

  missingPermissions: (server: string, database: string, login: string, missing: readonly string[]) =>
    err(
      'AccessDenied',
      WIN32.ACCESS_DENIED,
      'PermissionDenied',
      `The login '${login}' lacks permissions IPAM needs on the database ${database} on ${server}: ${missing.join(', ')}. Grant db_datareader, db_datawriter, db_ddladmin, VIEW DATABASE STATE and ALTER.`,
      'DatabaseName',
    ),

  noValidSchema: (where: string) =>
    err(
      'NotFound',
      WIN32.NOT_FOUND,
      'ObjectNotFound',
      `UseExistingSchema was given, but no valid IPAM schema was found in ${where}. Omit UseExistingSchema to create a new schema.`,
      'UseExistingSchema',
    ),

  databaseInUse: (where: string, byHost: string) =>
    err(
      'Failed',
      WIN32.BUSY,
      'ResourceBusy',
      `${where} is being provisioned for ${byHost} right now. Wait for that to finish, then give UseExistingSchema to share its schema, or choose another database.`,
      where,
    ),

  schemaExists: (where: string) =>
    err(
      'AlreadyExists',
      WIN32.ALREADY_EXISTS,
      'ResourceExists',
      `${where} already holds an IPAM schema. Give UseExistingSchema to use it, or choose another database.`,
      'DatabaseName',
    ),

  schemaVersionMismatch: (where: string, found: string, expected: string) =>
    err(
      'Failed',
      WIN32.REVISION_MISMATCH,
      'InvalidData',
      `The IPAM schema in ${where} is version ${found}; this IPAM server uses version ${expected}. Use a database with a version ${expected} schema, or a new database.`,
      'DatabaseName',
    ),

  /** A simulated SQL Server's database whose file in the data directory cannot be read. */
  databaseUnreadable: (where: string) =>
    err(
      'Failed',
      WIN32.INVALID_DATA,
      'InvalidData',
      `${where} cannot be read: its file in the emulator's data directory is damaged. Reset the SQL Server through the admin API, or choose another database.`,
      'DatabaseName',
    ),

  notAnIpamDatabase: (where: string) =>
    err(
      'Failed',
      WIN32.INVALID_DATA,
      'InvalidData',
      `${where} holds a file that is not an IPAM database. Remove it or choose another WidSchemaPath.`,
      'WidSchemaPath',
    ),

  alreadyProvisionedOtherDatabase: (fqdn: string, current: string, requested: string) =>
    err(
      'Failed',
      WIN32.INVALID_OPERATION,
      'InvalidOperation',
      `IPAM on ${fqdn} is already provisioned, using ${current}. Provisioning cannot change the database (${requested} was asked for): use Move-IpamDatabase to move the IPAM data to another database.`,
      fqdn,
    ),

  alreadyProvisionedOtherMethod: (fqdn: string) =>
    err(
      'Failed',
      WIN32.INVALID_OPERATION,
      'InvalidOperation',
      `IPAM on ${fqdn} is already provisioned with another provisioning method or GPO prefix. Use Set-IpamConfiguration -ProvisioningMethod to change it.`,
      fqdn,
    ),

  notProvisioned: (fqdn: string) =>
    err('Failed', WIN32.INVALID_OPERATION, 'InvalidOperation', `IPAM on ${fqdn} is not provisioned. Run Invoke-IpamServerProvisioning first.`, fqdn),

  noUpdateAvailable: (fqdn: string, version: string) =>
    err(
      'Failed',
      WIN32.INVALID_OPERATION,
      'InvalidOperation',
      `No update is available for IPAM on ${fqdn}: its database schema is already at version ${version}.`,
      fqdn,
    ),

  cancelled: (fqdn: string) =>
    err('Failed', WIN32.OPERATION_ABORTED, 'OperationStopped', `The IPAM provisioning of ${fqdn} was cancelled; every step done was undone.`, fqdn),

  /** A parameter the cmdlet's rules refuse (ERROR_INVALID_PARAMETER). */
  invalidParameter: (parameter: string, message: string) => err('InvalidParameter', WIN32.INVALID_PARAMETER, 'InvalidArgument', message, parameter),

  sandbox: (parameter: string, message: string) => err('InvalidParameter', WIN32.INVALID_PARAMETER, 'InvalidArgument', message, parameter),

  internal: (fqdn: string, step: string) =>
    err(
      'Failed',
      WIN32.INTERNAL_ERROR,
      'NotSpecified',
      `Provisioning IPAM on ${fqdn} failed during "${step}" because of an internal error of the emulator; every step done was undone. The emulator's log has the details.`,
      fqdn,
    ),
};

/**
 * A storage error the engine did not expect to surface, turned into the provisioning error
 * it means (issue 10: such errors used to reach users as "internal error"). `where` names the
 * database or path in the message. Anything else is returned as it is.
 */
export function fromStorageError(e: unknown, where: string): unknown {
  if (e instanceof IpamDatabaseError) {
    switch (e.code) {
      case 'NoSchema':
        return ProvisioningErrors.noValidSchema(where);
      case 'SchemaVersionMismatch':
        return ProvisioningErrors.schemaVersionMismatch(where, e.installedVersion ?? 'unknown', e.requestedVersion ?? 'unknown');
      case 'UnknownSchemaVersion':
        return err('Failed', WIN32.INVALID_DATA, 'InvalidData', `${where} holds an IPAM schema this server does not know (${e.installedVersion ?? 'no version'}).`, 'DatabaseName');
      case 'UnknownCapability':
        return err('InvalidParameter', WIN32.INVALID_PARAMETER, 'InvalidArgument', e.message, 'Capability');
    }
  }
  if (e instanceof SandboxPathError) return ProvisioningErrors.sandbox('WidSchemaPath', `${where} cannot be used: ${e.message}.`);
  return e;
}
