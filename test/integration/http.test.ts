import http from 'node:http';
import { ADMIN, ACTION, IDENTIFY, WMI, envelope, faultOf, parseXml, post, rawHttp, statusOf } from '../support/soap';
import { startEmulator, type TestEmulator } from '../support/emulator';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

const base = (): string => emu.url.replace(/\/wsman$/, '');

describe('HTTP transport', () => {
  test('POST /wsman/ (trailing slash) and /WSMAN (any case, as HTTP.sys matches) are the endpoint too', async () => {
    for (const path of ['/wsman/', '/WSMAN', '/WsMan/']) {
      const r = await post(base() + path, IDENTIFY);
      expect(r.status).toBe(200);
    }
  });

  test('other paths are 404 and other methods on /wsman are 405 with Allow: POST', async () => {
    const notFound = await fetch(base() + '/wsmanx', { method: 'POST', body: IDENTIFY });
    expect(notFound.status).toBe(404);
    const get = await fetch(emu.url, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.headers.get('server')).toBe('Microsoft-HTTPAPI/2.0');
  });

  test('a body that is not application/soap+xml is 415', async () => {
    const r = await post(emu.url, IDENTIFY, { 'Content-Type': 'text/xml' });
    expect(r.status).toBe(415);
  });

  test('a body over MaxEnvelopeSizekb (500 KB) is HTTP 413 with w:EncodingLimit, declared or chunked', async () => {
    const big = envelope({ action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', body: `<x>${'a'.repeat(600 * 1024)}</x>` });
    const r = await post(emu.url, big);
    expect(r.status).toBe(413);
    expect(faultOf(parseXml(r.text)).subcode).toBe('w:EncodingLimit');

    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(emu.url, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', Authorization: ADMIN, 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 12; i++) req.write('<x>' + 'b'.repeat(64 * 1024) + '</x>');
      req.end();
    });
    expect(chunked).toBe(413);
    expect((await post(emu.url, IDENTIFY)).status).toBe(200);
  });

  test('a UTF-16LE request (with BOM) is answered in UTF-16 with charset=UTF-16', async () => {
    const body = Buffer.from('\ufeff' + IDENTIFY, 'utf16le');
    const res = await fetch(emu.url, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml;charset=UTF-16', Authorization: ADMIN }, body });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/soap+xml;charset=UTF-16');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toContain('IdentifyResponse');
  });

  test('a UTF-16BE request is answered in UTF-16BE', async () => {
    const le = Buffer.from('\ufeff' + IDENTIFY, 'utf16le');
    const be = Buffer.from(le).swap16();
    const res = await fetch(emu.url, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml;charset=UTF-16', Authorization: ADMIN }, body: be });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xfe, 0xff]);
    expect(Buffer.from(bytes.subarray(2)).swap16().toString('utf16le')).toContain('IdentifyResponse');
  });

  test('a charset WinRM does not accept is w:EncodingLimit / CharacterSet', async () => {
    const r = await post(emu.url, IDENTIFY, { 'Content-Type': 'application/soap+xml;charset=iso-8859-1' });
    expect(r.status).toBe(500);
    const f = faultOf(parseXml(r.text));
    expect(f.subcode).toBe('w:EncodingLimit');
    expect(f.detail).toMatch(/faultDetail\/CharacterSet$/);
    expect(f.wsmanCode).toBe('2150858828');
  });

  test('several requests share one keep-alive connection', async () => {
    const req = `POST /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${ADMIN}\r\nContent-Type: application/soap+xml;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(IDENTIFY)}\r\n\r\n${IDENTIFY}`;
    const raw = await rawHttp(emu.port, req + req + req, { timeoutMs: 1000 });
    expect(raw.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3);
    expect(statusOf(raw)).toBe(200);
  });

  test('one structured log line per request, with the operation and the user but no Authorization header', async () => {
    const before = emu.logs().length;
    await post(emu.url, envelope({ action: ACTION.get, resourceUri: WMI + 'MSFT_IPAM_Server', selectors: { Name: 'x' } }));
    const lines = emu.logs().slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', status: 500, op: 'Get', user: 'IPAM1\\Administrator', fault: 'w:InvalidSelectors', host: 'ipam1.contoso.com' });
    expect(JSON.stringify(lines)).not.toContain(ADMIN.slice(6));
  });

  test('a SOAP 1.1 envelope is s:VersionMismatch and names the supported envelope', async () => {
    const soap11 = '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>';
    const r = await post(emu.url, soap11);
    const env = parseXml(r.text);
    expect(faultOf(env).code).toBe('s:VersionMismatch');
    expect(r.text).toContain('<s:SupportedEnvelope qname="s:Envelope"/>');
  });
});
