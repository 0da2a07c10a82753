/**
 * The fault table (acceptance item). Expected values are written from
 * docs/research/wsman-facts.md §1–§6 and reference/wsman-wire.md §5, not copied
 * from src/wsman/faults.ts: each fault is written as a client would receive it
 * and its subcode QName is resolved against the reply's own namespace scope.
 */
import { CimError, CimStatus } from '../../../src/cim/errors';
import { FAULTS, WsmanFault, type FaultName } from '../../../src/wsman/faults';
import { writeFault } from '../../../src/wsman/reply';
import { attr, child, parseXml, resolveQNameValue, textOf, type XmlElement } from '../../../src/xml/parse';

const SOAP = 'http://www.w3.org/2003/05/soap-envelope';
const ADDRESSING = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const WSMAN = 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd';
const ENUMERATION = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration';
const WSMAN_FAULT_NS = 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault';
const FD = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';

const ACTION_ADDR = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault';
const ACTION_WSMAN = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault';
const ACTION_ENUM = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault';

/** What a client reads off the wire for one fault. */
interface WireFault {
  action: string | undefined;
  code: { ns: string | undefined; local: string };
  subcode: { ns: string | undefined; local: string } | undefined;
  reason: string;
  winrmCode: number | undefined;
  faultDetail: string | undefined;
}

function el(parent: XmlElement, ns: string, local: string): XmlElement {
  const c = child(parent, ns, local);
  if (!c) throw new Error(`no ${local} under ${parent.local}`);
  return c;
}

function onTheWire(fault: WsmanFault): WireFault {
  const env = parseXml(writeFault(fault, { relatesTo: 'uuid:REQ', lang: 'en-US', machine: 'ipam1.contoso.com' }, () => undefined));
  const header = el(env, SOAP, 'Header');
  const soapFault = el(el(env, SOAP, 'Body'), SOAP, 'Fault');
  const code = el(soapFault, SOAP, 'Code');
  const codeValue = el(code, SOAP, 'Value');
  const sub = child(code, SOAP, 'Subcode');
  const subValue = sub ? el(sub, SOAP, 'Value') : undefined;
  const detail = child(soapFault, SOAP, 'Detail');
  const wsmanFault = detail ? child(detail, WSMAN_FAULT_NS, 'WSManFault') : undefined;
  const codeAttr = wsmanFault ? attr(wsmanFault, '', 'Code') : undefined;
  const fd = detail ? child(detail, WSMAN, 'FaultDetail') : undefined;
  const qn = (v: XmlElement): { ns: string | undefined; local: string } => {
    const r = resolveQNameValue(v, textOf(v));
    return { ns: r.ns, local: r.local };
  };
  return {
    action: textOf(el(header, ADDRESSING, 'Action')),
    code: qn(codeValue),
    subcode: subValue ? qn(subValue) : undefined,
    reason: textOf(el(el(soapFault, SOAP, 'Reason'), SOAP, 'Text')),
    winrmCode: codeAttr === undefined ? undefined : Number(codeAttr),
    faultDetail: fd ? textOf(fd) : undefined,
  };
}

type Row = [name: FaultName, subNs: string, subLocal: string, code: string, action: string, winrmCode: number | undefined];

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

/** wsman-facts.md §1, §5, §6 (codes in decimal as f:WSManFault/@Code carries them). */
const TABLE: Row[] = [
  ['AccessDenied', WSMAN, 'AccessDenied', 'Sender', ACTION_WSMAN, 5],
  ['ActionNotSupported', ADDRESSING, 'ActionNotSupported', 'Sender', ACTION_ADDR, 2150858771],
  ['CannotProcessFilter', ENUMERATION, 'CannotProcessFilter', 'Sender', ACTION_ENUM, 2150858778],
  ['DestinationUnreachable', ADDRESSING, 'DestinationUnreachable', 'Sender', ACTION_ADDR, 2150858752],
  ['EncodingLimit', WSMAN, 'EncodingLimit', 'Sender', ACTION_WSMAN, 2150858805],
  ['FilterDialectRequestedUnavailable', ENUMERATION, 'FilterDialectRequestedUnavailable', 'Sender', ACTION_ENUM, 2150858777],
  ['FilteringNotSupported', ENUMERATION, 'FilteringNotSupported', 'Sender', ACTION_ENUM, 2150858776],
  ['InternalError', WSMAN, 'InternalError', 'Receiver', ACTION_WSMAN, 1359],
  ['InvalidEnumerationContext', ENUMERATION, 'InvalidEnumerationContext', 'Receiver', ACTION_ENUM, 2150858779],
  ['InvalidMessageInformationHeader', ADDRESSING, 'InvalidMessageInformationHeader', 'Sender', ACTION_ADDR, 2150858767],
  ['InvalidParameter', WSMAN, 'InvalidParameter', 'Sender', ACTION_WSMAN, 2150858810],
  ['InvalidSelectors', WSMAN, 'InvalidSelectors', 'Sender', ACTION_WSMAN, 2150858813],
  ['MessageInformationHeaderRequired', ADDRESSING, 'MessageInformationHeaderRequired', 'Sender', ACTION_ADDR, 2150858769],
  ['QuotaLimit', WSMAN, 'QuotaLimit', 'Sender', ACTION_WSMAN, 2150858815],
  ['SchemaValidationError', WSMAN, 'SchemaValidationError', 'Sender', ACTION_WSMAN, 2150858817],
  ['TimedOut', WSMAN, 'TimedOut', 'Receiver', ACTION_WSMAN, 2150858793],
  ['UnsupportedFeature', WSMAN, 'UnsupportedFeature', 'Sender', ACTION_WSMAN, 2150858818],
  // OASIS WSS 1.1 §12: declared on the subcode value itself (the envelope has no wsse prefix).
  ['WssUnsupportedSecurityToken', WSSE, 'UnsupportedSecurityToken', 'Sender', ACTION_ADDR, undefined],
  ['WssUnsupportedAlgorithm', WSSE, 'UnsupportedAlgorithm', 'Sender', ACTION_ADDR, undefined],
  ['WssInvalidSecurity', WSSE, 'InvalidSecurity', 'Sender', ACTION_ADDR, undefined],
  ['WssInvalidSecurityToken', WSSE, 'InvalidSecurityToken', 'Sender', ACTION_ADDR, undefined],
  ['WssFailedAuthentication', WSSE, 'FailedAuthentication', 'Sender', ACTION_ADDR, undefined],
  ['WssFailedCheck', WSSE, 'FailedCheck', 'Sender', ACTION_ADDR, undefined],
  ['WssSecurityTokenUnavailable', WSSE, 'SecurityTokenUnavailable', 'Sender', ACTION_ADDR, undefined],
  ['WssMessageExpired', WSSE, 'MessageExpired', 'Sender', ACTION_ADDR, undefined],
];

describe('the fault table', () => {
  it('has an expectation here for every fault it defines, and no more', () => {
    const expected = [...TABLE.map((r) => r[0]), 'MustUnderstand', 'VersionMismatch'].sort();
    expect(Object.keys(FAULTS).sort()).toEqual(expected);
  });

  it.each(TABLE)('%s: subcode {%s}%s, s:%s, Action %s, WinRM code %s', (name, subNs, subLocal, code, action, winrmCode) => {
    const fault = new WsmanFault(name);
    const wire = onTheWire(fault);
    expect(wire.subcode).toEqual({ ns: subNs, local: subLocal });
    expect(wire.code).toEqual({ ns: SOAP, local: code });
    expect(wire.action).toBe(action);
    expect(wire.winrmCode).toBe(winrmCode);
    expect(fault.winrmCode).toBe(winrmCode);
    expect(fault.httpStatus).toBe(500);
    expect(wire.faultDetail).toBeUndefined();
  });

  it('MustUnderstand: s:MustUnderstand code, no subcode, no WinRM code, addressing fault Action, HTTP 500', () => {
    const fault = new WsmanFault('MustUnderstand', { notUnderstood: { ns: 'urn:x', local: 'Foo', prefix: 'x' } });
    const wire = onTheWire(fault);
    expect(wire.code).toEqual({ ns: SOAP, local: 'MustUnderstand' });
    expect(wire.subcode).toBeUndefined();
    expect(wire.winrmCode).toBeUndefined();
    expect(wire.action).toBe(ACTION_ADDR);
    expect(fault.httpStatus).toBe(500);
  });

  it('VersionMismatch: s:VersionMismatch code, no subcode, addressing fault Action, ERROR_WSMAN_SOAP_VERSION_MISMATCH', () => {
    const fault = new WsmanFault('VersionMismatch');
    const wire = onTheWire(fault);
    expect(wire.code).toEqual({ ns: SOAP, local: 'VersionMismatch' });
    expect(wire.subcode).toBeUndefined();
    expect(wire.action).toBe(ACTION_ADDR);
    // wsmerror.h: ERROR_WSMAN_SOAP_VERSION_MISMATCH 0x8033800D ("wsa, code=VersionMismatch").
    expect(fault.winrmCode).toBe(2150858765);
    expect(fault.httpStatus).toBe(500);
  });

  it.each<[FaultName, string]>([
    ['InvalidEnumerationContext', 'The WS-Enumeration context in the enumeration is not valid. Enumeration may have been completed or canceled. You cannot use this enumeration context anymore. Start a new enumeration. '],
    ['DestinationUnreachable', 'The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors. '],
    ['QuotaLimit', 'The WS-Management service is busy servicing other requests. Retry later. '],
    ['InvalidParameter', 'The parameter is incorrect. '],
  ])("%s carries Windows' reason text", (name, text) => {
    expect(onTheWire(new WsmanFault(name)).reason).toBe(text);
  });

  it("MustUnderstand carries the reason text of the real Windows fault, double spaces included", () => {
    expect(onTheWire(new WsmanFault('MustUnderstand')).reason).toBe(
      'The WS-Management service cannot process a SOAP header in the request that is marked as mustUnderstand by the client.  ' +
        'This could be caused by the use of a version of the protocol which is not supported, or may be an incompatibility  between the client and server implementations. ',
    );
  });
});

type DetailRow = [name: FaultName, detail: string, winrmCode: number];

/** Detail-specific codes: wsman-facts.md §1, §2, §4, §6. */
const DETAIL_TABLE: DetailRow[] = [
  ['InvalidSelectors', 'InsufficientSelectors', 2150858842],
  ['InvalidSelectors', 'UnexpectedSelectors', 2150858843],
  ['InvalidSelectors', 'TypeMismatch', 2150858844],
  ['InvalidSelectors', 'InvalidValue', 2150858845],
  ['InvalidSelectors', 'AmbiguousSelectors', 2150858846],
  ['InvalidSelectors', 'DuplicateSelectors', 2150858847],
  ['EncodingLimit', 'MinimumEnvelopeLimit', 2150858878],
  ['EncodingLimit', 'MaxEnvelopeSizeExceeded', 2150858824],
  ['EncodingLimit', 'ServiceEnvelopeLimit', 2150858825],
  ['EncodingLimit', 'CharacterSet', 2150858828],
  ['UnsupportedFeature', 'Locale', 2150858887],
  ['UnsupportedFeature', 'DataLocale', 2150858887],
  ['UnsupportedFeature', 'AddressingMode', 2150858870],
  ['UnsupportedFeature', 'EnumerationMode', 2150858886],
  ['InvalidMessageInformationHeader', 'InvalidTimeout', 2150858881],
  ['ActionNotSupported', 'ActionMismatch', 2150858801],
  ['InvalidParameter', 'TypeMismatch', 0x80338054],
  ['InvalidParameter', 'InvalidName', 0x80338055],
  // Windows sends Win32 87 with FD/InvalidValue (a real 2016 fault).
  ['InvalidParameter', 'InvalidValue', 87],
  ['DestinationUnreachable', 'InvalidResourceURI', 2150858752],
];

describe('fault details', () => {
  it.each(DETAIL_TABLE)('%s with detail %s has WinRM code %d and the faultDetail URI', (name, detail, winrmCode) => {
    const fault = new WsmanFault(name, { detail });
    expect(fault.winrmCode).toBe(winrmCode);
    expect(fault.detailUri).toBe(FD + detail);
    const wire = onTheWire(fault);
    expect(wire.winrmCode).toBe(winrmCode);
    expect(wire.faultDetail).toBe(FD + detail);
  });

  it('an invalid OperationTimeout is sent with the WS-Man fault Action, as WinRM\'s table has it (wsman-facts §1)', () => {
    // OMI's port of WinRM's table: ERROR_WSMAN_INVALID_TIMEOUT_HEADER → a:InvalidMessageInformationHeader,
    // FD/InvalidTimeout, WSMANTAG_ACTION_FAULT_WSMAN.
    const wire = onTheWire(new WsmanFault('InvalidMessageInformationHeader', { detail: 'InvalidTimeout' }));
    expect(wire.subcode).toEqual({ ns: ADDRESSING, local: 'InvalidMessageInformationHeader' });
    expect(wire.action).toBe(ACTION_WSMAN);
  });

  it('keeps a full detail URI as given', () => {
    const uri = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/ResourceNotFound';
    expect(new WsmanFault('DestinationUnreachable', { detail: uri }).detailUri).toBe(uri);
  });

  it('falls back to the fault\'s own code for a detail without a specific code', () => {
    const fault = new WsmanFault('EncodingLimit', { detail: 'Whitespace' });
    expect(fault.detailUri).toBe(FD + 'Whitespace');
    expect(fault.winrmCode).toBe(2150858805);
  });

  it('an explicit winrmCode wins over the detail code', () => {
    expect(new WsmanFault('InvalidSelectors', { detail: 'UnexpectedSelectors', winrmCode: 0x80041002 }).winrmCode).toBe(0x80041002);
  });

  it('has no detail URI unless one is given', () => {
    expect(new WsmanFault('TimedOut').detailUri).toBeUndefined();
  });
});

describe('fault messages', () => {
  it("appends `extra` to Windows' reason, separated by a space", () => {
    const fault = new WsmanFault('InvalidSelectors', { detail: 'UnexpectedSelectors', extra: 'Foo is not a key of MSFT_IPAM_Server.' });
    expect(fault.message).toBe(
      'The WS-Management service cannot process the request because the selectors for the resource are not valid. Foo is not a key of MSFT_IPAM_Server.',
    );
    expect(onTheWire(fault).reason).toBe(fault.message + ' ');
  });

  it("`message` replaces Windows' reason entirely", () => {
    const fault = new WsmanFault('InternalError', { message: 'Something specific.', extra: 'ignored' });
    expect(fault.message).toBe('Something specific.');
  });

  it('is an Error named WsmanFault that keeps the fault name and options', () => {
    const fault = new WsmanFault('TimedOut');
    expect(fault).toBeInstanceOf(Error);
    expect(fault.name).toBe('WsmanFault');
    expect(fault.fault).toBe('TimedOut');
  });

  it('a httpStatus option overrides the table (413 for an oversized request)', () => {
    expect(new WsmanFault('EncodingLimit', { httpStatus: 413 }).httpStatus).toBe(413);
  });
});

describe('WsmanFault.fromCimError', () => {
  const cim = (status: CimStatus): CimError => new CimError({ status, message: `status ${status}` });

  it.each<[CimStatus, FaultName, string | undefined]>([
    [CimStatus.FAILED, 'InternalError', undefined],
    [CimStatus.ACCESS_DENIED, 'AccessDenied', undefined],
    // WMI's 'not found' family carries the InvalidResourceURI detail (docs/research/wsman-facts.md §3).
    [CimStatus.INVALID_NAMESPACE, 'DestinationUnreachable', FD + 'InvalidResourceURI'],
    [CimStatus.INVALID_PARAMETER, 'InvalidParameter', FD + 'InvalidValue'],
    [CimStatus.INVALID_CLASS, 'DestinationUnreachable', FD + 'InvalidResourceURI'],
    [CimStatus.NOT_FOUND, 'DestinationUnreachable', FD + 'InvalidResourceURI'],
    [CimStatus.NOT_SUPPORTED, 'UnsupportedFeature', undefined],
    [CimStatus.ALREADY_EXISTS, 'InternalError', undefined],
    [CimStatus.METHOD_NOT_FOUND, 'InternalError', undefined],
    [CimStatus.SERVER_LIMITS_EXCEEDED, 'InternalError', undefined],
  ])('CIM status %d becomes %s', (status, name, detailUri) => {
    const err = cim(status);
    const fault = WsmanFault.fromCimError(err);
    expect(fault.fault).toBe(name);
    expect(fault.detailUri).toBe(detailUri);
    expect(fault.message).toBe(`status ${status}`);
    expect(fault.options.cimError).toBe(err);
  });

  it('an invalid parameter carries Win32 87, as Windows sends it', () => {
    expect(WsmanFault.fromCimError(cim(CimStatus.INVALID_PARAMETER)).winrmCode).toBe(87);
  });

  it('subcodes resolve to the right namespaces on the wire', () => {
    const subOf = (s: CimStatus) => onTheWire(WsmanFault.fromCimError(cim(s))).subcode;
    expect(subOf(CimStatus.ACCESS_DENIED)).toEqual({ ns: WSMAN, local: 'AccessDenied' });
    expect(subOf(CimStatus.NOT_FOUND)).toEqual({ ns: ADDRESSING, local: 'DestinationUnreachable' });
    expect(subOf(CimStatus.FAILED)).toEqual({ ns: WSMAN, local: 'InternalError' });
  });
});
