import { ADMIN, IDENTIFY, NS, basic, child, parseXml, post, textOf } from '../support/soap';
import { startEmulator, type TestEmulator } from '../support/emulator';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

function productVersion(text: string): string {
  const env = parseXml(text);
  const body = child(env, NS.soap, 'Body');
  const resp = body && child(body, NS.identity, 'IdentifyResponse');
  const v = resp && child(resp, NS.identity, 'ProductVersion');
  if (!v) throw new Error(`no ProductVersion in ${text}`);
  return textOf(v);
}

describe('Identify', () => {
  test('unauthenticated Identify (WSMANIDENTIFY: unauthenticated) reveals only the stack version', async () => {
    const r = await post(emu.url, IDENTIFY, { Authorization: '', WSMANIDENTIFY: 'unauthenticated' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/soap+xml;charset=UTF-8');
    expect(productVersion(r.text)).toBe('OS: 0.0.0 SP: 0.0 Stack: 3.0');
    expect(r.text).toContain('<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>');
    expect(r.text).not.toContain('SecurityProfiles');
  });

  test('authenticated Identify gives the emulated OS version and the security profiles', async () => {
    const r = await post(emu.url, IDENTIFY, { Authorization: ADMIN });
    expect(r.status).toBe(200);
    expect(productVersion(r.text)).toBe('OS: 10.0.20348 SP: 0.0 Stack: 3.0');
    expect(r.text).toContain('secprofile/http/basic');
  });

  test('a request without credentials and without WSMANIDENTIFY gets the Windows 401 challenge', async () => {
    const r = await post(emu.url, IDENTIFY, { Authorization: '' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Negotiate, Basic realm="WSMAN"');
    expect(r.text).toBe('');
  });

  test('a wrong password gets 401 and the log names the user but never the password', async () => {
    const r = await post(emu.url, IDENTIFY, { Authorization: basic('Administrator', 'Wr0ng-Secret!') });
    expect(r.status).toBe(401);
    const log = emu.logs().join('\n');
    expect(log).toContain('Administrator');
    expect(log).not.toContain('Wr0ng-Secret!');
    expect(log).not.toContain(Buffer.from('Administrator:Wr0ng-Secret!').toString('base64'));
  });
});
