/**
 * The CIM door's edge for the provisioning engine's errors: each domain error
 * becomes the CIM error a real IPAM provider raises (a `WIN32 <code>` MessageID,
 * the Win32 code as error_Code, the category as error_Category, the parameter
 * at fault as ErrorSource), which the wsman layer renders as MSFT_WmiError.
 */
import { CimError, CimStatus, ErrorCategory } from '../cim/errors';
import { ProvisioningError, type ProvisioningErrorKind } from '../provisioning/errors';

const STATUS: Record<ProvisioningErrorKind, CimStatus> = {
  Failed: CimStatus.FAILED,
  AccessDenied: CimStatus.ACCESS_DENIED,
  NotFound: CimStatus.NOT_FOUND,
  AlreadyExists: CimStatus.ALREADY_EXISTS,
  InvalidParameter: CimStatus.INVALID_PARAMETER,
};

export function toCimError(e: ProvisioningError): CimError {
  if (e.injected) return new CimError({ status: e.injected.cimStatus as CimStatus, message: e.message, messageId: e.injected.messageId });
  return new CimError({
    status: STATUS[e.kind],
    message: e.message,
    errorType: 'Win32',
    errorCode: e.win32Code,
    category: ErrorCategory[e.category],
    errorSource: e.target,
  });
}

/** Runs provider work that reaches the engine, turning its domain errors into CIM errors. */
export async function asCim<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw e instanceof ProvisioningError ? toCimError(e) : e;
  }
}
