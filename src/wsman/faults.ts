/**
 * The one table of WS-Management faults this endpoint sends, and the typed
 * WsmanFault that carries one from wherever it is raised to the envelope writer.
 *
 * Sources: MS-WSMV 3.1.4.x (when each fault is sent), DSP0226 Annex B and
 * MS-WSMV 2.2.4.43 (shape), winerror.h ERROR_WSMAN_* values as confirmed in
 * docs/research/wsman-facts.md and reference/wsman-wire.md §5. Every fault goes
 * out as HTTP 500 (what Windows does and what omicli requires) unless noted.
 */
import { CimStatus, type CimError } from '../cim/errors';
import { ACTION, FAULT_DETAIL, NS } from './namespaces';

export interface FaultSpec {
  /** The subcode QName: the namespace, the prefix we write, the local name. */
  readonly subcode: { readonly ns: string; readonly prefix: string; readonly local: string };
  /** SOAP 1.2 s:Code value. */
  readonly code: 'Sender' | 'Receiver' | 'MustUnderstand' | 'VersionMismatch';
  readonly action: string;
  /** WinRM error code (f:WSManFault/@Code), when Windows sends one. */
  readonly winrmCode?: number;
  /** Windows' reason text (s:Reason and f:Message). */
  readonly reason: string;
  readonly httpStatus: number;
}

const w = (local: string) => ({ ns: NS.wsman, prefix: 'w', local });
const a = (local: string) => ({ ns: NS.addressing, prefix: 'a', local });
const n = (local: string) => ({ ns: NS.enumeration, prefix: 'n', local });
const s = (local: string) => ({ ns: NS.soap, prefix: 's', local });
const wsse = (local: string) => ({ ns: NS.wsse, prefix: 'wsse', local });

/**
 * The faults of OASIS WSS 1.1 SOAP Message Security §12 (a Sender fault with a
 * wsse: subcode and the spec's reason). WinRM has no WS-Security; these are the
 * emulator's, sent with the WS-Addressing fault action and no WinRM code.
 */
const wssFault = (local: string, reason: string) =>
  ({ subcode: wsse(local), code: 'Sender', action: ACTION.addressingFault, reason, httpStatus: 500 }) as const;

/** ERROR_WSMAN_* codes are 0x80338000 + n (winerror.h). */
const WSMAN = (offset: number): number => 0x80338000 + offset;

export const FAULTS = {
  WssUnsupportedSecurityToken: wssFault('UnsupportedSecurityToken', 'An unsupported token was provided.'),
  WssUnsupportedAlgorithm: wssFault('UnsupportedAlgorithm', 'An unsupported signature or encryption algorithm was used.'),
  WssInvalidSecurity: wssFault('InvalidSecurity', 'An error was discovered processing the <wsse:Security> header.'),
  WssInvalidSecurityToken: wssFault('InvalidSecurityToken', 'An invalid security token was provided.'),
  WssFailedAuthentication: wssFault('FailedAuthentication', 'The security token could not be authenticated or authorized.'),
  WssFailedCheck: wssFault('FailedCheck', 'The signature or decryption was invalid.'),
  WssSecurityTokenUnavailable: wssFault('SecurityTokenUnavailable', 'Referenced security token could not be retrieved.'),
  WssMessageExpired: wssFault('MessageExpired', 'The message has expired.'),
  AccessDenied: {
    subcode: w('AccessDenied'),
    code: 'Sender',
    action: ACTION.wsmanFault,
    winrmCode: 5,
    reason: 'Access is denied.',
    httpStatus: 500,
  },
  ActionNotSupported: {
    subcode: a('ActionNotSupported'),
    code: 'Sender',
    action: ACTION.addressingFault,
    winrmCode: WSMAN(0x13),
    reason: 'The WS-Management service cannot process the request because the action is not supported by the resource.',
    httpStatus: 500,
  },
  CannotProcessFilter: {
    // Windows answers WQL errors with the enumeration-namespace form (real 2008 R2 fault, Ruby WinRM).
    subcode: n('CannotProcessFilter'),
    code: 'Sender',
    action: ACTION.enumerationFault,
    winrmCode: WSMAN(0x1a),
    reason: 'The data source could not process the filter. The filter might be missing or it might be invalid. Change the filter and try the request again.',
    httpStatus: 500,
  },
  DestinationUnreachable: {
    subcode: a('DestinationUnreachable'),
    code: 'Sender',
    action: ACTION.addressingFault,
    winrmCode: WSMAN(0x00),
    reason:
      'The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors.',
    httpStatus: 500,
  },
  EncodingLimit: {
    subcode: w('EncodingLimit'),
    code: 'Sender',
    action: ACTION.wsmanFault,
    winrmCode: WSMAN(0x35),
    reason: 'The WS-Management service cannot process the request because an encoding limit was exceeded.',
    httpStatus: 500,
  },
  FilterDialectRequestedUnavailable: {
    subcode: n('FilterDialectRequestedUnavailable'),
    code: 'Sender',
    action: ACTION.enumerationFault,
    winrmCode: WSMAN(0x19),
    reason: 'The WS-Management service cannot process the request because the filter dialect is not supported.',
    httpStatus: 500,
  },
  FilteringNotSupported: {
    subcode: n('FilteringNotSupported'),
    code: 'Sender',
    action: ACTION.enumerationFault,
    winrmCode: WSMAN(0x18),
    reason: 'The WS-Management service cannot process the request because filtering is not supported for this resource.',
    httpStatus: 500,
  },
  InternalError: {
    subcode: w('InternalError'),
    code: 'Receiver',
    action: ACTION.wsmanFault,
    // ERROR_INTERNAL_ERROR: the fallback Windows uses for unmapped failures.
    winrmCode: 1359,
    reason: 'The WS-Management service cannot process the request because of an internal error.',
    httpStatus: 500,
  },
  InvalidEnumerationContext: {
    subcode: n('InvalidEnumerationContext'),
    code: 'Receiver',
    action: ACTION.enumerationFault,
    winrmCode: WSMAN(0x1b),
    reason:
      'The WS-Enumeration context in the enumeration is not valid. Enumeration may have been completed or canceled. You cannot use this enumeration context anymore. Start a new enumeration.',
    httpStatus: 500,
  },
  InvalidMessageInformationHeader: {
    subcode: a('InvalidMessageInformationHeader'),
    code: 'Sender',
    action: ACTION.addressingFault,
    winrmCode: WSMAN(0x0f),
    reason: 'The WS-Management service cannot process the request because a header in the request is not valid.',
    httpStatus: 500,
  },
  InvalidParameter: {
    subcode: w('InvalidParameter'),
    code: 'Sender',
    action: ACTION.wsmanFault,
    winrmCode: WSMAN(0x3a),
    reason: 'The parameter is incorrect.',
    httpStatus: 500,
  },
  InvalidSelectors: {
    subcode: w('InvalidSelectors'),
    code: 'Sender',
    action: ACTION.wsmanFault,
    winrmCode: WSMAN(0x3d),
    reason: 'The WS-Management service cannot process the request because the selectors for the resource are not valid.',
    httpStatus: 500,
  },
  MessageInformationHeaderRequired: {
    subcode: a('MessageInformationHeaderRequired'),
    code: 'Sender',
    action: ACTION.addressingFault,
    winrmCode: WSMAN(0x11),
    reason: 'The WS-Management service cannot process the request because a required header is missing.',
    httpStatus: 500,
  },
  MustUnderstand: {
    // A real Windows fault has s:MustUnderstand as the code, no subcode and no detail.
    subcode: s('MustUnderstand'),
    code: 'MustUnderstand',
    action: ACTION.addressingFault,
    reason:
      'The WS-Management service cannot process a SOAP header in the request that is marked as mustUnderstand by the client.  This could be caused by the use of a version of the protocol which is not supported, or may be an incompatibility  between the client and server implementations.',
    httpStatus: 500,
  },
  QuotaLimit: {
    subcode: w('QuotaLimit'),
    code: 'Sender',
    action: ACTION.wsmanFault,
    winrmCode: WSMAN(0x3f),
    reason: 'The WS-Management service is busy servicing other requests. Retry later.',
    httpStatus: 500,
  },
  SchemaValidationError: {
    subcode: w('SchemaValidationError'),
    code: 'Sender',
    action: ACTION.wsmanFault,
    winrmCode: WSMAN(0x41),
    reason: 'The WS-Management service cannot process the request because the XML is invalid.',
    httpStatus: 500,
  },
  TimedOut: {
    subcode: w('TimedOut'),
    code: 'Receiver',
    action: ACTION.wsmanFault,
    winrmCode: WSMAN(0x29),
    reason: 'The WS-Management service cannot complete the operation within the time specified in OperationTimeout.',
    httpStatus: 500,
  },
  UnsupportedFeature: {
    subcode: w('UnsupportedFeature'),
    code: 'Sender',
    action: ACTION.wsmanFault,
    winrmCode: WSMAN(0x42),
    reason: 'The WS-Management service does not support the requested feature.',
    httpStatus: 500,
  },
  VersionMismatch: {
    subcode: s('VersionMismatch'),
    code: 'VersionMismatch',
    action: ACTION.addressingFault,
    winrmCode: WSMAN(0x0d),
    reason: 'The WS-Management service cannot process the request because the SOAP version is not supported.',
    httpStatus: 500,
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultName = keyof typeof FAULTS;

/**
 * WinRM codes that depend on the fault detail (wsmerror.h via the WinRM fault
 * table ported in OMI's wsmanerrorhandling.c; docs/research/wsman-facts.md §1–§6).
 */
const DETAIL_CODES: Readonly<Record<string, number>> = {
  'InvalidSelectors/InsufficientSelectors': WSMAN(0x5a),
  'InvalidSelectors/UnexpectedSelectors': WSMAN(0x5b),
  'InvalidSelectors/TypeMismatch': WSMAN(0x5c),
  'InvalidSelectors/InvalidValue': WSMAN(0x5d),
  'InvalidSelectors/AmbiguousSelectors': WSMAN(0x5e),
  'InvalidSelectors/DuplicateSelectors': WSMAN(0x5f),
  'EncodingLimit/MinimumEnvelopeLimit': WSMAN(0x7e),
  'EncodingLimit/MaxEnvelopeSizeExceeded': WSMAN(0x48),
  'EncodingLimit/ServiceEnvelopeLimit': WSMAN(0x49),
  'EncodingLimit/CharacterSet': WSMAN(0x4c),
  'UnsupportedFeature/Locale': WSMAN(0x87),
  'UnsupportedFeature/DataLocale': WSMAN(0x87),
  'UnsupportedFeature/AddressingMode': WSMAN(0x76),
  'UnsupportedFeature/EnumerationMode': WSMAN(0x86),
  'InvalidMessageInformationHeader/InvalidTimeout': WSMAN(0x81),
  'ActionNotSupported/ActionMismatch': WSMAN(0x31),
  'InvalidParameter/TypeMismatch': WSMAN(0x54),
  'InvalidParameter/InvalidName': WSMAN(0x55),
  'InvalidParameter/InvalidValue': 87,
};

/** Actions that depend on the fault detail (WinRM's table: an invalid timeout is a WS-Man fault). */
const DETAIL_ACTIONS: Readonly<Record<string, string>> = {
  'InvalidMessageInformationHeader/InvalidTimeout': ACTION.wsmanFault,
};

/** A ResourceURI no plugin serves ("not found in the WS-Management catalog"). */
export const CODE_UNKNOWN_RESOURCE_URI = WSMAN(0x3b);
/** ERROR_WSMAN_DIFFERENT_CIM_SELECTOR (MS-WSMV <46>). */
export const CODE_DIFFERENT_CIM_SELECTOR = WSMAN(0x13b);

export interface FaultOptions {
  /** A faultDetail name (e.g. 'InvalidValue') or a full detail URI. */
  detail?: string;
  /** Text that replaces Windows' reason in s:Reason and f:Message. */
  message?: string;
  /** A sentence naming the specific problem, appended to Windows' reason text. */
  extra?: string;
  /** Overrides the table's WinRM code (e.g. an HRESULT from a provider). */
  winrmCode?: number;
  /** For s:MustUnderstand: the header that was not understood (SOAP 1.2 §5.4.8). */
  notUnderstood?: { ns: string; local: string; prefix: string };
  /** A CIM error carried as MSFT_WmiError in the detail. */
  cimError?: CimError;
  /** HTTP status other than the table's (e.g. 413 for an oversized request). */
  httpStatus?: number;
}

export class WsmanFault extends Error {
  readonly spec: FaultSpec;
  /** The fault's Action: the table's, or the one its detail calls for. */
  readonly action: string;
  readonly detailUri: string | undefined;
  readonly winrmCode: number | undefined;
  readonly httpStatus: number;

  constructor(
    readonly fault: FaultName,
    readonly options: FaultOptions = {},
  ) {
    const spec: FaultSpec = FAULTS[fault];
    super(options.message ?? (options.extra ? `${spec.reason} ${options.extra}` : spec.reason));
    this.name = 'WsmanFault';
    this.spec = spec;
    const d = options.detail;
    this.detailUri = d === undefined ? undefined : d.includes('://') ? d : FAULT_DETAIL + d;
    this.winrmCode = options.winrmCode ?? (d !== undefined ? DETAIL_CODES[`${fault}/${d}`] : undefined) ?? spec.winrmCode;
    this.action = (d !== undefined ? DETAIL_ACTIONS[`${fault}/${d}`] : undefined) ?? spec.action;
    this.httpStatus = options.httpStatus ?? spec.httpStatus;
  }

  /**
   * A provider's CIM error: the fault carries MSFT_WmiError in its detail (a real
   * Windows reply pairs it with w:InternalError; Ruby WinRM wmi_error_v2). The
   * subcode follows the CIM status as WinRM's table ported in OMI (s_cimerrors)
   * does, with w:InvalidParameter for invalid parameters as Windows sends it.
   */
  static fromCimError(err: CimError): WsmanFault {
    const opts = { message: err.message, cimError: err };
    switch (err.status) {
      case CimStatus.ACCESS_DENIED:
        return new WsmanFault('AccessDenied', opts);
      case CimStatus.INVALID_NAMESPACE:
      case CimStatus.INVALID_CLASS:
      case CimStatus.NOT_FOUND:
        // What WinRM sends when WMI reports "not found" (docs/research/wsman-facts.md §3).
        return new WsmanFault('DestinationUnreachable', { ...opts, detail: 'InvalidResourceURI' });
      case CimStatus.INVALID_PARAMETER:
        return new WsmanFault('InvalidParameter', { ...opts, detail: 'InvalidValue' });
      case CimStatus.NOT_SUPPORTED:
        return new WsmanFault('UnsupportedFeature', opts);
      default:
        return new WsmanFault('InternalError', opts);
    }
  }
}
