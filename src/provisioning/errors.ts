/**
 * The provisioning engine's errors. No runtime text of the real provider is
 * public, so these messages are ours (listed in docs/errors.md); their shape
 * follows real IPAM errors: a CIM error with a `WIN32 <code>` MessageID, which
 * PowerShell shows as the FullyQualifiedErrorId.
 */
import { CimError, CimStatus, ErrorCategory } from '../cim/errors';

const WIN32 = {
  ACCESS_DENIED: 5,
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

function err(status: CimStatus, code: number, category: ErrorCategory, message: string, errorSource?: string): CimError {
  return new CimError({ status, message, errorType: 'Win32', errorCode: code, category, errorSource });
}

export const ProvisioningErrors = {
  inProgress: (fqdn: string) =>
    err(CimStatus.FAILED, WIN32.BUSY, ErrorCategory.ResourceBusy, `An IPAM provisioning or update is already in progress on ${fqdn}. Wait for it to finish, then try again.`, fqdn),

  databaseServerUnreachable: (server: string, port: number) =>
    err(
      CimStatus.FAILED,
      WIN32.NETWORK_UNREACHABLE,
      ErrorCategory.ConnectionError,
      `Cannot connect to the SQL Server ${server} on port ${port}: the server was not found or was not accessible. Check DatabaseServer and DatabasePort, and that the server accepts remote connections.`,
      'DatabaseServer',
    ),

  loginFailed: (server: string, login: string) =>
    err(
      CimStatus.ACCESS_DENIED,
      WIN32.LOGON_FAILURE,
      ErrorCategory.AuthenticationError,
      `Login failed for user '${login}' on the SQL Server ${server}. Check DatabaseAuthType and DatabaseCredential; with Windows authentication IPAM connects as the server's computer account.`,
      'DatabaseCredential',
    ),

  databaseMissingCannotCreate: (server: string, database: string, login: string) =>
    err(
      CimStatus.ACCESS_DENIED,
      WIN32.ACCESS_DENIED,
      ErrorCategory.PermissionDenied,
      `The database ${database} does not exist on the SQL Server ${server}, and the login '${login}' does not have permission to create it (CREATE DATABASE). Create the database, or grant the login the right to create it.`,
      'DatabaseName',
    ),

  missingPermissions: (server: string, database: string, login: string, missing: readonly string[]) =>
    err(
      CimStatus.ACCESS_DENIED,
      WIN32.ACCESS_DENIED,
      ErrorCategory.PermissionDenied,
      `The login '${login}' lacks permissions IPAM needs on the database ${database} on ${server}: ${missing.join(', ')}. Grant db_datareader, db_datawriter, db_ddladmin, VIEW DATABASE STATE and ALTER.`,
      'DatabaseName',
    ),

  noValidSchema: (where: string) =>
    err(
      CimStatus.NOT_FOUND,
      WIN32.NOT_FOUND,
      ErrorCategory.ObjectNotFound,
      `UseExistingSchema was given, but no valid IPAM schema was found in ${where}. Omit UseExistingSchema to create a new schema.`,
      'UseExistingSchema',
    ),

  databaseInUse: (where: string, byHost: string) =>
    err(
      CimStatus.FAILED,
      WIN32.BUSY,
      ErrorCategory.ResourceBusy,
      `${where} is being provisioned for ${byHost} right now. Wait for that to finish, then give UseExistingSchema to share its schema, or choose another database.`,
      where,
    ),

  schemaExists: (where: string) =>
    err(
      CimStatus.ALREADY_EXISTS,
      WIN32.ALREADY_EXISTS,
      ErrorCategory.ResourceExists,
      `${where} already holds an IPAM schema. Give UseExistingSchema to use it, or choose another database.`,
      'DatabaseName',
    ),

  schemaVersionMismatch: (where: string, found: string, expected: string) =>
    err(
      CimStatus.FAILED,
      WIN32.REVISION_MISMATCH,
      ErrorCategory.InvalidData,
      `The IPAM schema in ${where} is version ${found}; this IPAM server uses version ${expected}. Use a database with a version ${expected} schema, or a new database.`,
      'DatabaseName',
    ),

  /** A simulated SQL Server's database whose file in the data directory cannot be read. */
  databaseUnreadable: (where: string) =>
    err(
      CimStatus.FAILED,
      WIN32.INVALID_DATA,
      ErrorCategory.InvalidData,
      `${where} cannot be read: its file in the emulator's data directory is damaged. Reset the SQL Server through the admin API, or choose another database.`,
      'DatabaseName',
    ),

  notAnIpamDatabase: (where: string) =>
    err(
      CimStatus.FAILED,
      WIN32.INVALID_DATA,
      ErrorCategory.InvalidData,
      `${where} holds a file that is not an IPAM database. Remove it or choose another WidSchemaPath.`,
      'WidSchemaPath',
    ),

  alreadyProvisionedOtherDatabase: (fqdn: string, current: string, requested: string) =>
    err(
      CimStatus.FAILED,
      WIN32.INVALID_OPERATION,
      ErrorCategory.InvalidOperation,
      `IPAM on ${fqdn} is already provisioned, using ${current}. Provisioning cannot change the database (${requested} was asked for): use Move-IpamDatabase to move the IPAM data to another database.`,
      fqdn,
    ),

  alreadyProvisionedOtherMethod: (fqdn: string) =>
    err(
      CimStatus.FAILED,
      WIN32.INVALID_OPERATION,
      ErrorCategory.InvalidOperation,
      `IPAM on ${fqdn} is already provisioned with another provisioning method or GPO prefix. Use Set-IpamConfiguration -ProvisioningMethod to change it.`,
      fqdn,
    ),

  notProvisioned: (fqdn: string) =>
    err(CimStatus.FAILED, WIN32.INVALID_OPERATION, ErrorCategory.InvalidOperation, `IPAM on ${fqdn} is not provisioned. Run Invoke-IpamServerProvisioning first.`, fqdn),

  noUpdateAvailable: (fqdn: string, version: string) =>
    err(
      CimStatus.FAILED,
      WIN32.INVALID_OPERATION,
      ErrorCategory.InvalidOperation,
      `No update is available for IPAM on ${fqdn}: its database schema is already at version ${version}.`,
      fqdn,
    ),

  cancelled: (fqdn: string) =>
    err(CimStatus.FAILED, WIN32.OPERATION_ABORTED, ErrorCategory.OperationStopped, `The IPAM provisioning of ${fqdn} was cancelled; every step done was undone.`, fqdn),

  sandbox: (parameter: string, message: string) =>
    err(CimStatus.INVALID_PARAMETER, 87, ErrorCategory.InvalidArgument, message, parameter),

  internal: (fqdn: string, step: string) =>
    err(
      CimStatus.FAILED,
      WIN32.INTERNAL_ERROR,
      ErrorCategory.NotSpecified,
      `Provisioning IPAM on ${fqdn} failed during "${step}" because of an internal error of the emulator; every step done was undone. The emulator's log has the details.`,
      fqdn,
    ),
};
