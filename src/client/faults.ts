/**
 * Reading SOAP faults (SOAP 1.2 Part 1 §5.4; MS-WSMV 2.2.4.43 WSManFault;
 * wsman-wire.md §5): a pure codec from a parsed reply envelope to a
 * WsmanFaultError that carries every field the server sent: code, subcode,
 * reason, fault detail URI, the WSManFault code, and the CIM error
 * (MSFT_WmiError) that PowerShell turns into a CimException.
 */
import { attr, child, elements, hasElementChildren, resolveQNameValue, textOf, type XmlElement } from '../xml/parse';
import { NS } from '../wsman/namespaces';
import { readInstance, type CimInstanceRecord } from './envelope';

/** The CIM error a fault's Detail carries (MSFT_WmiError on Windows, OMI_Error on OMI). */
export interface CimErrorDetail {
  readonly className: string;
  readonly message: string | null;
  readonly messageId: string | null;
  readonly cimStatusCode: number | null;
  /** PowerShell's ErrorCategory number (error_Category). */
  readonly errorCategory: number | null;
  /** The parameter or object at fault. */
  readonly errorSource: string | null;
  /** 7 = Fatal: PowerShell makes such an error terminating. */
  readonly perceivedSeverity: number | null;
  /** Every property by local name (null for xsi:nil). */
  readonly properties: Readonly<CimInstanceRecord>;
}

export interface WsmanFaultDetail {
  /** SOAP code local name: Sender, Receiver, MustUnderstand, VersionMismatch. */
  readonly code: string;
  /** Subcode as namespace URI and local name (never trust the prefix). */
  readonly subcode: { readonly ns: string; readonly local: string } | null;
  readonly reason: string;
  /** w:FaultDetail URI, e.g. …/faultDetail/InvalidValue. */
  readonly faultDetail: string | null;
  /** f:WSManFault/@Code, a Win32 or WinRM error number. */
  readonly wsmanCode: number | null;
  readonly wsmanMessage: string | null;
  readonly machine: string | null;
  readonly cimError: CimErrorDetail | null;
}

/** Conventional prefixes for the subcode namespaces, to print `w:InvalidParameter` as Windows does. */
const SUBCODE_PREFIX: Readonly<Record<string, string>> = {
  [NS.wsman]: 'w',
  [NS.addressing]: 'a',
  [NS.enumeration]: 'n',
  [NS.transfer]: 'x',
  [NS.soap]: 's',
  [NS.wsmv]: 'p',
  [NS.eventing]: 'e',
};

export class WsmanFaultError extends Error implements WsmanFaultDetail {
  override readonly name = 'WsmanFaultError';
  readonly code: string;
  readonly subcode: { readonly ns: string; readonly local: string } | null;
  readonly reason: string;
  readonly faultDetail: string | null;
  readonly wsmanCode: number | null;
  readonly wsmanMessage: string | null;
  readonly machine: string | null;
  readonly cimError: CimErrorDetail | null;

  constructor(
    detail: WsmanFaultDetail,
    readonly httpStatus: number,
  ) {
    // What PowerShell shows: the CIM error's Message, else WSManFault's, else the reason.
    super((detail.cimError?.message ?? detail.wsmanMessage ?? detail.reason).trim() || 'SOAP fault without a reason');
    this.code = detail.code;
    this.subcode = detail.subcode;
    this.reason = detail.reason;
    this.faultDetail = detail.faultDetail;
    this.wsmanCode = detail.wsmanCode;
    this.wsmanMessage = detail.wsmanMessage;
    this.machine = detail.machine;
    this.cimError = detail.cimError;
  }

  /** The subcode as Windows writes it, e.g. `w:InvalidParameter` (the URI when the namespace is unusual). */
  get subcodeName(): string | null {
    if (!this.subcode) return null;
    const prefix = SUBCODE_PREFIX[this.subcode.ns];
    return prefix ? `${prefix}:${this.subcode.local}` : `{${this.subcode.ns}}${this.subcode.local}`;
  }
}

/** The fault in a reply envelope, or undefined when its Body holds none. */
export function parseFault(envelope: XmlElement, httpStatus: number): WsmanFaultError | undefined {
  const body = child(envelope, NS.soap, 'Body');
  const fault = body ? child(body, NS.soap, 'Fault') : undefined;
  if (!fault) return undefined;
  const codeEl = child(fault, NS.soap, 'Code');
  const codeValue = codeEl ? child(codeEl, NS.soap, 'Value') : undefined;
  const subEl = codeEl ? child(codeEl, NS.soap, 'Subcode') : undefined;
  const subValue = subEl ? child(subEl, NS.soap, 'Value') : undefined;
  const reasonEl = child(fault, NS.soap, 'Reason');
  const reasonText = reasonEl ? child(reasonEl, NS.soap, 'Text') : undefined;
  const detail = child(fault, NS.soap, 'Detail');
  const wsmanFault = detail ? child(detail, NS.wsmanFault, 'WSManFault') : undefined;
  const wsmanMessage = wsmanFault ? child(wsmanFault, NS.wsmanFault, 'Message') : undefined;
  const faultDetail = detail ? child(detail, NS.wsman, 'FaultDetail') : undefined;
  const cimEl = detail ? elements(detail).find(isCimError) : undefined;
  const wsmanCode = wsmanFault ? Number(attr(wsmanFault, '', 'Code')) : NaN;
  return new WsmanFaultError(
    {
      code: codeValue ? qnameLocal(textOf(codeValue)) : 'Receiver',
      subcode: subValue ? resolveQName(subValue) : null,
      reason: reasonText ? textOf(reasonText).trim() : '',
      faultDetail: faultDetail ? textOf(faultDetail).trim() : null,
      wsmanCode: Number.isFinite(wsmanCode) ? wsmanCode : null,
      // f:Message may wrap a ProviderFault with a nested WSManFault: its text is all of it.
      wsmanMessage: wsmanMessage ? deepText(wsmanMessage).trim() || null : null,
      machine: wsmanFault ? (attr(wsmanFault, '', 'Machine') ?? null) : null,
      cimError: cimEl ? readCimError(cimEl) : null,
    },
    httpStatus,
  );
}

function isCimError(el: XmlElement): boolean {
  const flag = attr(el, NS.cimbinding, 'IsCIM_Error');
  return flag === 'true' || el.local === 'MSFT_WmiError' || el.local === 'OMI_Error' || el.local === 'CIM_Error';
}

function readCimError(el: XmlElement): CimErrorDetail {
  return cimErrorFromProperties(el.local, readInstance(el));
}

/** A CIM error from its properties, e.g. the Error out parameter of CIM_ConcreteJob.GetError. */
export function cimErrorFromProperties(className: string, properties: CimInstanceRecord): CimErrorDetail {
  const str = (name: string): string | null => {
    const v = properties[name];
    return v === undefined || v === null ? null : Array.isArray(v) ? v.join(' ') : v;
  };
  const num = (name: string): number | null => {
    const v = str(name);
    return v === null || v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v);
  };
  return {
    className,
    message: str('Message'),
    messageId: str('MessageID'),
    cimStatusCode: num('CIMStatusCode'),
    errorCategory: num('error_Category'),
    errorSource: str('ErrorSource'),
    perceivedSeverity: num('PerceivedSeverity'),
    properties,
  };
}

function deepText(el: XmlElement): string {
  if (!hasElementChildren(el)) return textOf(el);
  return el.children.map((c) => (typeof c === 'string' ? c : deepText(c))).join('');
}

function qnameLocal(qname: string): string {
  const t = qname.trim();
  return t.slice(t.indexOf(':') + 1);
}

/** A QName in an element's text (a fault's subcode value), resolved against the element's scope. */
function resolveQName(el: XmlElement): { ns: string; local: string } {
  const q = resolveQNameValue(el, textOf(el));
  return { ns: q.ns ?? '', local: q.local };
}
