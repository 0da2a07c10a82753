/**
 * Corpus tests: requests exactly as real clients put them on the wire, posted
 * to a real emulator, with the reply a Windows IPAM host gives asserted.
 *
 * 1. mi-client/*.xml — envelopes shaped as the Windows MI client (PowerShell
 *    CIM cmdlets) sends them (reference/wsman-wire.md §2–§4, from the OMI
 *    captures test1/test3.request.xml, Put1.xml and GetClassRequest.xml),
 *    adapted to MSFT_IPAM_Server in root/Microsoft/IPAM. Posted byte for byte.
 * 2. test/corpus/captures/<client>/*.txt — raw HTTP requests captured from
 *    pywinrm, wsl, openwsman and Go winrm, replayed with their own headers and
 *    body; only the redacted Authorization is replaced by real credentials.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startEmulator, type TestEmulator } from '../support/emulator';
import {
  ACTION,
  ADMIN,
  NS,
  attr,
  bodyOf,
  child,
  childrenNamed,
  elements,
  faultOf,
  headerText,
  itemsOf,
  parseXml,
  post,
  propsOf,
  textOf,
} from '../support/soap';
import type { XmlElement } from '../../src/xml/parse';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
// A copy of the team's shared captures (../shared/captures), kept in the repository so a clean clone has them.
const CAPTURES_DIR = path.resolve(REPO_ROOT, 'test', 'corpus', 'captures');
const MI_CLIENT_DIR = path.join(__dirname, 'mi-client');

const DMTF_CLASS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server';
const WMI_ERROR_URI = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError';
const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';
const SERVER_KEYS = {
  Name: 'IP Address Management (IPAM) Server',
  IdentifyingNumber: 'ipam1.contoso.com',
  Vendor: 'Microsoft Corporation',
  Version: '10.0.20348',
};
/** What the MI client sends on every request (OMI wsman.c switches datetime encoding on it). */
const MI_HEADERS = { 'Content-Type': SOAP_CONTENT_TYPE, 'User-Agent': 'Microsoft WinRM Client', Authorization: ADMIN };

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

function messageIdOf(envelopeXml: string): string {
  const id = headerText(parseXml(envelopeXml), NS.addressing, 'MessageID');
  if (id === undefined) throw new Error('the request has no a:MessageID');
  return id.trim();
}

function header(env: XmlElement): XmlElement {
  const h = child(env, NS.soap, 'Header');
  if (!h) throw new Error('reply has no Header');
  return h;
}

/**
 * MS-WSMV 3.1.4.1.39: a server that does not support Robust Connection ignores
 * p:OperationID and leaves p:OperationID / p:SequenceId out of its replies.
 */
function expectNoRobustConnectionHeaders(env: XmlElement): void {
  expect(child(header(env), NS.wsmv, 'OperationID')).toBeUndefined();
  expect(child(header(env), NS.wsmv, 'SequenceId')).toBeUndefined();
}

async function postMi(file: string): Promise<{ status: number; contentType: string | null; env: XmlElement; messageId: string; text: string }> {
  const xml = fs.readFileSync(path.join(MI_CLIENT_DIR, file), 'utf8');
  const r = await post(emu.url, xml, MI_HEADERS);
  return { status: r.status, contentType: r.headers.get('content-type'), env: parseXml(r.text), messageId: messageIdOf(xml), text: r.text };
}

function selectorsOf(epr: XmlElement): { resourceUri: string; selectors: Record<string, string>; prefixes: string[] } {
  expect(textOf(child(epr, NS.addressing, 'Address') as XmlElement)).toBe('http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous');
  const params = child(epr, NS.addressing, 'ReferenceParameters') as XmlElement;
  const uri = child(params, NS.wsman, 'ResourceURI') as XmlElement;
  const set = child(params, NS.wsman, 'SelectorSet') as XmlElement;
  const selectors: Record<string, string> = {};
  const prefixes = [uri.prefix, set.prefix];
  for (const s of childrenNamed(set, NS.wsman, 'Selector')) {
    selectors[attr(s, '', 'Name') ?? ''] = textOf(s);
    prefixes.push(s.prefix);
  }
  return { resourceUri: textOf(uri), selectors, prefixes };
}

/** Asserts the single MSFT_IPAM_Server item of an EnumerateObjectAndEPR reply, in the DMTF form. */
function expectServerItem(env: XmlElement): void {
  const resp = child(bodyOf(env), NS.enumeration, 'EnumerateResponse') as XmlElement;
  expect(resp).toBeDefined();
  // 32000 elements asked for and OptimizeEnumeration: everything comes in this reply.
  expect(child(resp, NS.wsman, 'EndOfSequence')).toBeDefined();
  const items = itemsOf(resp);
  expect(items).toHaveLength(1);
  const item = items[0] as XmlElement;
  expect([item.ns, item.local]).toEqual([NS.wsman, 'Item']);
  const [instance, epr] = elements(item) as [XmlElement, XmlElement];
  expect([instance.ns, instance.local]).toEqual([DMTF_CLASS, 'MSFT_IPAM_Server']);
  expect(propsOf(instance)).toMatchObject({ ...SERVER_KEYS, ServerName: 'ipam1.contoso.com', ProvisioningState: '0' });
  expect([epr.ns, epr.local]).toEqual([NS.addressing, 'EndpointReference']);
  const ref = selectorsOf(epr);
  expect(ref.resourceUri).toBe(DMTF_CLASS);
  const { __cimnamespace: ns, ...keys } = ref.selectors;
  expect(keys).toEqual(SERVER_KEYS);
  // MS-WSMV <45>: with a DMTF URI, Windows returns __cimnamespace inside the EPR.
  expect(ns?.toLowerCase()).toBe('root/microsoft/ipam');
  // wsl pastes EPR lines verbatim into an envelope that binds only s, wsa, wsman, wsen (clients.md).
  expect(new Set(ref.prefixes)).toEqual(new Set(['wsman']));
}

describe('the Windows MI client (PowerShell CIM cmdlets), byte for byte', () => {
  test('Get-CimInstance -ClassName: Enumerate in the DMTF form, objects and EPRs, optimized', async () => {
    const r = await postMi('enumerate-ipam-server.xml');
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(SOAP_CONTENT_TYPE);
    expect(headerText(r.env, NS.addressing, 'Action')).toBe(ACTION.enumerateResponse);
    expect(headerText(r.env, NS.addressing, 'RelatesTo')).toBe(r.messageId);
    expectNoRobustConnectionHeaders(r.env);
    expectServerItem(r.env);
  });

  test('Get-CimInstance -InputObject: Get with __cimnamespace and the four keys', async () => {
    const r = await postMi('get-ipam-server.xml');
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(SOAP_CONTENT_TYPE);
    expect(headerText(r.env, NS.addressing, 'Action')).toBe(ACTION.getResponse);
    expect(headerText(r.env, NS.addressing, 'RelatesTo')).toBe(r.messageId);
    expectNoRobustConnectionHeaders(r.env);
    const body = elements(bodyOf(r.env));
    expect(body).toHaveLength(1);
    const instance = body[0] as XmlElement;
    expect([instance.ns, instance.local]).toEqual([DMTF_CLASS, 'MSFT_IPAM_Server']);
    expect(propsOf(instance)).toMatchObject({ ...SERVER_KEYS, ServerName: 'ipam1.contoso.com', ProvisioningState: '0' });
  });

  test('Get-CimInstance -Query: Enumerate of http://schemas.dmtf.org/wbem/wscim/1/* with a WQL filter', async () => {
    const r = await postMi('query-ipam-server.xml');
    expect(r.status).toBe(200);
    expect(headerText(r.env, NS.addressing, 'Action')).toBe(ACTION.enumerateResponse);
    expect(headerText(r.env, NS.addressing, 'RelatesTo')).toBe(r.messageId);
    expectNoRobustConnectionHeaders(r.env);
    // The items name the class the query selected, not the wildcard URI.
    expectServerItem(r.env);
  });

  test('Invoke-CimMethod (static) with ProvisioningMethod 0 and a nil GpoPrefix: w:InvalidParameter with an MSFT_WmiError naming GpoPrefix', async () => {
    const r = await postMi('invoke-provisioning-gpo-without-prefix.xml');
    expect(r.status).toBe(500);
    expect(r.contentType).toBe(SOAP_CONTENT_TYPE);
    expect(headerText(r.env, NS.addressing, 'RelatesTo')).toBe(r.messageId);
    expectNoRobustConnectionHeaders(r.env);
    const f = faultOf(r.env);
    expect(f.action).toBe(ACTION.wsmanFault);
    expect(f.code).toBe('s:Sender');
    expect(f.subcode).toBe('w:InvalidParameter');
    expect(f.reason).toContain('GpoPrefix');
    const wmiError = elements(child(child(bodyOf(r.env), NS.soap, 'Fault') as XmlElement, NS.soap, 'Detail') as XmlElement).find(
      (e) => e.local === 'MSFT_WmiError',
    ) as XmlElement;
    expect(wmiError.ns).toBe(WMI_ERROR_URI);
    expect(attr(wmiError, NS.cimbinding, 'IsCIM_Error')).toBe('true');
    expect(f.cimError).toMatchObject({ CIMStatusCode: '4', ErrorSource: 'GpoPrefix', error_Category: '5' });
    expect(f.cimError?.Message).toContain('GpoPrefix');
    expect(f.cimError?.MessageID).toEqual(expect.any(String));
  });

  test('Invoke-CimMethod (static) with valid Manual parameters provisions the host: ReturnValue 0 in the _OUTPUT', async () => {
    const r = await postMi('invoke-provisioning-manual.xml');
    expect(r.status).toBe(200);
    expect(headerText(r.env, NS.addressing, 'RelatesTo')).toBe(r.messageId);
    expectNoRobustConnectionHeaders(r.env);
    const out = elements(bodyOf(r.env))[0] as XmlElement;
    expect(out.local).toBe('InvokeIpamServerProvisioning_OUTPUT');
    // ReturnValue last; before it, the Job out parameter: the EPR of the CIM job that ran the call.
    expect(elements(out).map((e) => e.local)).toEqual(['Job', 'ReturnValue']);
    expect(propsOf(out).ReturnValue).toBe('0');
    expect(textOf(child(child(child(out, out.ns, 'Job') as XmlElement, NS.addressing, 'ReferenceParameters') as XmlElement, NS.wsman, 'ResourceURI') as XmlElement)).toMatch(/MSFT_IPAM_ConcreteJob$/);
  });

  test('GetClass: the class in CIM-XML directly under s:Body, with its hierarchy and inherited elements', async () => {
    const r = await postMi('getclass-ipam-server.xml');
    expect(r.status).toBe(200);
    expect(r.contentType).toBe(SOAP_CONTENT_TYPE);
    expect(headerText(r.env, NS.addressing, 'Action')).toBe(ACTION.getResponse);
    expect(headerText(r.env, NS.addressing, 'RelatesTo')).toBe(r.messageId);
    expectNoRobustConnectionHeaders(r.env);
    const body = elements(bodyOf(r.env));
    expect(body).toHaveLength(1);
    const cls = body[0] as XmlElement;
    // CIM-XML (DSP0201) elements are in no namespace (MS-WSMV 3.1.4.1.38).
    expect([cls.ns, cls.local]).toEqual(['', 'CLASS']);
    expect(attr(cls, '', 'NAME')).toBe('MSFT_IPAM_Server');
    expect(attr(cls, '', 'SUPERCLASS')).toBe('CIM_Product');
    expect(attr(cls, '', 'DERIVATION')).toBe('CIM_Product,CIM_ManagedElement');

    const props = new Map(childrenNamed(cls, '', 'PROPERTY').map((p) => [attr(p, '', 'NAME'), p]));
    for (const key of Object.keys(SERVER_KEYS)) {
      const p = props.get(key);
      if (!p) throw new Error(`no PROPERTY ${key} in\n${r.text}`);
      expect([attr(p, '', 'TYPE'), attr(p, '', 'CLASSORIGIN'), attr(p, '', 'PROPAGATED')]).toEqual(['string', 'CIM_Product', 'true']);
      const keyQualifier = childrenNamed(p, '', 'QUALIFIER').find((q) => attr(q, '', 'NAME')?.toLowerCase() === 'key');
      expect(keyQualifier && textOf(child(keyQualifier, '', 'VALUE') as XmlElement)).toBe('true');
    }
    const caption = props.get('Caption');
    expect(caption && [attr(caption, '', 'CLASSORIGIN'), attr(caption, '', 'PROPAGATED')]).toEqual(['CIM_ManagedElement', 'true']);
    const serverName = props.get('ServerName');
    expect(serverName && [attr(serverName, '', 'TYPE'), attr(serverName, '', 'CLASSORIGIN')]).toEqual(['string', 'MSFT_IPAM_Server']);
    expect(serverName && attr(serverName, '', 'PROPAGATED')).not.toBe('true');
    expect(props.get('ProvisioningState') && attr(props.get('ProvisioningState') as XmlElement, '', 'TYPE')).toBe('uint16');

    const method = childrenNamed(cls, '', 'METHOD').find((m) => attr(m, '', 'NAME') === 'InvokeIpamServerProvisioning');
    if (!method) throw new Error(`no METHOD InvokeIpamServerProvisioning in\n${r.text}`);
    expect(attr(method, '', 'TYPE')).toBe('uint32');
    const isStatic = childrenNamed(method, '', 'QUALIFIER').find((q) => attr(q, '', 'NAME')?.toLowerCase() === 'static');
    expect(isStatic && textOf(child(isStatic, '', 'VALUE') as XmlElement)).toBe('true');
    const params = new Map(childrenNamed(method, '', 'PARAMETER').map((p) => [attr(p, '', 'NAME'), attr(p, '', 'TYPE')]));
    expect(params.get('ProvisioningMethod')).toBe('uint16');
    expect(params.get('GpoPrefix')).toBe('string');
  });
});

// ---------------------------------------------------------------------------
// Captured requests of real clients
// ---------------------------------------------------------------------------

interface CapturedRequest {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
  readonly authenticated: boolean;
}

/**
 * Reads one capture: the request line, headers, a blank line, then the body.
 * The body is the last Content-Length bytes (the capture adds a line break
 * before it, which is not part of the request).
 */
function readCapture(file: string): CapturedRequest {
  const raw = fs.readFileSync(file);
  const text = raw.toString('latin1');
  const sep = /\r?\n\r?\n/.exec(text);
  if (!sep) throw new Error(`${file}: no blank line after the headers`);
  const head = text.slice(0, sep.index).split(/\r?\n/);
  const [method, target] = (head[0] ?? '').split(' ');
  const headers = head.slice(1).map((l): [string, string] => {
    const colon = l.indexOf(':');
    return [l.slice(0, colon).trim(), l.slice(colon + 1).trim()];
  });
  const length = Number(headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1]);
  const rest = raw.subarray(sep.index + sep[0].length);
  if (!Number.isInteger(length) || length > rest.length || rest.subarray(0, rest.length - length).toString('latin1').trim() !== '') {
    throw new Error(`${file}: the body does not match its Content-Length`);
  }
  const authenticated = headers.some(([k]) => k.toLowerCase() === 'authorization');
  return {
    name: path.relative(CAPTURES_DIR, file),
    method: method ?? '',
    path: target ?? '',
    // The captured Authorization is redacted: real Basic credentials take its place.
    headers: headers.map(([k, v]) => (k.toLowerCase() === 'authorization' ? [k, ADMIN] : [k, v])),
    body: rest.subarray(rest.length - length),
    authenticated,
  };
}

function replay(port: number, req: CapturedRequest): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of req.headers) headers[k] = v;
    const r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

function listCaptures(): string[] {
  if (!fs.existsSync(CAPTURES_DIR)) return [];
  return fs
    .readdirSync(CAPTURES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      fs
        .readdirSync(path.join(CAPTURES_DIR, d.name))
        .filter((f) => f.endsWith('.txt'))
        .map((f) => path.join(CAPTURES_DIR, d.name, f)),
    )
    .sort();
}

/** What a Windows host answers each captured request, by what it is. */
type Expected =
  /** An unauthenticated Identify learns only the stack version (reference/wsman-wire.md §1). */
  | { kind: 'identify'; productVersion: string }
  | { kind: 'challenge' }
  /** Served from root/cimv2 (issue 10): Win32_Service — Get and Enumerate succeed, StartService of a running service answers 10. */
  | { kind: 'served'; body: 'instance' | 'enumeration' | 'StartService_OUTPUT' }
  /** The WinRS door (issue 11): Create of a cmd shell answers ResourceCreated with the ShellId selector. */
  | { kind: 'shellCreated' }
  /**
   * These captures were taken while the shell door did not exist, so the client never
   * learned a ShellId and sent Command/Delete without one: the shell plugin answers
   * w:InvalidSelectors (reference/winrs-shell.md, "Unknown ShellId").
   */
  | { kind: 'noShellId' }
  /** Not in the emulator's catalog: CIM_ComputerSystem is not found. */
  | { kind: 'notFound' };

function expectedFor(req: CapturedRequest): Expected {
  const env = parseXml(req.body.toString('utf8'));
  const first = elements(bodyOf(env))[0];
  // Windows: without credentials and without `WSMANIDENTIFY: unauthenticated`, even Identify is challenged.
  const identifyHeader = req.headers.some(([k, v]) => k.toLowerCase() === 'wsmanidentify' && v.toLowerCase() === 'unauthenticated');
  if (first && first.ns === NS.identity && first.local === 'Identify') {
    if (req.authenticated) return { kind: 'identify', productVersion: 'OS: 10.0.20348 SP: 0.0 Stack: 3.0' };
    return identifyHeader ? { kind: 'identify', productVersion: 'OS: 0.0.0 SP: 0.0 Stack: 3.0' } : { kind: 'challenge' };
  }
  if (!req.authenticated) return { kind: 'challenge' };
  const text = req.body.toString('utf8');
  if (text.includes('/wmi/root/cimv2/Win32_Service</')) {
    if (first?.local === 'StartService_INPUT') return { kind: 'served', body: 'StartService_OUTPUT' };
    return { kind: 'served', body: first?.local === 'Enumerate' ? 'enumeration' : 'instance' };
  }
  if (text.includes('/wsman/1/windows/shell/cmd</')) {
    return text.includes('/ws/2004/09/transfer/Create</') ? { kind: 'shellCreated' } : { kind: 'noShellId' };
  }
  return { kind: 'notFound' };
}

const captureFiles = listCaptures();

describe('requests captured from real clients (test/corpus/captures), replayed', () => {
  test('the captures are there to replay', () => {
    if (!fs.existsSync(CAPTURES_DIR)) {
      throw new Error(
        `The client captures are missing: expected them in ${CAPTURES_DIR}. ` + 'These tests replay every <client>/*.txt in it.',
      );
    }
    expect(captureFiles.length).toBeGreaterThan(0);
  });

  if (captureFiles.length === 0) return;

  test.each(captureFiles.map((f) => [path.relative(CAPTURES_DIR, f), f]))('%s gets what a Windows host answers', async (_name, file) => {
    const req = readCapture(file);
    const expected = expectedFor(req);
    const r = await replay(emu.port, req);

    if (expected.kind === 'challenge') {
      // A 401 with the Windows challenge; openwsman then retries with Basic.
      expect(r.status).toBe(401);
      const challenge = ([] as string[]).concat(r.headers['www-authenticate'] ?? []).join(', ');
      expect(challenge).toContain('Negotiate');
      expect(challenge).toContain('Basic realm="WSMAN"');
      expect(r.text).toBe('');
      return;
    }

    expect(r.headers['content-type']).toBe(SOAP_CONTENT_TYPE);
    const env = parseXml(r.text);
    if (expected.kind === 'identify') {
      expect(r.status).toBe(200);
      const resp = child(bodyOf(env), NS.identity, 'IdentifyResponse');
      if (!resp) throw new Error(`${req.name}: not an IdentifyResponse:\n${r.text}`);
      expect(textOf(child(resp, NS.identity, 'ProtocolVersion') as XmlElement)).toBe(NS.wsman);
      expect(textOf(child(resp, NS.identity, 'ProductVendor') as XmlElement)).toBe('Microsoft Corporation');
      expect(textOf(child(resp, NS.identity, 'ProductVersion') as XmlElement)).toBe(expected.productVersion);
      return;
    }

    if (expected.kind === 'served') {
      expect(r.status).toBe(200);
      expect(headerText(env, NS.addressing, 'RelatesTo')).toBe(messageIdOf(req.body.toString('utf8')));
      const [answer] = elements(bodyOf(env));
      if (expected.body === 'enumeration') {
        expect(answer?.local).toBe('EnumerateResponse');
        expect(itemsOf(answer as XmlElement).map((i) => propsOf(i).Name)).toContain('Spooler');
      } else if (expected.body === 'instance') {
        expect(answer?.local).toBe('Win32_Service');
        expect(propsOf(answer as XmlElement)).toMatchObject({ Name: 'Spooler', State: 'Running' });
      } else {
        expect(answer?.local).toBe('StartService_OUTPUT');
        expect(propsOf(answer as XmlElement).ReturnValue).toBe('10');
      }
      return;
    }

    if (expected.kind === 'shellCreated') {
      expect(r.status).toBe(200);
      expect(headerText(env, NS.addressing, 'RelatesTo')).toBe(messageIdOf(req.body.toString('utf8')));
      const [answer] = elements(bodyOf(env));
      expect(answer?.local).toBe('ResourceCreated');
      expect(r.text).toMatch(/<w:Selector Name="ShellId">[0-9A-F-]{36}<\/w:Selector>/);
      return;
    }

    // The envelope was understood (no SchemaValidationError, MustUnderstand or
    // InvalidMessageInformationHeader): what is asked for is simply not there.
    expect(r.status).toBe(500);
    const f = faultOf(env);
    if (expected.kind === 'noShellId') {
      expect(f.subcode).toBe('w:InvalidSelectors');
    } else {
      expect(`${f.subcode}: ${f.reason}`).toMatch(/^a:DestinationUnreachable: /);
      expect(f.action).toBe(ACTION.addressingFault);
    }
    expect(f.code).toBe('s:Sender');
    // RelatesTo echoes the MessageID whatever its form (wsl sends a bare UUID).
    expect(headerText(env, NS.addressing, 'RelatesTo')).toBe(messageIdOf(req.body.toString('utf8')));
  });
});
