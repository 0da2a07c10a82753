/**
 * The faults of the WinRS shell plugin, with Windows' codes and texts
 * (reference/winrs-shell.md §1.8; recorded replies of Server 2008 R2/2016 in
 * pypsrp's test data, and WinRM's error table for the quota texts).
 */
import { CimError, CimStatus, ErrorCategory } from '../cim/errors';
import { WsmanFault } from '../wsman/faults';

/** ERROR_WSMAN_QUOTA_MAX_SHELLS_PPQ and _MAX_OPERATIONS (winerror.h). */
export const CODE_MAX_SHELLS = 0x803381a5;
export const CODE_MAX_OPERATIONS = 0x803381a6;

export function shellNotFound(shellId: string): WsmanFault {
  return new WsmanFault('InvalidSelectors', {
    detail: 'UnexpectedSelectors',
    message:
      `The request for the Windows Remote Shell with ShellId ${shellId} failed because the shell was not found on the server. ` +
      'Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. ' +
      'Provide the correct ShellId or create a new shell and retry the operation. ',
  });
}

export function commandNotFound(): WsmanFault {
  return new WsmanFault('InvalidSelectors', {
    detail: 'UnexpectedSelectors',
    message:
      'The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist. ' +
      'Either the command has completed execution or the client specified an invalid command identifier. ',
  });
}

/** The quota faults carry an MSFT_WmiError (CIM status 27, HRESULT MessageID, category QuotaExceeded), as Windows sends them. */
function quota(code: number, message: string): CimError {
  return new CimError({ status: CimStatus.SERVER_LIMITS_EXCEEDED, message, errorType: 'HRESULT', errorCode: code, category: ErrorCategory.QuotaExceeded });
}

export function tooManyShells(max: number): CimError {
  return quota(
    CODE_MAX_SHELLS,
    `The WS-Management service cannot process the request. This user is allowed a maximum number of ${max} concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user. `,
  );
}

export function tooManyOperations(max: number): CimError {
  return quota(
    CODE_MAX_OPERATIONS,
    `The WS-Management service cannot process the request. This user is allowed a maximum number of ${max} concurrent operations, which has been exceeded. Close existing operations for this user, or raise the quota for this user. `,
  );
}

/** What the shell plugin answered for a Receive without CommandId (ERROR_INVALID_PARAMETER). */
export function parameterIncorrect(extra?: string): WsmanFault {
  return new WsmanFault('InvalidParameter', { winrmCode: 87, message: extra ? `The parameter is incorrect. ${extra}` : 'The parameter is incorrect. ' });
}
