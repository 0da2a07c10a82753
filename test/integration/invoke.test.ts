import { ACTION, DMTF, NS, WMI, bodyOf, call, child, elements, faultOf, headerText, textOf, type EnvelopeSpec } from '../support/soap';
import { startEmulator, type TestEmulator } from '../support/emulator';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

const SERVER = WMI + 'MSFT_IPAM_Server';

function invokeSpec(params: string, method = 'InvokeIpamServerProvisioning', uri = SERVER, extra: Partial<EnvelopeSpec> = {}): EnvelopeSpec {
  return {
    action: `${uri}/${method}`,
    resourceUri: uri,
    body: `<p:${method}_INPUT xmlns:p="${uri}">${params}</p:${method}_INPUT>`,
    ...extra,
  };
}

async function cimFault(spec: EnvelopeSpec) {
  const r = await call(emu.url, spec);
  expect(r.status).toBe(500);
  return faultOf(r.xml);
}

describe('Invoke of MSFT_IPAM_Server.InvokeIpamServerProvisioning', () => {
  test('valid parameters provision the host: ReturnValue 0 in InvokeIpamServerProvisioning_OUTPUT', async () => {
    const r = await call(emu.url, invokeSpec('<p:ProvisioningMethod>1</p:ProvisioningMethod>'));
    expect(r.status).toBe(200);
    expect(headerText(r.xml, NS.addressing, 'Action')).toBe(`${SERVER}/InvokeIpamServerProvisioningResponse`);
    const out = elements(bodyOf(r.xml))[0]!;
    expect(out.local).toBe('InvokeIpamServerProvisioning_OUTPUT');
    expect(textOf(child(out, SERVER, 'ReturnValue')!)).toBe('0');
  });

  test('the DMTF form with __cimnamespace reaches the same static method (same parameters again: 0, nothing changes)', async () => {
    const r = await call(emu.url, invokeSpec('<p:ProvisioningMethod>1</p:ProvisioningMethod>', 'InvokeIpamServerProvisioning', DMTF + 'MSFT_IPAM_Server', { selectors: { __cimnamespace: 'root/Microsoft/IPAM' } }));
    expect(r.status).toBe(200);
    expect(textOf(child(elements(bodyOf(r.xml))[0]!, DMTF + 'MSFT_IPAM_Server', 'ReturnValue')!)).toBe('0');
  });

  test.each([
    ['Automatic without GpoPrefix', '<p:ProvisioningMethod>0</p:ProvisioningMethod>', 'GpoPrefix'],
    ['GpoPrefix with Manual', '<p:GpoPrefix>IPAM1</p:GpoPrefix>', 'GpoPrefix'],
    ['WidSchemaPath with DatabaseServer', '<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort><p:WidSchemaPath>D:\\db</p:WidSchemaPath>', 'WidSchemaPath'],
    ['DatabaseServer without DatabasePort', '<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName>', 'DatabasePort'],
    ['port 0', '<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>0</p:DatabasePort>', 'DatabasePort'],
    ['SQL auth without a credential', '<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort><p:DatabaseAuthType>2</p:DatabaseAuthType>', 'DatabaseCredential'],
    ['UseExistingSchema without DatabaseServer', '<p:UseExistingSchema>true</p:UseExistingSchema>', 'UseExistingSchema'],
  ])('%s is an invalid-parameter CIM error naming the parameter', async (_name, params, parameter) => {
    const f = await cimFault(invokeSpec(params));
    expect(f.subcode).toBe('w:InvalidParameter');
    expect(f.cimError).toMatchObject({ CIMStatusCode: '4', MessageID: 'WIN32 87', error_Category: '5', ErrorSource: parameter });
    expect(f.cimError?.Message).toContain(parameter);
  });

  test('a malformed credential is refused and its text is neither echoed nor logged', async () => {
    const secret = 'S3cr3t-Never-Logged';
    const f = await cimFault(
      invokeSpec(`<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort><p:DatabaseAuthType>2</p:DatabaseAuthType><p:DatabaseCredential>bad\\x${secret}</p:DatabaseCredential>`),
    );
    expect(f.cimError?.ErrorSource).toBe('DatabaseCredential');
    expect(JSON.stringify(f)).not.toContain(secret);
    expect(emu.logs().join('\n')).not.toContain(secret);
  });

  test('a well-formed credential refused for Windows authentication does not leak its password', async () => {
    const secret = 'Another-S3cret-Pass';
    const f = await cimFault(
      invokeSpec(`<p:DatabaseServer>Db1.Contoso.com</p:DatabaseServer><p:DatabaseName>Ipamdb</p:DatabaseName><p:DatabasePort>1433</p:DatabasePort><p:DatabaseAuthType>1</p:DatabaseAuthType><p:DatabaseCredential>CONTOSO\\sa:${secret}</p:DatabaseCredential>`),
    );
    expect(f.cimError?.ErrorSource).toBe('DatabaseCredential');
    expect(f.cimError?.Message).toMatch(/only to SQL authentication/);
    expect(JSON.stringify(f)).not.toContain(secret);
    expect(emu.logs().join('\n')).not.toContain(secret);
  });

  test('a parameter the method does not have is w:InvalidParameter / InvalidName', async () => {
    const f = await cimFault(invokeSpec('<p:Colour>blue</p:Colour>'));
    expect(f.subcode).toBe('w:InvalidParameter');
    expect(f.detail).toMatch(/faultDetail\/InvalidName$/);
    expect(f.reason).toContain('Colour');
  });

  test('a value that is not of the parameter type is w:InvalidParameter / TypeMismatch', async () => {
    for (const bad of ['<p:DatabasePort>70000</p:DatabasePort>', '<p:DatabasePort>abc</p:DatabasePort>', '<p:UseExistingSchema>maybe</p:UseExistingSchema>']) {
      const f = await cimFault(invokeSpec(bad));
      expect(f.subcode).toBe('w:InvalidParameter');
      expect(f.detail).toMatch(/faultDetail\/TypeMismatch$/);
    }
  });

  test('an unknown method is a:ActionNotSupported naming it', async () => {
    const f = await cimFault(invokeSpec('', 'ProvisionEverything'));
    expect(f.subcode).toBe('a:ActionNotSupported');
    expect(f.reason).toContain('ProvisionEverything');
  });

  test('a body that is not <Method>_INPUT is w:SchemaValidationError', async () => {
    const f = await cimFault({ ...invokeSpec(''), body: '<p:Something xmlns:p="urn:x"/>' });
    expect(f.subcode).toBe('w:SchemaValidationError');
  });

  test('the fault echoes the request MessageID and uses the Windows fault Action', async () => {
    const r = await call(emu.url, invokeSpec('<p:ProvisioningMethod>0</p:ProvisioningMethod>', undefined, undefined, { messageId: 'a-message-id-without-uuid-prefix' }));
    expect(headerText(r.xml, NS.addressing, 'RelatesTo')).toBe('a-message-id-without-uuid-prefix');
    expect(headerText(r.xml, NS.addressing, 'Action')).toBe(ACTION.wsmanFault);
  });
});

describe('GetClass (CIM-XML)', () => {
  const getClass = (selectors: Record<string, string>, optionsXml?: string): EnvelopeSpec => ({
    action: ACTION.get,
    resourceUri: 'http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/*',
    selectors: { __cimnamespace: 'root/Microsoft/IPAM', ...selectors },
    optionsXml,
  });

  test('returns the class as a CIM-XML CLASS element directly under s:Body', async () => {
    const r = await call(emu.url, getClass({ ClassName: 'MSFT_IPAM_Server' }));
    expect(r.status).toBe(200);
    const [cls] = elements(bodyOf(r.xml));
    expect(cls?.local).toBe('CLASS');
    expect(cls?.ns).toBe('');
    expect(r.text).toContain('NAME="MSFT_IPAM_Server" SUPERCLASS="CIM_Product"');
    expect(r.text).toContain('<METHOD NAME="InvokeIpamServerProvisioning" TYPE="uint32"');
    // Without IncludeInheritedElements, only what the class itself declares.
    expect(r.text).not.toContain('NAME="Vendor"');
  });

  test('honours IncludeInheritanceHierarchy, IncludeInheritedElements and IncludeQualifiers as the MI client sends them', async () => {
    const opts =
      '<w:Option Name="IncludeInheritanceHierarchy" Type="xs:boolean">true</w:Option>' +
      '<w:Option Name="IncludeInheritedElements" Type="xs:boolean">true</w:Option>' +
      '<w:Option Name="IncludeQualifiers" Type="xs:boolean">true</w:Option>';
    const r = await call(emu.url, getClass({ ClassName: 'MSFT_IPAM_Server' }, opts));
    expect(r.text).toContain('DERIVATION="CIM_Product,CIM_ManagedElement"');
    expect(r.text).toMatch(/<PROPERTY NAME="Vendor" CLASSORIGIN="CIM_Product" PROPAGATED="true" TYPE="string">/);
    expect(r.text).toContain('<QUALIFIER NAME="Static" TYPE="boolean"><VALUE>true</VALUE></QUALIFIER>');
  });

  test('an unknown class name is a:DestinationUnreachable, a missing ClassName w:InvalidSelectors', async () => {
    expect(faultOf((await call(emu.url, getClass({ ClassName: 'MSFT_Nothing' }))).xml).subcode).toBe('a:DestinationUnreachable');
    expect(faultOf((await call(emu.url, getClass({}))).xml).subcode).toBe('w:InvalidSelectors');
  });

  test('class name and namespace compare case-insensitively', async () => {
    const r = await call(emu.url, { ...getClass({ ClassName: 'cim_concretejob' }), selectors: { __cimnamespace: 'ROOT/MICROSOFT/IPAM', ClassName: 'cim_concretejob' } });
    expect(r.text).toContain('<CLASS NAME="CIM_ConcreteJob" SUPERCLASS="CIM_Job"');
    expect(child(bodyOf(r.xml), '', 'CLASS')).toBeDefined();
  });
});
