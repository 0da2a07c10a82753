import { ACTION, DMTF, IPAMUSER, NS, WMI, bodyOf, call, child, elements, faultOf, itemsOf, propsOf, textOf, type EnvelopeSpec } from '../support/soap';
import { startEmulator, type TestEmulator } from '../support/emulator';
import type { Fixture } from '../../src/config/fixture';
import contoso from '../../fixtures/contoso.json';

let emu: TestEmulator;
beforeAll(async () => {
  // Idle contexts expire after 300 ms here, so the expiry test does not wait a minute.
  const fixture = { ...(contoso as Fixture), policy: { ...(contoso as Fixture).policy, enumerationContextTimeoutMs: 300 } };
  emu = await startEmulator({ fixture });
});
afterAll(() => emu.stop());

const SERVER = WMI + 'MSFT_IPAM_Server';
const WQL = 'http://schemas.microsoft.com/wbem/wsman/1/WQL';

function enumerateSpec(inner: string, resourceUri = SERVER, extra: Partial<EnvelopeSpec> = {}): EnvelopeSpec {
  return { action: ACTION.enumerate, resourceUri, body: `<n:Enumerate>${inner}</n:Enumerate>`, ...extra };
}

function contextOf(response: ReturnType<typeof bodyOf>): string | undefined {
  const c = child(response, NS.enumeration, 'EnumerationContext');
  return c ? textOf(c) : undefined;
}

async function pull(context: string, max = 10, auth?: string) {
  return call(
    emu.url,
    { action: ACTION.pull, resourceUri: SERVER, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext><n:MaxElements>${max}</n:MaxElements></n:Pull>` },
    auth ? { Authorization: auth } : {},
  );
}

describe('Enumerate, Pull, Release', () => {
  test('an optimized EnumerateObjectAndEPR returns the instance with its EPR, EndOfSequence and an empty context', async () => {
    const r = await call(emu.url, enumerateSpec('<w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements><w:EnumerationMode>EnumerateObjectAndEPR</w:EnumerationMode>'));
    expect(r.status).toBe(200);
    const resp = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!;
    expect(contextOf(resp)).toBe('');
    expect(child(resp, NS.wsman, 'EndOfSequence')).toBeDefined();
    const [item] = itemsOf(resp);
    expect(item?.local).toBe('Item');
    const [inst, epr] = elements(item!);
    expect(propsOf(inst!).ServerName).toBe('ipam1.contoso.com');
    expect(epr?.local).toBe('EndpointReference');
    // Selectors in EPRs are written with the wsman: prefix (wsl pastes them verbatim).
    expect(r.text).toContain('<wsman:Selector Name="IdentifyingNumber">ipam1.contoso.com</wsman:Selector>');
    expect(r.text).not.toContain('__cimnamespace');
  });

  test('with the DMTF form the EPR carries __cimnamespace, as Windows does (MS-WSMV <45>)', async () => {
    const r = await call(emu.url, { ...enumerateSpec('<w:OptimizeEnumeration/><w:MaxElements>5</w:MaxElements><w:EnumerationMode>EnumerateEPR</w:EnumerationMode>', DMTF + 'MSFT_IPAM_Server'), selectors: { __cimnamespace: 'root/Microsoft/IPAM' } });
    const resp = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!;
    const [epr] = itemsOf(resp);
    expect(epr?.local).toBe('EndpointReference');
    expect(r.text).toContain('<wsman:ResourceURI>http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server</wsman:ResourceURI>');
    expect(r.text).toContain('<wsman:Selector Name="__cimnamespace">root/Microsoft/IPAM</wsman:Selector>');
  });

  test('an unoptimized Enumerate returns a context; Pull returns the item, EndOfSequence and no context; the context is then gone', async () => {
    const e = await call(emu.url, enumerateSpec(''));
    const resp = child(bodyOf(e.xml), NS.enumeration, 'EnumerateResponse')!;
    expect(itemsOf(resp)).toHaveLength(0);
    const ctx = contextOf(resp)!;
    expect(ctx).toMatch(/^uuid:[0-9A-F-]{36}$/);
    const p = await pull(ctx);
    expect(p.status).toBe(200);
    const presp = child(bodyOf(p.xml), NS.enumeration, 'PullResponse')!;
    expect(child(presp, NS.enumeration, 'EnumerationContext')).toBeUndefined();
    expect(child(presp, NS.enumeration, 'EndOfSequence')).toBeDefined();
    expect(itemsOf(presp).map((i) => i.local)).toEqual(['MSFT_IPAM_Server']);
    const again = faultOf((await pull(ctx)).xml);
    expect(again.subcode).toBe('n:InvalidEnumerationContext');
    expect(again.code).toBe('s:Receiver');
    expect(again.wsmanCode).toBe('2150858779');
  });

  test('Release ends a context; a released or unknown context is n:InvalidEnumerationContext', async () => {
    const ctx = contextOf(child(bodyOf((await call(emu.url, enumerateSpec(''))).xml), NS.enumeration, 'EnumerateResponse')!)!;
    const rel = await call(emu.url, { action: ACTION.release, resourceUri: SERVER, body: `<n:Release><n:EnumerationContext>${ctx}</n:EnumerationContext></n:Release>` });
    expect(rel.status).toBe(200);
    expect(elements(bodyOf(rel.xml))).toHaveLength(0);
    expect(faultOf((await pull(ctx)).xml).subcode).toBe('n:InvalidEnumerationContext');
    expect(faultOf((await pull('uuid:00000000-0000-0000-0000-000000000000')).xml).subcode).toBe('n:InvalidEnumerationContext');
  });

  test('an idle context expires (here after 300 ms) and Pull then gets n:InvalidEnumerationContext', async () => {
    const ctx = contextOf(child(bodyOf((await call(emu.url, enumerateSpec(''))).xml), NS.enumeration, 'EnumerateResponse')!)!;
    await new Promise((r) => setTimeout(r, 700));
    expect(faultOf((await pull(ctx)).xml).subcode).toBe('n:InvalidEnumerationContext');
  });

  test("another user cannot pull from someone else's context", async () => {
    const ctx = contextOf(child(bodyOf((await call(emu.url, enumerateSpec(''))).xml), NS.enumeration, 'EnumerateResponse')!)!;
    expect(faultOf((await pull(ctx, 10, IPAMUSER)).xml).subcode).toBe('n:InvalidEnumerationContext');
    expect((await pull(ctx)).status).toBe(200);
  });

  test('a WQL filter selects instances and projects the selected properties only', async () => {
    const q = `SELECT ServerName, ProvisioningState FROM MSFT_IPAM_Server WHERE ServerName = 'IPAM1.contoso.com' AND ProvisioningState = 0`;
    const r = await call(emu.url, enumerateSpec(`<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:Filter Dialect="${WQL}">${q}</w:Filter>`));
    const [inst] = itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!);
    expect(propsOf(inst!)).toEqual({ ProvisioningState: '0', ServerName: 'ipam1.contoso.com' });
    const none = await call(emu.url, enumerateSpec(`<w:OptimizeEnumeration/><w:Filter Dialect="${WQL}">select * from MSFT_IPAM_Server where ProvisioningState = 2</w:Filter>`));
    expect(itemsOf(child(bodyOf(none.xml), NS.enumeration, 'EnumerateResponse')!)).toHaveLength(0);
  });

  test('WQL over the wildcard URI picks the class from the query', async () => {
    const r = await call(emu.url, enumerateSpec(`<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:Filter Dialect="${WQL}">select * from MSFT_IPAM_Server</w:Filter>`, 'http://schemas.dmtf.org/wbem/wscim/1/*', { selectors: { __cimnamespace: 'root/Microsoft/IPAM' } }));
    expect(itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!).map((i) => i.local)).toEqual(['MSFT_IPAM_Server']);
  });

  test('a bad WQL query, an unknown class in it, or an unknown property is n:CannotProcessFilter', async () => {
    for (const q of ['select * form MSFT_IPAM_Server', 'select * from MSFT_Nope', 'select Colour from MSFT_IPAM_Server']) {
      const f = faultOf((await call(emu.url, enumerateSpec(`<w:Filter Dialect="${WQL}">${q}</w:Filter>`))).xml);
      expect(f.subcode).toBe('n:CannotProcessFilter');
      expect(f.wsmanCode).toBe('2150858778');
    }
  });

  test('the SelectorFilter dialect matches on property values', async () => {
    const sel = (v: string) =>
      `<w:OptimizeEnumeration/><w:Filter Dialect="http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"><w:SelectorSet><w:Selector Name="ServerName">${v}</w:Selector></w:SelectorSet></w:Filter>`;
    const hit = await call(emu.url, enumerateSpec(sel('ipam1.contoso.com')));
    expect(itemsOf(child(bodyOf(hit.xml), NS.enumeration, 'EnumerateResponse')!)).toHaveLength(1);
    const miss = await call(emu.url, enumerateSpec(sel('other.contoso.com')));
    expect(itemsOf(child(bodyOf(miss.xml), NS.enumeration, 'EnumerateResponse')!)).toHaveLength(0);
  });

  test('an unsupported dialect (CQL, as wsl sends by default) is n:FilterDialectRequestedUnavailable', async () => {
    const f = faultOf((await call(emu.url, enumerateSpec('<w:Filter Dialect="http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf">select * from MSFT_IPAM_Server</w:Filter>'))).xml);
    expect(f.subcode).toBe('n:FilterDialectRequestedUnavailable');
  });

  test('an unknown EnumerationMode is w:UnsupportedFeature / EnumerationMode', async () => {
    const f = faultOf((await call(emu.url, enumerateSpec('<w:EnumerationMode>EnumerateEverything</w:EnumerationMode>'))).xml);
    expect(f.subcode).toBe('w:UnsupportedFeature');
    expect(f.detail).toMatch(/faultDetail\/EnumerationMode$/);
  });

  test('an optimized reply stays within the smallest MaxEnvelopeSize a client may ask for (8192)', async () => {
    const r = await call(emu.url, { ...enumerateSpec('<w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements><w:EnumerationMode>EnumerateObjectAndEPR</w:EnumerationMode>'), maxEnvelopeSize: 8192 });
    expect(r.status).toBe(200);
    expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(8192);
  });

  test('Renew and GetStatus are a:ActionNotSupported, as on Windows', async () => {
    for (const action of ['http://schemas.xmlsoap.org/ws/2004/09/enumeration/Renew', 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/GetStatus']) {
      const f = faultOf((await call(emu.url, { action, resourceUri: SERVER, body: '<n:Renew/>' })).xml);
      expect(f.subcode).toBe('a:ActionNotSupported');
      expect(f.wsmanCode).toBe('2150858771');
    }
  });
});
