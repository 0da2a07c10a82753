/**
 * Fault parsing from captured fault XML (wsman-wire.md §5): a Windows WSManFault,
 * a Windows MSFT_WmiError detail, a nested ProviderFault, OMI's OMI_Error.
 */
import { parseFault, WsmanFaultError } from '../../../src/client/faults';
import { parseXml } from '../../../src/xml/parse';

const ENV_OPEN =
  '<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
  'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:Action>http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</a:Action></s:Header><s:Body>';
const ENV_CLOSE = '</s:Body></s:Envelope>';

/** pypsrp test_psrp_is_alive_invalid_selectors.yml, a real Windows reply (HTTP 500). */
const WINDOWS_INVALID_SELECTORS =
  ENV_OPEN +
  '<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidSelectors</s:Value></s:Subcode></s:Code>' +
  '<s:Reason><s:Text xml:lang="en-US">The WS-Management service cannot process the request because the request contained invalid selectors for the resource. </s:Text></s:Reason>' +
  '<s:Detail><w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors</w:FaultDetail>' +
  '<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="2150858843" Machine="127.0.0.1"><f:Message>The WS-Management service cannot process the request because the request contained invalid selectors for the resource. </f:Message></f:WSManFault>' +
  '</s:Detail></s:Fault>' +
  ENV_CLOSE;

/** WinRb wmi_error_v2.xml shape: a CIM error in the Detail. */
const WMI_ERROR =
  ENV_OPEN +
  '<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>w:InvalidParameter</s:Value></s:Subcode></s:Code>' +
  '<s:Reason><s:Text xml:lang="en-US">The parameter is incorrect. </s:Text></s:Reason>' +
  '<s:Detail><w:FaultDetail>http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue</w:FaultDetail>' +
  '<p:MSFT_WmiError b:IsCIM_Error="true" xmlns:b="http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" ' +
  'xmlns:p="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="p:MSFT_WmiError_Type">' +
  '<p:CIMStatusCode xsi:type="cim:cimUnsignedInt">4</p:CIMStatusCode><p:CIMStatusCodeDescription xsi:nil="true" xsi:type="cim:cimString"/>' +
  '<p:ErrorSource xsi:type="cim:cimString">GpoPrefix</p:ErrorSource><p:Message xsi:type="cim:cimString">GpoPrefix is required when ProvisioningMethod is Automatic.</p:Message>' +
  '<p:MessageID xsi:type="cim:cimString">WIN32 87</p:MessageID><p:PerceivedSeverity xsi:type="cim:cimUnsignedShort">2</p:PerceivedSeverity>' +
  '<p:error_Category xsi:type="cim:cimUnsignedInt">5</p:error_Category><p:error_Code xsi:type="cim:cimUnsignedInt">87</p:error_Code></p:MSFT_WmiError>' +
  '</s:Detail></s:Fault>' +
  ENV_CLOSE;

test('a Windows WSManFault: code, subcode, reason, fault detail, WSManFault code and machine', () => {
  const f = parseFault(parseXml(WINDOWS_INVALID_SELECTORS), 500);
  expect(f).toBeInstanceOf(WsmanFaultError);
  expect(f).toMatchObject({
    httpStatus: 500,
    code: 'Sender',
    subcode: { ns: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd', local: 'InvalidSelectors' },
    faultDetail: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors',
    wsmanCode: 2150858843,
    machine: '127.0.0.1',
    cimError: null,
  });
  expect(f?.subcodeName).toBe('w:InvalidSelectors');
  expect(f?.message).toBe('The WS-Management service cannot process the request because the request contained invalid selectors for the resource.');
});

test('MSFT_WmiError: Message, MessageID, CIMStatusCode, error_Category, ErrorSource, PerceivedSeverity; nil is null', () => {
  const f = parseFault(parseXml(WMI_ERROR), 500) as WsmanFaultError;
  expect(f.cimError).toMatchObject({
    className: 'MSFT_WmiError',
    message: 'GpoPrefix is required when ProvisioningMethod is Automatic.',
    messageId: 'WIN32 87',
    cimStatusCode: 4,
    errorCategory: 5,
    errorSource: 'GpoPrefix',
    perceivedSeverity: 2,
  });
  expect(f.cimError?.properties.CIMStatusCodeDescription).toBeNull();
  expect(f.cimError?.properties.error_Code).toBe('87');
  // What PowerShell shows is the CIM error's message, not the SOAP reason.
  expect(f.message).toBe('GpoPrefix is required when ProvisioningMethod is Automatic.');
  expect(f.wsmanCode).toBeNull();
});

test('the subcode is matched by namespace, whatever its prefix', () => {
  const odd = WINDOWS_INVALID_SELECTORS.replace('<s:Value>w:InvalidSelectors</s:Value>', '<s:Value xmlns:zz="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">zz:InvalidSelectors</s:Value>');
  expect(parseFault(parseXml(odd), 500)?.subcodeName).toBe('w:InvalidSelectors');
});

test('a ProviderFault nested in f:Message reads as its whole text', () => {
  const nested = WINDOWS_INVALID_SELECTORS.replace(
    /<f:Message>.*<\/f:Message>/,
    '<f:Message><f:ProviderFault provider="WMI Provider" path="%systemroot%\\system32\\WsmWmiPl.dll"><f:WSManFault Code="2147749890"><f:Message>Not found </f:Message></f:WSManFault></f:ProviderFault></f:Message>',
  );
  expect(parseFault(parseXml(nested), 500)?.wsmanMessage).toBe('Not found');
});

test("OMI's OMI_Error is a CIM error too (b:IsCIM_Error), and omicli's xsi namespace still reads nil", () => {
  const omi = WMI_ERROR.replace(/MSFT_WmiError/g, 'OMI_Error')
    .replace('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', 'xmlns:xsi="http://www.w3.org/2001/XMLSchema"')
    .replace('<p:MessageID xsi:type="cim:cimString">WIN32 87</p:MessageID>', '<p:MessageID xsi:nil="true"/>');
  const f = parseFault(parseXml(omi), 500) as WsmanFaultError;
  expect(f.cimError).toMatchObject({ className: 'OMI_Error', cimStatusCode: 4, messageId: null });
});

test('a reply without s:Fault is not a fault', () => {
  expect(parseFault(parseXml(ENV_OPEN + '<x/>' + ENV_CLOSE), 200)).toBeUndefined();
});
