/**
 * The real wsl 0.2.1 (Dell's "Wsman Shell Command Line", bash + curl + xmllint)
 * against the emulator over a real socket. Each run gets a fresh directory as
 * HOME and working directory (wsl writes its config, requests and responses
 * there). wsl prints the xmllint-formatted reply; these tests parse it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { startEmulator, tempDir, type TestEmulator } from '../support/emulator';
import { NS, attr, bodyOf, child, childrenNamed, elements, faultOf, headerText, itemsOf, parseXml, propsOf, textOf } from '../support/soap';
import type { XmlElement } from '../../src/xml/parse';
import { haveCommand, requireOrSkip } from './clients';

jest.setTimeout(30_000);

const WMI_CLASS = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server';
const DMTF_CLASS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server';
const WQL = 'http://schemas.microsoft.com/wbem/wsman/1/WQL';
const SERVER_KEYS = {
  Name: 'IP Address Management (IPAM) Server',
  IdentifyingNumber: 'ipam1.contoso.com',
  Vendor: 'Microsoft Corporation',
  Version: '10.0.20348',
};

/** wsl itself, and what it runs: curl (HTTP), xmllint (formatting), uuidgen (MessageIDs). */
const missing = ['wsl', 'curl', 'xmllint', 'uuidgen', 'bash'].filter((c) => !haveCommand(c));

/** wsl colours its output with ANSI SGR sequences (ESC [ … m). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

interface WslRun {
  code: number;
  /** Output with wsl's ANSI colour codes removed. */
  output: string;
  /** Every SOAP envelope in the output, parsed. */
  envelopes: XmlElement[];
  dir: string;
}

/**
 * Runs wsl against 127.0.0.1:port. Over plain HTTP unless `caCert` is given: then
 * over HTTPS (WSNOSSL unset), and wsl finds the certificate as <endpoint>.crt in
 * its working directory and has curl verify the server with it (--cacert).
 */
function runWsl(port: number, args: readonly string[], caCert?: string): Promise<WslRun> {
  const dir = tempDir('wsl-interop-');
  if (caCert !== undefined) fs.writeFileSync(`${dir}/127.0.0.1:${port}.crt`, caCert);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    ...(caCert === undefined ? { WSNOSSL: '1' } : {}),
    KEEPHISTORY: '0',
    OUTLEVEL: '1',
    WSENDPOINT: `127.0.0.1:${port}`,
    WSUSER: 'Administrator',
    WSPASS: 'Passw0rd!',
  };
  return new Promise((resolve, reject) => {
    execFile('wsl', [...args], { cwd: dir, env, timeout: 25_000 }, (err, stdout, stderr) => {
      // wsl exits non-zero when the reply is not the one it hoped for (a fault): that is data, not a failure.
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (err && (err.killed || code === -1)) {
        reject(new Error(`wsl ${args.join(' ')} did not finish: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      const output = stdout.replace(ANSI_COLOUR, '');
      const envelopes = output
        .split(/<\?xml[^>]*\?>/)
        .map((s) => s.trim())
        .filter((s) => s.startsWith('<s:Envelope'))
        .map((s) => parseXml(s));
      resolve({ code, output, envelopes, dir });
    });
  });
}

/**
 * The items of every reply wsl printed for one enumeration (the EnumerateResponse,
 * then a PullResponse per Pull); each reply must be one, not a fault.
 */
function enumerationItems(run: WslRun): XmlElement[] {
  expect(run.envelopes.length).toBeGreaterThan(0);
  return run.envelopes.flatMap((env) => {
    const body = bodyOf(env);
    const resp = child(body, NS.enumeration, 'EnumerateResponse') ?? child(body, NS.enumeration, 'PullResponse');
    if (!resp) throw new Error(`wsl printed a reply that is not an enumeration response:\n${run.output}`);
    return itemsOf(resp);
  });
}

/** The invoke request wsl built (it enumerates first, so it is not the first request file). */
function sentInvoke(dir: string): string {
  const file = fs
    .readdirSync(dir)
    .filter((f) => /^request-\d+\.xml$/.test(f))
    .map((f) => fs.readFileSync(`${dir}/${f}`, 'utf8'))
    .find((text) => text.includes('InvokeIpamServerProvisioning_INPUT'));
  if (file === undefined) throw new Error(`wsl wrote no invoke request in ${dir}`);
  return file;
}

function selectorsOf(epr: XmlElement): Record<string, string> {
  const params = child(epr, NS.addressing, 'ReferenceParameters') as XmlElement;
  const set = child(params, NS.wsman, 'SelectorSet') as XmlElement;
  const out: Record<string, string> = {};
  for (const s of childrenNamed(set, NS.wsman, 'Selector')) out[attr(s, '', 'Name') ?? ''] = textOf(s);
  return out;
}

requireOrSkip('wsl', missing.length === 0, missing)('wsl 0.2.1 (Dell Wsman Shell Command Line) against the emulator', () => {
  let emu: TestEmulator;
  const dirs: string[] = [];
  const wsl = async (...args: string[]): Promise<WslRun> => {
    const run = await runWsl(emu.port, args);
    dirs.push(run.dir);
    return run;
  };
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('identify check: the authenticated IdentifyResponse', async () => {
    const r = await wsl('identify', 'check');
    expect(r.code).toBe(0);
    expect(r.envelopes).toHaveLength(1);
    const resp = child(bodyOf(r.envelopes[0] as XmlElement), NS.identity, 'IdentifyResponse') as XmlElement;
    expect(textOf(child(resp, NS.identity, 'ProductVendor') as XmlElement)).toBe('Microsoft Corporation');
    expect(textOf(child(resp, NS.identity, 'ProductVersion') as XmlElement)).toBe('OS: 10.0.20348 SP: 0.0 Stack: 3.0');
  });

  test('enum -mode objepr on the WMI URI: the instance and its EPR, with wsman: selectors', async () => {
    const r = await wsl('enum', WMI_CLASS, '-mode', 'objepr');
    expect(r.code).toBe(0);
    const items = enumerationItems(r);
    expect(items).toHaveLength(1);
    const item = items[0] as XmlElement;
    expect(item.local).toBe('Item');
    const [instance, epr] = elements(item) as [XmlElement, XmlElement];
    expect(instance.ns).toBe(WMI_CLASS);
    expect(propsOf(instance)).toMatchObject({ ...SERVER_KEYS, ServerName: 'ipam1.contoso.com', ProvisioningState: '0' });
    expect(epr.local).toBe('EndpointReference');
    const params = child(epr, NS.addressing, 'ReferenceParameters') as XmlElement;
    expect(textOf(child(params, NS.wsman, 'ResourceURI') as XmlElement)).toBe(WMI_CLASS);
    expect(selectorsOf(epr)).toEqual(SERVER_KEYS);
    // wsl pastes these lines into its next request verbatim: the prefix must be wsman.
    expect(r.output).toMatch(/<wsman:Selector Name="IdentifyingNumber">ipam1\.contoso\.com<\/wsman:Selector>/);
  });

  test('enum with a WQL filter (SELECT ServerName … WHERE): only the selected property of the matching instance', async () => {
    const r = await wsl('enum', WMI_CLASS, '-filter', "SELECT ServerName FROM MSFT_IPAM_Server WHERE ServerName = 'ipam1.contoso.com'", '-dialect', WQL);
    expect(r.code).toBe(0);
    const items = enumerationItems(r);
    expect(items).toHaveLength(1);
    expect(propsOf(items[0] as XmlElement)).toEqual({ ServerName: 'ipam1.contoso.com' });
  });

  test('enum with a WQL WHERE that matches nothing: an empty, finished enumeration', async () => {
    const r = await wsl('enum', WMI_CLASS, '-filter', "SELECT ServerName FROM MSFT_IPAM_Server WHERE ServerName = 'nosuch.contoso.com'", '-dialect', WQL);
    expect(r.code).toBe(0);
    const items = enumerationItems(r);
    expect(items).toHaveLength(0);
  });

  test('get with the four keys: the instance', async () => {
    const r = await wsl(
      'get',
      WMI_CLASS,
      `Name=${SERVER_KEYS.Name}`,
      `IdentifyingNumber=${SERVER_KEYS.IdentifyingNumber}`,
      `Vendor=${SERVER_KEYS.Vendor}`,
      `Version=${SERVER_KEYS.Version}`,
    );
    expect(r.code).toBe(0);
    expect(r.envelopes).toHaveLength(1);
    const env = r.envelopes[0] as XmlElement;
    expect(headerText(env, NS.addressing, 'Action')).toBe('http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse');
    const instance = elements(bodyOf(env))[0] as XmlElement;
    expect(instance.local).toBe('MSFT_IPAM_Server');
    expect(instance.ns).toBe(WMI_CLASS);
    expect(propsOf(instance)).toMatchObject({ ...SERVER_KEYS, ServerName: 'ipam1.contoso.com', ProvisioningState: '0' });
  });

  test('invoke InvokeIpamServerProvisioning ProvisioningMethod=1 (selectors pasted from an EPR enumeration) provisions the host', async () => {
    const r = await wsl('invoke', WMI_CLASS, 'InvokeIpamServerProvisioning', 'ProvisioningMethod=1', 'Force=true');
    // wsl's status is 0 when the reply holds an _OUTPUT.
    expect(r.code).toBe(0);
    expect(r.envelopes).toHaveLength(1);
    const out = elements(bodyOf(r.envelopes[0] as XmlElement))[0] as XmlElement;
    expect(out.local).toBe('InvokeIpamServerProvisioning_OUTPUT');
    // ReturnValue last; before it, the Job out parameter: the EPR of the CIM job that ran the call.
    expect(elements(out).map((e) => e.local)).toEqual(['Job', 'ReturnValue']);
    expect(propsOf(out).ReturnValue).toBe('0');
    expect(textOf(child(child(child(out, out.ns, 'Job') as XmlElement, NS.addressing, 'ReferenceParameters') as XmlElement, NS.wsman, 'ResourceURI') as XmlElement)).toMatch(/MSFT_IPAM_ConcreteJob$/);
    // The request wsl built from our EPR was well-formed and bound: it reached the method, so its selectors parsed.
    expect(sentInvoke(r.dir)).toContain('<wsman:Selector Name="IdentifyingNumber">ipam1.contoso.com</wsman:Selector>');
  });

  test('invoke with ProvisioningMethod=0 on the DMTF URI (-n root/Microsoft/IPAM): the GpoPrefix invalid-parameter fault', async () => {
    const r = await wsl('invoke', DMTF_CLASS, 'InvokeIpamServerProvisioning', 'ProvisioningMethod=0', '-n', 'root/Microsoft/IPAM');
    expect(r.code).not.toBe(0);
    expect(r.envelopes).toHaveLength(1);
    const f = faultOf(r.envelopes[0] as XmlElement);
    expect(f.subcode).toBe('w:InvalidParameter');
    expect(f.reason).toContain('GpoPrefix');
    expect(f.cimError).toMatchObject({ CIMStatusCode: '4' });
    expect(f.cimError?.Message).toContain('GpoPrefix');
    expect(r.output).toContain('GpoPrefix is required');
    // The DMTF EPR carried __cimnamespace, which wsl pasted into its invoke.
    expect(sentInvoke(r.dir)).toMatch(/<wsman:Selector Name="__cimnamespace">root\/Microsoft\/IPAM<\/wsman:Selector>/i);
  });
  test('root/cimv2: get of Win32_OperatingSystem (no selectors: a singleton) reads the fixture host', async () => {
    const r = await wsl('get', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_OperatingSystem');
    // wslget's status is whether the reply mentions the last selector's name; with no selector it is
    // always 1 (grep ":\>" finds nothing), so the reply itself is what is checked.
    expect(r.envelopes).toHaveLength(1);
    const instance = elements(bodyOf(r.envelopes[0] as XmlElement))[0] as XmlElement;
    expect(instance.local).toBe('Win32_OperatingSystem');
    expect(propsOf(instance)).toMatchObject({ Caption: 'Microsoft Windows Server 2022 Datacenter', Version: '10.0.20348', CSName: 'IPAM1' });
  });

  test('root/cimv2: get of Win32_Service Name=WinRM (a keyed class) exits 0 with the running service', async () => {
    const r = await wsl('get', 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Service', 'Name=WinRM');
    expect(r.code).toBe(0);
    expect(propsOf(elements(bodyOf(r.envelopes[0] as XmlElement))[0] as XmlElement)).toMatchObject({ Name: 'WinRM', State: 'Running' });
  });

  test('root/cimv2: enum of Win32_ServerFeature, and a WQL query of it, list the IPAM Server feature', async () => {
    const uri = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_ServerFeature';
    const all = enumerationItems(await wsl('enum', uri)).map(propsOf);
    expect(all).toEqual(expect.arrayContaining([{ ID: '409', ParentID: '0', Name: 'IP Address Management (IPAM) Server' }]));
    const one = enumerationItems(await wsl('enum', uri, '-filter', 'SELECT * FROM Win32_ServerFeature WHERE ID = 409', '-dialect', WQL)).map(propsOf);
    expect(one).toEqual([{ ID: '409', ParentID: '0', Name: 'IP Address Management (IPAM) Server' }]);
  });
});

requireOrSkip('wsl', missing.length === 0, missing)('wsl over HTTPS (curl verifying the emulator certificate)', () => {
  let emu: TestEmulator;
  const dirs: string[] = [];
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('identify check and an enumeration over TLS', async () => {
    const httpsPort = Number(new URL(emu.httpsUrl).port);
    const cert = fs.readFileSync(`${emu.dataDir}/tls/cert.pem`, 'utf8');
    const id = await runWsl(httpsPort, ['identify', 'check'], cert);
    dirs.push(id.dir);
    expect(id.code).toBe(0);
    // wsl logs the curl command it ran: https, with the certificate as CA, not --insecure.
    const written = fs
      .readdirSync(id.dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => fs.readFileSync(`${e.parentPath}/${e.name}`, 'utf8'))
      .join('\n');
    const curlLine = written.split('\n').find((l) => l.startsWith('curl ')) ?? '';
    expect(curlLine).toContain(`https://127.0.0.1:${httpsPort}/wsman`);
    expect(curlLine).toContain('--cacert');
    const resp = child(bodyOf(id.envelopes[0] as XmlElement), NS.identity, 'IdentifyResponse') as XmlElement;
    expect(textOf(child(resp, NS.identity, 'ProductVendor') as XmlElement)).toBe('Microsoft Corporation');

    const en = await runWsl(httpsPort, ['enum', WMI_CLASS], cert);
    dirs.push(en.dir);
    expect(en.code).toBe(0);
    expect(enumerationItems(en).map((i) => propsOf(i).ServerName)).toEqual(['ipam1.contoso.com']);
    // The request really went over TLS: the emulator logged it on the HTTPS port.
    expect(emu.logs().some((l) => l.includes('"msg":"request"') && l.includes('"tls":true'))).toBe(true);
  });
});
