/**
 * The request envelopes, shaped as Windows' MI client shapes them (the same
 * header as test/support/soap.ts `envelope()`).
 */
import { randomUUID } from 'node:crypto';

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsman: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  wsmv: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  enumeration: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  identity: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

export const ACTION = {
  get: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
  enumerate: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate',
  pull: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull',
  release: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release',
} as const;

export const IPAM_WMI = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/';
export const IPAM_SERVER_URI = `${IPAM_WMI}MSFT_IPAM_Server`;
export const IPAM_JOB_URI = `${IPAM_WMI}MSFT_IPAM_ConcreteJob`;
export const DEFAULT_HOST = 'ipam1.contoso.com';

/** Basic Administrator / Passw0rd! (the embedded contoso.json fleet). */
export const ADMIN_BASIC = 'Basic ' + Buffer.from('Administrator:Passw0rd!', 'utf8').toString('base64');
export const ADMIN_USER = 'Administrator';
export const ADMIN_PASSWORD = 'Passw0rd!';

export const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';

/** The keys of a host's MSFT_IPAM_Server instance. */
export function ipamServerKeys(fqdn: string): Record<string, string> {
  return { Name: 'IP Address Management (IPAM) Server', IdentifyingNumber: fqdn, Vendor: 'Microsoft Corporation', Version: '10.0.20348' };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface EnvelopeSpec {
  readonly action: string;
  readonly resourceUri?: string;
  readonly selectors?: Readonly<Record<string, string>>;
  readonly optionsXml?: string;
  readonly body?: string;
  readonly messageId?: string;
}

export function envelope(spec: EnvelopeSpec): string {
  const sel = spec.selectors
    ? `<w:SelectorSet>${Object.entries(spec.selectors)
        .map(([k, v]) => `<w:Selector Name="${esc(k)}">${esc(v)}</w:Selector>`)
        .join('')}</w:SelectorSet>`
    : '';
  return (
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}" xmlns:p="${NS.wsmv}" xmlns:n="${NS.enumeration}" xmlns:xsi="${NS.xsi}">` +
    '<s:Header>' +
    '<a:To>http://127.0.0.1:5985/wsman</a:To>' +
    (spec.resourceUri !== undefined ? `<w:ResourceURI s:mustUnderstand="true">${esc(spec.resourceUri)}</w:ResourceURI>` : '') +
    '<a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>' +
    `<a:Action s:mustUnderstand="true">${esc(spec.action)}</a:Action>` +
    '<w:MaxEnvelopeSize s:mustUnderstand="true">512000</w:MaxEnvelopeSize>' +
    `<a:MessageID>${esc(spec.messageId ?? 'uuid:' + randomUUID().toUpperCase())}</a:MessageID>` +
    '<w:Locale xml:lang="en-US" s:mustUnderstand="false"/>' +
    '<p:DataLocale xml:lang="en-US" s:mustUnderstand="false"/>' +
    '<w:OperationTimeout>PT60.000S</w:OperationTimeout>' +
    sel +
    (spec.optionsXml ? `<w:OptionSet>${spec.optionsXml}</w:OptionSet>` : '') +
    '</s:Header>' +
    `<s:Body>${spec.body ?? ''}</s:Body></s:Envelope>`
  );
}

/** Identify: authenticated unless the request carries WSMANIDENTIFY: unauthenticated. */
export const IDENTIFY = `<s:Envelope xmlns:s="${NS.soap}" xmlns:wsmid="${NS.identity}"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;

export function getIpamServer(fqdn = DEFAULT_HOST): string {
  return envelope({ action: ACTION.get, resourceUri: IPAM_SERVER_URI, selectors: ipamServerKeys(fqdn) });
}

/** Enumerate with OptimizeEnumeration: the first `maxElements` items ride in the EnumerateResponse. */
export function enumerateRequest(resourceUri: string, maxElements: number): string {
  return envelope({
    action: ACTION.enumerate,
    resourceUri,
    body: `<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>${maxElements}</w:MaxElements></n:Enumerate>`,
  });
}

export function pullRequest(resourceUri: string, context: string, maxElements: number): string {
  return envelope({
    action: ACTION.pull,
    resourceUri,
    body: `<n:Pull><n:EnumerationContext>${esc(context)}</n:EnumerationContext><n:MaxElements>${maxElements}</n:MaxElements></n:Pull>`,
  });
}

/** PowerShell's -WhatIf: PROMPTUSERMODE Report with the ack value false (test/hostile/corpus.ts WHAT_IF_OPTIONS). */
export const WHAT_IF_OPTIONS =
  '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODE" Type="xs:unsignedInt">0</w:Option>' +
  '<w:Option Name="wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODEREGULAR_ACKVALUE" Type="xs:boolean">false</w:Option>';

/** InvokeIpamServerProvisioning (WID, Manual, Force) with -WhatIf: validated, planned, nothing changes. */
export function invokeProvisioningWhatIf(): string {
  const input =
    `<ipam:InvokeIpamServerProvisioning_INPUT xmlns:ipam="${IPAM_SERVER_URI}">` +
    '<ipam:ProvisioningMethod>1</ipam:ProvisioningMethod><ipam:WidSchemaPath>D:\\IPAM\\Database</ipam:WidSchemaPath><ipam:Force>true</ipam:Force>' +
    '</ipam:InvokeIpamServerProvisioning_INPUT>';
  return envelope({ action: `${IPAM_SERVER_URI}/InvokeIpamServerProvisioning`, resourceUri: IPAM_SERVER_URI, body: input, optionsXml: WHAT_IF_OPTIONS });
}

/** The EnumerationContext of an Enumerate/Pull reply, or undefined when the reply ends the sequence. */
export function enumerationState(body: string): { context: string | undefined; end: boolean } {
  const end = /<(?:\w+:)?EndOfSequence\b/.test(body);
  const m = /<(?:\w+:)?EnumerationContext>([^<]*)<\/(?:\w+:)?EnumerationContext>/.exec(body);
  const context = m && m[1] ? m[1] : undefined;
  return { context: end ? undefined : context, end };
}
