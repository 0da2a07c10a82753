/**
 * The request envelopes, shaped as Windows' MI client shapes them: the header is
 * the tests' own (test/support/soap.ts `envelope()`), with PowerShell's default
 * OperationTimeout.
 */
import { ACTION, ADMIN, IDENTIFY, NS, WMI, envelope as testEnvelope, type EnvelopeSpec } from '../../test/support/soap';

/** Identify: authenticated unless the request carries WSMANIDENTIFY: unauthenticated. */
export { ACTION, IDENTIFY, NS };
/** Basic Administrator / Passw0rd! (the embedded contoso.json fleet). */
export const ADMIN_BASIC = ADMIN;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function envelope(spec: EnvelopeSpec): string {
  return testEnvelope({ operationTimeout: 'PT60.000S', ...spec });
}

export const IPAM_WMI = WMI;
export const IPAM_SERVER_URI = `${IPAM_WMI}MSFT_IPAM_Server`;
export const IPAM_JOB_URI = `${IPAM_WMI}MSFT_IPAM_ConcreteJob`;
export const DEFAULT_HOST = 'ipam1.contoso.com';

export const ADMIN_USER = 'Administrator';
export const ADMIN_PASSWORD = 'Passw0rd!';

export const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';

/** The keys of a host's MSFT_IPAM_Server instance. */
export function ipamServerKeys(fqdn: string): Record<string, string> {
  return { Name: 'IP Address Management (IPAM) Server', IdentifyingNumber: fqdn, Vendor: 'Microsoft Corporation', Version: '10.0.20348' };
}

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
