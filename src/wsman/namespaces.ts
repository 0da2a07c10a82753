/**
 * Namespace URIs and well-known URIs of WS-Management as Windows speaks it
 * (MS-WSMV 2.2.1, DSP0226 Table A-1). Prefixes in `PREFIX` are the ones this
 * emulator writes; readers never rely on prefixes.
 */
import { XSD_NS, XSI_NS } from '../xml/parse';

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsman: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  wsmv: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  enumeration: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  transfer: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  eventing: 'http://schemas.xmlsoap.org/ws/2004/08/eventing',
  identity: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  cimbinding: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd',
  cimCommon: 'http://schemas.dmtf.org/wbem/wscim/1/common',
  interactive: 'http://schemas.microsoft.com/wbem/wsman/1/cim/interactive.xsd',
  wsmanFault: 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault',
  xsi: XSI_NS,
  xsd: XSD_NS,
  msftwinrm: 'http://schemas.microsoft.com/wbem/wsman/1/msftwinrm.xsd',
  /** OASIS WSS 1.0 SOAP Message Security (the wsse: fault subcodes). */
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
} as const;

/** Prefixes used in replies: Windows' own, except `wsman` inside EPRs (see epr.ts). */
export const PREFIX = {
  s: NS.soap,
  a: NS.addressing,
  w: NS.wsman,
  wsman: NS.wsman,
  p: NS.wsmv,
  n: NS.enumeration,
  x: NS.transfer,
  b: NS.cimbinding,
  cim: NS.cimCommon,
  xsi: NS.xsi,
  f: NS.wsmanFault,
  wsmid: NS.identity,
} as const;

export const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

export const ACTION = {
  get: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
  getResponse: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse',
  put: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put',
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  enumerate: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate',
  enumerateResponse: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/EnumerateResponse',
  pull: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull',
  pullResponse: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/PullResponse',
  release: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release',
  releaseResponse: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/ReleaseResponse',
  renew: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Renew',
  getStatus: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/GetStatus',
  subscribe: 'http://schemas.xmlsoap.org/ws/2004/08/eventing/Subscribe',
  wsmanFault: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault',
  addressingFault: 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault',
  enumerationFault: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault',
  transferFault: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/fault',
} as const;

export const DIALECT = {
  wql: 'http://schemas.microsoft.com/wbem/wsman/1/WQL',
  selector: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter',
  cql: 'http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf',
  association: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter',
} as const;

export const FAULT_DETAIL = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';
