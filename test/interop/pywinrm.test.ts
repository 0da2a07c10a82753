/**
 * The real pywinrm 0.3.0 (Debian python3-winrm) against the emulator over a
 * real socket: Basic (transport 'plaintext'), Basic over HTTPS ('ssl') and
 * NTLM with message encryption ('ntlm'). pywinrm_client.py runs one
 * operation per process and prints JSON; these tests assert what the client
 * read from the replies.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { opensslLegacyConf } from '../support/opensslLegacy';
import { haveCommand, havePythonModule, requireOrSkip } from './clients';

jest.setTimeout(30_000);

/** Debian's interpreter: another python3 earlier on PATH may not see Debian's modules (clients.md). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'pywinrm_client.py');
const DMTF_CLASS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server';
const SERVER_KEYS = {
  Name: 'IP Address Management (IPAM) Server',
  IdentifyingNumber: 'ipam1.contoso.com',
  Vendor: 'Microsoft Corporation',
  Version: '10.0.20348',
};

const missing = [
  ...(haveCommand(PYTHON) ? [] : [PYTHON]),
  ...(haveCommand(PYTHON) && !havePythonModule(PYTHON, 'winrm') ? ['python module winrm'] : []),
];

interface ClientItem {
  class_uri: string;
  properties: Record<string, string | null>;
  epr: { resource_uri: string; selectors: Record<string, string> } | null;
}

/** The JSON pywinrm_client.py prints; which fields are present depends on the operation. */
interface ClientResult {
  operation: string;
  ok: boolean;
  error?: string;
  message?: string;
  message_id?: string;
  relates_to?: string | Array<[string, string]>;
  action?: string;
  protocol_version?: string;
  product_vendor?: string;
  product_version?: string;
  messages?: number;
  end_of_sequence?: boolean;
  items?: ClientItem[];
  class_uri?: string;
  element?: string;
  properties?: Record<string, string | null>;
  fault_code?: string;
  fault_subcode?: string;
  http_status_code?: number;
  cim_error?: Record<string, string | null> | null;
  output?: string;
  return_value?: string | null;
  instances?: Array<Record<string, string | null>>;
}

interface ClientOptions {
  /** pywinrm's transport: plaintext (Basic over http, the default), ssl (Basic over https), ntlm. */
  readonly transport?: 'plaintext' | 'ssl' | 'ntlm';
  /** pywinrm's message_encryption (ntlm): auto (the default), always, never. */
  readonly encryption?: 'auto' | 'always' | 'never';
  readonly user?: string;
}

function runClient(url: string, operation: string, password = 'Passw0rd!', argument?: string, opts: ClientOptions = {}): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ['-I', '-B', SCRIPT, url, opts.user ?? 'Administrator', password, operation, ...(argument !== undefined ? [argument] : [])],
      {
        timeout: 25_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          LANG: 'C.UTF-8',
          PYWINRM_TRANSPORT: opts.transport ?? 'plaintext',
          PYWINRM_ENCRYPTION: opts.encryption ?? 'auto',
          // ntlm-auth needs MD4, which Debian 12's OpenSSL keeps in its legacy provider.
          OPENSSL_CONF: opensslLegacyConf(),
        },
      },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`pywinrm_client.py ${operation} failed: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as ClientResult);
        } catch {
          reject(new Error(`pywinrm_client.py ${operation} printed no JSON.\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      },
    );
  });
}

requireOrSkip('pywinrm', missing.length === 0, missing)('pywinrm 0.3.0 (python3-winrm) against the emulator', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  test('Identify: pywinrm reads the vendor, the WS-Man protocol and the OS/stack version', async () => {
    const r = await runClient(emu.url, 'identify');
    expect(r).toMatchObject({
      ok: true,
      protocol_version: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
      product_vendor: 'Microsoft Corporation',
      product_version: 'OS: 10.0.20348 SP: 0.0 Stack: 3.0',
    });
  });

  test('Enumerate (DMTF URI + __cimnamespace, objects and EPRs, optimized) returns the one MSFT_IPAM_Server in one reply', async () => {
    const r = await runClient(emu.url, 'enumerate');
    expect(r.ok).toBe(true);
    expect(r.end_of_sequence).toBe(true);
    expect(r.messages).toBe(1);
    for (const [sent, echoed] of r.relates_to as Array<[string, string]>) expect(echoed).toBe(sent);
    expect(r.items).toHaveLength(1);
    const item = (r.items as ClientItem[])[0] as ClientItem;
    expect(item.class_uri).toBe(DMTF_CLASS);
    expect(item.properties).toMatchObject({ ...SERVER_KEYS, ServerName: 'ipam1.contoso.com', ProvisioningState: '0' });
    expect(item.epr?.resource_uri).toBe(DMTF_CLASS);
    const { __cimnamespace: ns, ...keys } = item.epr?.selectors ?? {};
    expect(keys).toEqual(SERVER_KEYS);
    expect(ns?.toLowerCase()).toBe('root/microsoft/ipam');
  });

  test('Enumerate without OptimizeEnumeration is finished by Pull, each reply relating to its request', async () => {
    const r = await runClient(emu.url, 'enumerate_pull');
    expect(r.ok).toBe(true);
    expect(r.end_of_sequence).toBe(true);
    expect(r.messages).toBeGreaterThanOrEqual(2);
    for (const [sent, echoed] of r.relates_to as Array<[string, string]>) expect(echoed).toBe(sent);
    expect(r.items).toHaveLength(1);
    expect((r.items as ClientItem[])[0]?.properties).toMatchObject({ ServerName: 'ipam1.contoso.com' });
  });

  test('Get with the four keys and __cimnamespace returns the instance', async () => {
    const r = await runClient(emu.url, 'get');
    expect(r.ok).toBe(true);
    expect(r.action).toBe('http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse');
    expect(r.relates_to).toBe(r.message_id);
    expect(r.element).toBe('MSFT_IPAM_Server');
    expect(r.class_uri).toBe(DMTF_CLASS);
    expect(r.properties).toMatchObject({ ...SERVER_KEYS, ServerName: 'ipam1.contoso.com', ProvisioningState: '0' });
  });

  test('InvokeIpamServerProvisioning with ProvisioningMethod 0 and no GpoPrefix: WinRMError w:InvalidParameter naming GpoPrefix', async () => {
    const r = await runClient(emu.url, 'invoke_gpo_without_prefix');
    expect(r).toMatchObject({ ok: false, error: 'WinRMError', http_status_code: 500, fault_code: 's:Sender', fault_subcode: 'w:InvalidParameter' });
    expect(r.message).toContain('GpoPrefix');
    expect(r.relates_to).toBe(r.message_id);
    expect(r.cim_error).toMatchObject({ CIMStatusCode: '4' });
    expect(r.cim_error?.Message).toContain('GpoPrefix');
  });

  test('InvokeIpamServerProvisioning with valid Manual parameters provisions the host: ReturnValue 0', async () => {
    const r = await runClient(emu.url, 'invoke_manual');
    expect(r).toMatchObject({ ok: true, output: 'InvokeIpamServerProvisioning_OUTPUT', return_value: '0' });
    expect(r.relates_to).toBe(r.message_id);
    const server = await runClient(emu.url, 'read', undefined, 'MSFT_IPAM_Server');
    expect(server.instances?.[0]).toMatchObject({ ProvisioningState: '2' });
  });

  test('pywinrm enumerates the jobs and gets each with its state', async () => {
    const jobs = await runClient(emu.url, 'read', undefined, 'MSFT_IPAM_ConcreteJob');
    expect(jobs.instances).toEqual([expect.objectContaining({ JobState: '7', PercentComplete: '100', OperationName: 'InvokeIpamServerProvisioning', TargetHost: 'ipam1.contoso.com' })]);
    const id = jobs.instances?.[0]?.InstanceID as string;
    const got = await runClient(emu.url, 'get_job', undefined, id);
    expect(got).toMatchObject({ ok: true, element: 'MSFT_IPAM_ConcreteJob' });
    expect(got.relates_to).toBe(got.message_id);
    expect(got.properties).toMatchObject({ InstanceID: id, JobState: '7', JobStatus: 'Completed: IPAM was provisioned' });
  });

  test('a wrong password surfaces as InvalidCredentialsError (HTTP 401)', async () => {
    const r = await runClient(emu.url, 'bad_password', 'not-the-password');
    expect(r).toMatchObject({ ok: false, error: 'InvalidCredentialsError' });
  });

  test('root/cimv2: Get of Win32_OperatingSystem (a singleton) reads the fixture host', async () => {
    const r = await runClient(emu.url, 'cimv2_get', undefined, 'Win32_OperatingSystem');
    expect(r).toMatchObject({ ok: true, element: 'Win32_OperatingSystem' });
    expect(r.properties).toMatchObject({ Caption: 'Microsoft Windows Server 2022 Datacenter', Version: '10.0.20348', CSName: 'IPAM1', OSArchitecture: '64-bit' });
  });

  test('root/cimv2: Enumerate of Win32_ServerFeature lists the IPAM Server feature (ID 409)', async () => {
    const r = await runClient(emu.url, 'cimv2_enumerate', undefined, 'Win32_ServerFeature');
    expect(r.ok).toBe(true);
    expect(r.instances).toEqual(expect.arrayContaining([{ ID: '409', ParentID: '0', Name: 'IP Address Management (IPAM) Server' }]));
  });

  test('root/cimv2: an unknown class is WinRMError a:DestinationUnreachable', async () => {
    const r = await runClient(emu.url, 'cimv2_get', undefined, 'Win32_NoSuchThing');
    expect(r).toMatchObject({ ok: false, error: 'WinRMError' });
    expect(r.message).toContain('Win32_NoSuchThing');
  });
});

requireOrSkip('pywinrm', missing.length === 0, missing)('pywinrm provisions with each example of the cmdlet help and reads the host back', () => {
  let emu: TestEmulator;
  afterEach(() => emu.stop());

  test.each([
    ['WID at the default path', {}, { DatabaseType: '1', WidSchemaPath: 'C:\\Windows\\System32\\IPAM\\Database', DatabaseName: 'IPAM' }, { ProvisioningMethod: '1' }],
    [
      'WID at D:\\database, Automatic with GpoPrefix IPAM1',
      { WidSchemaPath: 'D:\\database', ProvisioningMethod: '0', GpoPrefix: 'IPAM1' },
      { DatabaseType: '1', WidSchemaPath: 'D:\\database' },
      { ProvisioningMethod: '0', GpoPrefix: 'IPAM1' },
    ],
    [
      'SQL Server Db1.Contoso.com / Ipamdb / 1433, Windows authentication',
      { DatabaseServer: 'Db1.Contoso.com', DatabaseName: 'Ipamdb', DatabasePort: '1433' },
      { DatabaseType: '2', DatabaseServer: 'Db1.Contoso.com', DatabaseName: 'Ipamdb', DatabasePort: '1433', DatabaseAuthType: '1' },
      { ProvisioningMethod: '1' },
    ],
    [
      'the same with SQL authentication and a credential',
      { DatabaseServer: 'Db1.Contoso.com', DatabaseName: 'Ipamdb', DatabasePort: '1433', DatabaseAuthType: '2', DatabaseCredential: 'IpamSql:Sq1-Passw0rd!' },
      { DatabaseType: '2', DatabaseAuthType: '2', DatabaseUser: 'IpamSql' },
      { ProvisioningMethod: '1' },
    ],
  ])('%s', async (_name, params, dbConfig, serverConfig) => {
    emu = await startEmulator();
    const r = await runClient(emu.url, 'provision', undefined, JSON.stringify({ Force: 'true', ...params }));
    expect(r).toMatchObject({ ok: true, return_value: '0' });
    expect((await runClient(emu.url, 'read', undefined, 'MSFT_IPAM_DBConfig')).instances).toEqual([expect.objectContaining(dbConfig)]);
    expect((await runClient(emu.url, 'read', undefined, 'MSFT_IPAM_ServerConfiguration')).instances).toEqual([expect.objectContaining({ Port: '48885', ...serverConfig })]);
    expect((await runClient(emu.url, 'read', undefined, 'MSFT_IPAM_ServerCapabilities')).instances).toEqual([expect.objectContaining({ Name: 'IpAddressTracking', State: '0' })]);
    const log = (await runClient(emu.url, 'read', undefined, 'MSFT_IPAM_ConfigLogEntry')).instances ?? [];
    expect(log.map((e) => e.OperationalCode)).toEqual(['service', 'database', 'tasks', 'roles', 'method', 'capabilities', 'Completed']);
  });
});

requireOrSkip('pywinrm', missing.length === 0, missing)("pywinrm transport='ssl': Basic over HTTPS", () => {
  const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

  test('against a stock host with Basic turned on: HTTPS works, plain HTTP is refused until AllowUnencrypted', async () => {
    const fx = loadFixture(path.join(FIXTURES, 'windows-defaults.json'));
    const emu = await startEmulator({ fixture: { ...fx, policy: { ...fx.policy, auth: { ...fx.policy?.auth, basic: true } } } });
    try {
      const identify = await runClient(emu.httpsUrl, 'identify', undefined, undefined, { transport: 'ssl' });
      expect(identify).toMatchObject({ ok: true, product_vendor: 'Microsoft Corporation' });
      const r = await runClient(emu.httpsUrl, 'provision', undefined, JSON.stringify({ Force: 'true' }), { transport: 'ssl' });
      expect(r).toMatchObject({ ok: true, return_value: '0' });
      expect((await runClient(emu.httpsUrl, 'read', undefined, 'MSFT_IPAM_Server', { transport: 'ssl' })).instances?.[0]).toMatchObject({ ProvisioningState: '2' });

      const plain = await runClient(emu.url, 'bad_password', 'Passw0rd!');
      expect(plain).toMatchObject({ ok: false, error: 'InvalidCredentialsError' });
    } finally {
      await emu.stop();
    }
    const open = await startEmulator({ fixture: { ...fx, policy: { ...fx.policy, allowUnencrypted: true, auth: { ...fx.policy?.auth, basic: true } } } });
    try {
      expect(await runClient(open.url, 'identify')).toMatchObject({ ok: true, product_vendor: 'Microsoft Corporation' });
    } finally {
      await open.stop();
    }
  });
});

const ntlmMissing = [...missing, ...(missing.length === 0 && !havePythonModule(PYTHON, 'requests_ntlm') ? ['python module requests_ntlm'] : [])];

requireOrSkip('pywinrm', ntlmMissing.length === 0, ntlmMissing)("pywinrm transport='ntlm': Negotiate with sealed messages", () => {
  const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
  const stock = (): Fixture => loadFixture(path.join(FIXTURES, 'windows-defaults.json'));

  test.each(['always', 'auto'] as const)(
    "message_encryption='%s' against a stock host (AllowUnencrypted false, no Basic): Identify, Enumerate, a full provisioning Invoke, and the state read back",
    async (encryption) => {
      const emu = await startEmulator({ fixture: stock() });
      try {
        const ntlm = { transport: 'ntlm', encryption } as const;
        expect(await runClient(emu.url, 'identify', undefined, undefined, ntlm)).toMatchObject({ ok: true, product_vendor: 'Microsoft Corporation' });
        const listed = await runClient(emu.url, 'enumerate', undefined, undefined, ntlm);
        expect(listed).toMatchObject({ ok: true, end_of_sequence: true });
        expect(listed.items?.[0]?.properties).toMatchObject({ ServerName: 'ipam1.contoso.com', ProvisioningState: '0' });
        const r = await runClient(
          emu.url,
          'provision',
          undefined,
          JSON.stringify({ Force: 'true', DatabaseServer: 'Db1.Contoso.com', DatabaseName: 'Ipamdb', DatabasePort: '1433', DatabaseAuthType: '2', DatabaseCredential: 'IpamSql:Sq1-Passw0rd!' }),
          ntlm,
        );
        expect(r).toMatchObject({ ok: true, return_value: '0' });
        expect(r.relates_to).toBe(r.message_id);
        expect((await runClient(emu.url, 'read', undefined, 'MSFT_IPAM_DBConfig', ntlm)).instances).toEqual([
          expect.objectContaining({ DatabaseType: '2', DatabaseServer: 'Db1.Contoso.com', DatabaseAuthType: '2', DatabaseUser: 'IpamSql' }),
        ]);
        expect((await runClient(emu.url, 'read', undefined, 'MSFT_IPAM_Server', ntlm)).instances?.[0]).toMatchObject({ ProvisioningState: '2' });
        // Every message after the handshake went sealed, and no secret reached the log.
        const requests = emu.logs().filter((l) => l.includes('"msg":"request"') && l.includes('"op":'));
        expect(requests.length).toBeGreaterThanOrEqual(5);
        for (const l of requests) expect(l).toContain('"sealed":true');
        expect(emu.logs().join('\n')).not.toMatch(/Passw0rd|Sq1-Passw0rd/);
      } finally {
        await emu.stop();
      }
    },
  );

  test('a wrong password is InvalidCredentialsError, and so is an unknown account', async () => {
    const emu = await startEmulator({ fixture: stock() });
    try {
      expect(await runClient(emu.url, 'bad_password', 'not-the-password', undefined, { transport: 'ntlm' })).toMatchObject({ ok: false, error: 'InvalidCredentialsError' });
      expect(await runClient(emu.url, 'bad_password', 'Passw0rd!', undefined, { transport: 'ntlm', user: 'nobody' })).toMatchObject({ ok: false, error: 'InvalidCredentialsError' });
      expect(emu.logs().some((l) => l.includes('"authError":"logon failed'))).toBe(true);
    } finally {
      await emu.stop();
    }
  });

  test("message_encryption='never' over HTTP: refused while AllowUnencrypted is false, answered once it is true", async () => {
    const fx = stock();
    const emu = await startEmulator({ fixture: fx });
    try {
      const r = await runClient(emu.url, 'identify', undefined, undefined, { transport: 'ntlm', encryption: 'never' });
      // pywinrm turns the 500 and its fault into WinRMError carrying the fault's text.
      expect(r).toMatchObject({ ok: false, error: 'WinRMError' });
      expect(r.message).toContain('AllowUnencrypted is false');
    } finally {
      await emu.stop();
    }
    const open = await startEmulator({ fixture: { ...fx, policy: { ...fx.policy, allowUnencrypted: true } } });
    try {
      expect(await runClient(open.url, 'identify', undefined, undefined, { transport: 'ntlm', encryption: 'never' })).toMatchObject({ ok: true, product_vendor: 'Microsoft Corporation' });
    } finally {
      await open.stop();
    }
  });

  test.each(['auto', 'always'] as const)("over HTTPS (message_encryption='%s'): requests_ntlm's logon (with its channel binding) is accepted", async (encryption) => {
    const emu = await startEmulator({ fixture: stock() });
    try {
      const r = await runClient(emu.httpsUrl, 'enumerate', undefined, undefined, { transport: 'ntlm', encryption });
      expect(r).toMatchObject({ ok: true, end_of_sequence: true });
      const op = emu.logs().find((l) => l.includes('"msg":"request"') && l.includes('"op":"Enumerate"')) ?? '';
      expect(op).toContain('"tls":true');
      expect(op).toContain('"auth":"Negotiate"');
      // 'auto' leaves the bodies to TLS; 'always' seals them as well.
      expect(op.includes('"sealed":true')).toBe(encryption === 'always');
    } finally {
      await emu.stop();
    }
  });

  test('an IPAM user logged on with NTLM can enumerate but not provision (w:AccessDenied, sealed)', async () => {
    const emu = await startEmulator({ fixture: stock() });
    try {
      const reader = { transport: 'ntlm', encryption: 'always', user: 'ipamuser' } as const;
      expect(await runClient(emu.url, 'enumerate', undefined, undefined, reader)).toMatchObject({ ok: true });
      const r = await runClient(emu.url, 'provision', undefined, JSON.stringify({ Force: 'true' }), reader);
      expect(r).toMatchObject({ ok: false, fault_subcode: 'w:AccessDenied', http_status_code: 500 });
    } finally {
      await emu.stop();
    }
  });
});
