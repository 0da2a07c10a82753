/**
 * WS-Security over the wire: a request signed with an X.509 key logs on as the
 * account its certificate is mapped to; the reply is signed with the emulator's
 * certificate; a tampered, unmapped or missing signature is refused with the
 * WSS 1.1 fault and changes nothing.
 */
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { signEnvelope, verifySignedEnvelope } from '../../src/security/wsSecurity';
import { makeCertificate, type TestIdentity } from '../support/certificates';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ACTION, WMI, basic, bodyOf, child, elements, envelope, faultOf, itemsOf, parseXml, post, propsOf, NS, type EnvelopeSpec } from '../support/soap';

const SERVER = WMI + 'MSFT_IPAM_Server';
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

let admin: TestIdentity;
let reader: TestIdentity;
let stranger: TestIdentity;
const thumbprintOf = (id: TestIdentity): string => new X509Certificate(id.certificatePem).fingerprint.replace(/:/g, '');

beforeAll(() => {
  admin = makeCertificate('admin.contoso.test');
  reader = makeCertificate('reader.contoso.test');
  stranger = makeCertificate('stranger.example.test');
});

function fixture(policy: { requireSignature?: boolean; certificate?: boolean } = {}): Fixture {
  const fx = loadFixture(path.join(FIXTURES, 'contoso.json'));
  return {
    ...fx,
    policy: { ...fx.policy, auth: { ...fx.policy?.auth, certificate: policy.certificate ?? true, requireSignature: policy.requireSignature ?? false } },
    certificateMappings: [
      { thumbprint: thumbprintOf(admin), host: '*', account: 'Administrator' },
      // Colons and lower case, as a thumbprint is often pasted.
      { thumbprint: thumbprintOf(reader).toLowerCase().replace(/(..)(?!$)/g, '$1:'), host: 'ipam1.contoso.com', account: 'IPAM1\\ipamuser' },
    ],
  };
}

const provisionSpec: EnvelopeSpec = {
  action: `${SERVER}/InvokeIpamServerProvisioning`,
  resourceUri: SERVER,
  body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}"><p:ProvisioningMethod>1</p:ProvisioningMethod><p:Force>true</p:Force></p:InvokeIpamServerProvisioning_INPUT>`,
};
const enumerateSpec: EnvelopeSpec = {
  action: ACTION.enumerate,
  resourceUri: SERVER,
  optionsXml: '',
  body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements></n:Enumerate>',
};

/** Posts a signed envelope with no HTTP credentials: the signature is the logon. */
async function postSigned(emu: TestEmulator, xml: string, headers: Record<string, string> = { Authorization: '' }) {
  const r = await post(emu.url, xml, headers);
  return { status: r.status, text: r.text, xml: r.text ? parseXml(r.text) : undefined };
}

async function provisioningState(emu: TestEmulator): Promise<string | null | undefined> {
  const r = await post(emu.url, envelope(enumerateSpec));
  const resp = child(bodyOf(parseXml(r.text)), NS.enumeration, 'EnumerateResponse');
  return propsOf(itemsOf(resp!)[0]!).ProvisioningState;
}

describe('WS-Security logon', () => {
  let emu: TestEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ fixture: fixture() });
  });
  afterEach(() => emu.stop());

  test('a signed Enumerate without HTTP credentials is answered, and the reply is signed with the emulator certificate', async () => {
    const r = await postSigned(emu, signEnvelope(envelope(enumerateSpec), admin));
    expect(r.status).toBe(200);
    const verified = verifySignedEnvelope(r.text);
    expect(verified.thumbprint).toBe(emu.emulator.tls?.thumbprint);
    expect(verified.signedParts).toContain(`{${NS.soap}}Body`);
    const resp = child(bodyOf(r.xml!), NS.enumeration, 'EnumerateResponse');
    expect(itemsOf(resp!).map((i) => propsOf(i).ServerName)).toEqual(['ipam1.contoso.com']);
    expect(emu.logs().some((l) => l.includes(`"signedBy":"${thumbprintOf(admin)}"`) && l.includes('"user":') === false)).toBe(true);
  });

  test('a signed provisioning Invoke provisions the host as the mapped Administrator', async () => {
    const r = await postSigned(emu, signEnvelope(envelope(provisionSpec), admin));
    expect(r.status).toBe(200);
    const out = elements(bodyOf(r.xml!))[0]!;
    expect(propsOf(out).ReturnValue).toBe('0');
    expect(await provisioningState(emu)).toBe('2');
  });

  test('a tampered request is refused with wsse:FailedCheck, and nothing is provisioned', async () => {
    const signed = signEnvelope(envelope(provisionSpec), admin);
    const tampered = signed.replace('<p:ProvisioningMethod>1</p:ProvisioningMethod>', '<p:ProvisioningMethod>0</p:ProvisioningMethod><p:GpoPrefix>EVIL</p:GpoPrefix>');
    expect(tampered).not.toBe(signed);
    const r = await postSigned(emu, tampered);
    expect(r.status).toBe(500);
    const f = faultOf(r.xml!);
    expect(f.code).toBe('s:Sender');
    expect(f.subcode).toBe('wsse:FailedCheck');
    expect(f.reason).toMatch(/signature/i);
    expect(await provisioningState(emu)).toBe('0');
    expect(emu.logs().some((l) => l.includes('"fault":"wsse:FailedCheck"'))).toBe(true);
  });

  test('a certificate mapped to no account is wsse:FailedAuthentication', async () => {
    const r = await postSigned(emu, signEnvelope(envelope(enumerateSpec), stranger));
    expect(r.status).toBe(500);
    expect(faultOf(r.xml!).subcode).toBe('wsse:FailedAuthentication');
    expect(faultOf(r.xml!).reason).toContain(thumbprintOf(stranger));
  });

  test('a certificate mapped to an IPAM user may read but not provision (w:AccessDenied, itself signed)', async () => {
    expect((await postSigned(emu, signEnvelope(envelope(enumerateSpec), reader))).status).toBe(200);
    const r = await postSigned(emu, signEnvelope(envelope(provisionSpec), reader));
    expect(r.status).toBe(500);
    expect(faultOf(r.xml!).subcode).toBe('w:AccessDenied');
    expect(verifySignedEnvelope(r.text).thumbprint).toBe(emu.emulator.tls?.thumbprint);
  });

  test('an HTTP logon and a signature naming different accounts are refused', async () => {
    const r = await postSigned(emu, signEnvelope(envelope(enumerateSpec), reader), { Authorization: basic('Administrator', 'Passw0rd!') });
    expect(r.status).toBe(500);
    expect(faultOf(r.xml!).subcode).toBe('wsse:FailedAuthentication');
  });

  test('an unsigned request without credentials still gets the 401 challenge', async () => {
    const r = await post(emu.url, envelope(enumerateSpec), { Authorization: '' });
    expect(r.status).toBe(401);
  });
});

describe('requireSignature', () => {
  test('an unsigned request is refused with wsse:InvalidSecurity even with a good password; a signed one works', async () => {
    const emu = await startEmulator({ fixture: fixture({ requireSignature: true }) });
    try {
      const unsigned = await post(emu.url, envelope(provisionSpec));
      expect(unsigned.status).toBe(500);
      expect(faultOf(parseXml(unsigned.text)).subcode).toBe('wsse:InvalidSecurity');
      // Reads too must be signed; a signed read shows the refused call changed nothing.
      expect((await post(emu.url, envelope(enumerateSpec))).status).toBe(500);
      const stateSigned = async (): Promise<string | null | undefined> => {
        const r = await postSigned(emu, signEnvelope(envelope(enumerateSpec), admin));
        return propsOf(itemsOf(child(bodyOf(r.xml!), NS.enumeration, 'EnumerateResponse')!)[0]!).ProvisioningState;
      };
      expect(await stateSigned()).toBe('0');
      const signed = await postSigned(emu, signEnvelope(envelope(provisionSpec), admin));
      expect(signed.status).toBe(200);
      expect(await stateSigned()).toBe('2');
    } finally {
      await emu.stop();
    }
  });
});

describe('where WS-Security is off', () => {
  test('a mustUnderstand wsse:Security header is not understood (s:MustUnderstand)', async () => {
    const emu = await startEmulator({ fixture: fixture({ certificate: false }) });
    try {
      const r = await post(emu.url, signEnvelope(envelope(enumerateSpec), admin));
      expect(r.status).toBe(500);
      const f = faultOf(parseXml(r.text));
      expect(f.code).toBe('s:MustUnderstand');
    } finally {
      await emu.stop();
    }
  });
});
