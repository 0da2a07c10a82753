/**
 * CIM errors as a provider raises them. On the wire each becomes a SOAP fault
 * whose detail is an MSFT_WmiError instance; PowerShell builds its ErrorRecord
 * from it: Message, MessageID as the error id, error_Category as the category,
 * PerceivedSeverity 7 terminating (reference/powershell-cim-client.md §1).
 */

/** CIM status codes (DSP0200 §2.4 / DSP0223; MI_Result has the same numbers). */
export enum CimStatus {
  FAILED = 1,
  ACCESS_DENIED = 2,
  INVALID_NAMESPACE = 3,
  INVALID_PARAMETER = 4,
  INVALID_CLASS = 5,
  NOT_FOUND = 6,
  NOT_SUPPORTED = 7,
  CLASS_HAS_CHILDREN = 8,
  CLASS_HAS_INSTANCES = 9,
  INVALID_SUPERCLASS = 10,
  ALREADY_EXISTS = 11,
  NO_SUCH_PROPERTY = 12,
  TYPE_MISMATCH = 13,
  QUERY_LANGUAGE_NOT_SUPPORTED = 14,
  INVALID_QUERY = 15,
  METHOD_NOT_AVAILABLE = 16,
  METHOD_NOT_FOUND = 17,
  NAMESPACE_NOT_EMPTY = 20,
  INVALID_ENUMERATION_CONTEXT = 21,
  INVALID_OPERATION_TIMEOUT = 22,
  PULL_HAS_BEEN_ABANDONED = 23,
  PULL_CANNOT_BE_ABANDONED = 24,
  FILTERED_ENUMERATION_NOT_SUPPORTED = 25,
  CONTINUATION_ON_ERROR_NOT_SUPPORTED = 26,
  SERVER_LIMITS_EXCEEDED = 27,
  SERVER_IS_SHUTTING_DOWN = 28,
}

/**
 * MI_ErrorCategory, numerically identical to PowerShell's ErrorCategory enum
 * (System.Management.Automation.ErrorCategory), which is what error_Category carries.
 */
export enum ErrorCategory {
  NotSpecified = 0,
  OpenError = 1,
  CloseError = 2,
  DeviceError = 3,
  DeadlockDetected = 4,
  InvalidArgument = 5,
  InvalidData = 6,
  InvalidOperation = 7,
  InvalidResult = 8,
  InvalidType = 9,
  MetadataError = 10,
  NotImplemented = 11,
  NotInstalled = 12,
  ObjectNotFound = 13,
  OperationStopped = 14,
  OperationTimeout = 15,
  SyntaxError = 16,
  ParserError = 17,
  PermissionDenied = 18,
  ResourceBusy = 19,
  ResourceExists = 20,
  ResourceUnavailable = 21,
  ReadError = 22,
  WriteError = 23,
  FromStdErr = 24,
  SecurityError = 25,
  ProtocolError = 26,
  ConnectionError = 27,
  AuthenticationError = 28,
  LimitsExceeded = 29,
  QuotaExceeded = 30,
  NotEnabled = 31,
}

/** CIM_Error.PerceivedSeverity values used here (DSP1054 / CIM_Error ValueMap). */
export enum PerceivedSeverity {
  Unknown = 0,
  Information = 2,
  Degraded = 3,
  Minor = 4,
  Major = 5,
  Critical = 6,
  /** "Fatal/NonRecoverable": PowerShell makes the error terminating. */
  Fatal = 7,
}

/** How error_Code is to be read, as MI_Context_PostError's resultType names it. */
export type ErrorCodeType = 'MI' | 'HRESULT' | 'Win32';

export interface CimErrorInit {
  status: CimStatus;
  message: string;
  /** MSFT_WmiError.MessageID; PowerShell uses it as the FullyQualifiedErrorId. */
  messageId?: string;
  category?: ErrorCategory;
  errorCode?: number;
  errorType?: ErrorCodeType;
  /** CIM_Error.ErrorSource: the object the error is about (PowerShell's TargetName). */
  errorSource?: string;
  perceivedSeverity?: PerceivedSeverity;
  windowsErrorMessage?: string;
}

const DEFAULT_CATEGORY: Partial<Record<CimStatus, ErrorCategory>> = {
  [CimStatus.ACCESS_DENIED]: ErrorCategory.PermissionDenied,
  [CimStatus.INVALID_NAMESPACE]: ErrorCategory.MetadataError,
  [CimStatus.INVALID_PARAMETER]: ErrorCategory.InvalidArgument,
  [CimStatus.INVALID_CLASS]: ErrorCategory.MetadataError,
  [CimStatus.NOT_FOUND]: ErrorCategory.ObjectNotFound,
  [CimStatus.NOT_SUPPORTED]: ErrorCategory.NotImplemented,
  [CimStatus.ALREADY_EXISTS]: ErrorCategory.ResourceExists,
  [CimStatus.NO_SUCH_PROPERTY]: ErrorCategory.MetadataError,
  [CimStatus.TYPE_MISMATCH]: ErrorCategory.InvalidType,
  [CimStatus.QUERY_LANGUAGE_NOT_SUPPORTED]: ErrorCategory.NotImplemented,
  [CimStatus.INVALID_QUERY]: ErrorCategory.InvalidArgument,
  [CimStatus.METHOD_NOT_AVAILABLE]: ErrorCategory.MetadataError,
  [CimStatus.METHOD_NOT_FOUND]: ErrorCategory.MetadataError,
  [CimStatus.INVALID_ENUMERATION_CONTEXT]: ErrorCategory.InvalidArgument,
  [CimStatus.INVALID_OPERATION_TIMEOUT]: ErrorCategory.InvalidArgument,
  [CimStatus.SERVER_LIMITS_EXCEEDED]: ErrorCategory.LimitsExceeded,
  [CimStatus.SERVER_IS_SHUTTING_DOWN]: ErrorCategory.ResourceUnavailable,
};

export class CimError extends Error {
  readonly status: CimStatus;
  readonly messageId: string;
  readonly category: ErrorCategory;
  readonly errorCode: number;
  readonly errorType: ErrorCodeType;
  readonly errorSource: string | undefined;
  readonly perceivedSeverity: PerceivedSeverity;
  readonly windowsErrorMessage: string | undefined;

  constructor(init: CimErrorInit) {
    super(init.message);
    this.name = 'CimError';
    this.status = init.status;
    this.errorType = init.errorType ?? 'MI';
    this.errorCode = init.errorCode ?? init.status;
    this.messageId = init.messageId ?? defaultMessageId(this.errorType, this.errorCode);
    this.category = init.category ?? DEFAULT_CATEGORY[init.status] ?? ErrorCategory.NotSpecified;
    this.errorSource = init.errorSource;
    this.perceivedSeverity = init.perceivedSeverity ?? PerceivedSeverity.Unknown;
    this.windowsErrorMessage = init.windowsErrorMessage;
  }
}

/** The MessageID shape Windows uses: `HRESULT 0x80041001`, `WIN32 8`, `MI RESULT 6`. */
function defaultMessageId(type: ErrorCodeType, code: number): string {
  switch (type) {
    case 'HRESULT':
      return `HRESULT 0x${(code >>> 0).toString(16).padStart(8, '0')}`;
    case 'Win32':
      return `WIN32 ${code}`;
    default:
      return `MI RESULT ${code}`;
  }
}

export function cimErrorNotFound(message: string, errorSource?: string): CimError {
  return new CimError({ status: CimStatus.NOT_FOUND, message, errorSource });
}

export function cimErrorInvalidParameter(message: string, errorSource?: string): CimError {
  return new CimError({ status: CimStatus.INVALID_PARAMETER, message, errorSource });
}
