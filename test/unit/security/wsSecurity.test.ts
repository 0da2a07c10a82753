import { X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import {
  ALGORITHM,
  WSSE_NS,
  WSU_NS,
  WsSecurityError,
  hasSecurityHeader,
  signEnvelope,
  verifySignedEnvelope,
  type VerifyOptions,
} from '../../../src/security/wsSecurity';
import { ACTION, NS, child, childrenNamed, elements, envelope, parseXml, textOf, attr } from '../../support/soap';
import { makeCertificate, type TestIdentity } from '../../support/certificates';
import { wcfStyleSignedRequest } from './independentSigner';

const SOAP_BODY = `{${NS.soap}}Body`;
const TIMESTAMP = `{${WSU_NS}}Timestamp`;
const MINUTE = 60_000;

let alice: TestIdentity;
let mallory: TestIdentity;

beforeAll(() => {
  alice = makeCertificate('alice.contoso.test');
  mallory = makeCertificate('mallory.example.test');
});

/** A WS-Man Enumerate as Windows' MI client shapes it (test/support/soap.ts). */
function enumerateRequest(): string {
  return envelope({
    action: ACTION.enumerate,
    resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*',
    body:
      '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32000</w:MaxElements>' +
      '<w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Win32_Service</w:Filter></n:Enumerate>',
  });
}

function thumbprintOf(identity: TestIdentity): string {
  return new X509Certificate(identity.certificatePem).fingerprint.replace(/:/g, '');
}

/** The WsSecurityError verifySignedEnvelope raises; fails the test when it accepts. */
function rejection(xml: string, opts: VerifyOptions = {}): WsSecurityError {
  try {
    verifySignedEnvelope(xml, opts);
  } catch (e) {
    if (e instanceof WsSecurityError) return e;
    throw e;
  }
  throw new Error('verifySignedEnvelope accepted the message');
}

/** Replaces exactly one occurrence, so a test never passes on a tampering that did nothing. */
function tamper(xml: string, from: string | RegExp, to: string): string {
  const matches = typeof from === 'string' ? xml.split(from).length - 1 : (xml.match(new RegExp(from, 'g')) ?? []).length;
  if (matches !== 1) throw new Error(`expected one occurrence of ${String(from)}, found ${matches}`);
  return xml.replace(from, to);
}

function bodyIdOf(signed: string): string {
  const body = child(parseXml(signed), NS.soap, 'Body');
  const id = body ? attr(body, WSU_NS, 'Id') : undefined;
  if (id === undefined) throw new Error('the signed Body has no wsu:Id');
  return id;
}

const BODY_ELEMENT = /<s:Body[^>]*>[\s\S]*<\/s:Body>/;
const SECURITY_ELEMENT = /<wsse:Security[\s\S]*<\/wsse:Security>/;

describe('signEnvelope and verifySignedEnvelope', () => {
  it('verifies a signed WS-Man request and reports the Windows thumbprint and the signed parts', () => {
    const signed = signEnvelope(enumerateRequest(), alice);
    const result = verifySignedEnvelope(signed, { trusted: (t) => t === thumbprintOf(alice) });
    expect(result.thumbprint).toBe(thumbprintOf(alice));
    expect(result.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    expect(result.certificate.subject).toBe('CN=alice.contoso.test');
    expect(result.signedParts.sort()).toEqual([SOAP_BODY, TIMESTAMP].sort());
  });

  it('keeps the request text and adds a mustUnderstand Security header first in the Header', () => {
    const request = enumerateRequest();
    const signed = signEnvelope(request, alice);
    expect(signed).toContain(request.slice(request.indexOf('<a:To>'), request.indexOf('</s:Header>')));
    const header = child(parseXml(signed), NS.soap, 'Header');
    const first = header ? elements(header)[0] : undefined;
    if (!first) throw new Error('the signed envelope has an empty Header');
    expect(first).toMatchObject({ ns: WSSE_NS, local: 'Security' });
    expect(attr(first, NS.soap, 'mustUnderstand')).toBe('true');
    const stamp = child(first, WSU_NS, 'Timestamp');
    const time = (local: string): number => Date.parse(textOf((stamp && child(stamp, WSU_NS, local)) ?? first));
    expect(time('Expires') - time('Created')).toBe(5 * MINUTE);
    expect(hasSecurityHeader(signed)).toBe(true);
    expect(hasSecurityHeader(request)).toBe(false);
  });

  it('signs envelopes with no Header, an empty Header, an empty Body or a default namespace', () => {
    const shapes = [
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:wsmid="${NS.identity}"><s:Body><wsmid:Identify/></s:Body></s:Envelope>`,
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:wsmid="${NS.identity}"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`,
      `<s:Envelope xmlns:s="${NS.soap}"><s:Header></s:Header><s:Body/></s:Envelope>`,
      `<Envelope xmlns="${NS.soap}"><Header/><Body><Identify xmlns="${NS.identity}"/></Body></Envelope>`,
    ];
    for (const xml of shapes) {
      expect(verifySignedEnvelope(signEnvelope(xml, alice)).signedParts).toContain(SOAP_BODY);
    }
  });

  it('fills a Security header that is already there instead of adding a second', () => {
    const xml = envelope({ action: ACTION.get, headersXml: `<o:Security xmlns:o="${WSSE_NS}" xmlns:s="${NS.soap}" s:mustUnderstand="true"/>` });
    const signed = signEnvelope(xml, alice);
    const header = child(parseXml(signed), NS.soap, 'Header');
    expect(header && childrenNamed(header, WSSE_NS, 'Security')).toHaveLength(1);
    expect(verifySignedEnvelope(signed).thumbprint).toBe(thumbprintOf(alice));
  });

  it('refuses to sign an envelope twice, and a key that is not the certificate\'s', () => {
    const signed = signEnvelope(enumerateRequest(), alice);
    expect(() => signEnvelope(signed, alice)).toThrow(/already holds/);
    expect(() => signEnvelope(enumerateRequest(), { privateKeyPem: mallory.privateKeyPem, certificatePem: alice.certificatePem })).toThrow(
      /does not belong to the certificate/,
    );
  });
});

describe('tampering is detected', () => {
  let signed: string;
  beforeAll(() => {
    signed = signEnvelope(enumerateRequest(), alice);
  });

  it('the Body text', () => {
    expect(rejection(tamper(signed, 'Win32_Service', 'Win32_Process'))).toMatchObject({ reason: 'bad-signature', wssFault: 'FailedCheck' });
  });

  it('an attribute in the Body', () => {
    expect(rejection(tamper(signed, 'wsman/1/WQL"', 'wsman/1/WQL2"')).reason).toBe('bad-signature');
  });

  it('the Timestamp', () => {
    const later = new Date(Date.now() + 60 * MINUTE).toISOString();
    expect(rejection(tamper(signed, /<wsu:Expires>[^<]*</, `<wsu:Expires>${later}<`)).reason).toBe('bad-signature');
  });

  it('the certificate, swapped for another', () => {
    const other = new X509Certificate(mallory.certificatePem).raw.toString('base64');
    const swapped = tamper(signed, /(<wsse:BinarySecurityToken[^>]*>)[^<]*</, `$1${other}<`);
    expect(rejection(swapped, { trusted: () => true }).reason).toBe('bad-signature');
  });

  it('the SignatureValue', () => {
    const flipped = signed.replace(/(<ds:SignatureValue>)(.)/, (_m, open: string, c: string) => open + (c === 'A' ? 'B' : 'A'));
    expect(flipped).not.toBe(signed);
    expect(rejection(flipped).reason).toBe('bad-signature');
  });

  it('a second Body', () => {
    expect(rejection(tamper(signed, '</s:Envelope>', '<s:Body/></s:Envelope>')).reason).toBe('malformed');
  });

  it('the signed Body moved into a header and a new Body put in its place (signature wrapping)', () => {
    const original = (BODY_ELEMENT.exec(signed) ?? [''])[0];
    const wrapped = tamper(signed, BODY_ELEMENT, '<s:Body><n:Enumerate><w:Filter>SELECT * FROM Win32_Process</w:Filter></n:Enumerate></s:Body>').replace(
      '<s:Header>',
      `<s:Header><x:Wrapper xmlns:x="urn:attacker">${original}</x:Wrapper>`,
    );
    // The digests still match (the moved Body is unchanged), so xml-crypto alone accepts it:
    // only the structural check stops it.
    const naive = new SignedXml({ publicCert: alice.certificatePem });
    naive.loadSignature((/<ds:Signature[\s\S]*<\/ds:Signature>/.exec(wrapped) ?? [''])[0]);
    expect(naive.checkSignature(wrapped)).toBe(true);
    expect(rejection(wrapped)).toMatchObject({ reason: 'unsigned-body', message: expect.stringMatching(/does not cover the s:Body/) });
    // The same with the new Body carrying the signed Body's Id: duplicate IDs.
    const sameId = wrapped.replace('<s:Body><n:Enumerate>', `<s:Body xmlns:wsu="${WSU_NS}" wsu:Id="${bodyIdOf(signed)}"><n:Enumerate>`);
    expect(rejection(sameId).reason).toBe('malformed');
  });

  it('a duplicate ID, in any ID-like attribute', () => {
    const id = bodyIdOf(signed);
    expect(rejection(tamper(signed, '<a:To>', `<x:Decoy xmlns:x="urn:x" ID="${id}"/><a:To>`))).toMatchObject({
      reason: 'malformed',
      message: expect.stringContaining('more than once'),
    });
    expect(rejection(tamper(signed, '<a:To>', `<x:Decoy xmlns:x="urn:x" xmlns:wsu="${WSU_NS}" wsu:Id="${id}"/><a:To>`)).reason).toBe('malformed');
  });

  it('a Security header that is not a direct child of s:Header', () => {
    const block = (SECURITY_ELEMENT.exec(signed) ?? [''])[0];
    const nested = tamper(signed, SECURITY_ELEMENT, `<x:Outer xmlns:x="urn:x">${block}</x:Outer>`);
    expect(rejection(nested).reason).toBe('missing-security');
  });

  it('a KeyInfo that names the certificate instead of referring to the token', () => {
    const keyIdentifier = tamper(
      signed,
      /<wsse:Reference URI="#X509-[^"]*"[^>]*\/>/,
      `<wsse:KeyIdentifier ValueType="http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1">${Buffer.from(thumbprintOf(alice), 'hex').toString('base64')}</wsse:KeyIdentifier>`,
    );
    expect(rejection(keyIdentifier)).toMatchObject({ reason: 'unsupported-algorithm', wssFault: 'UnsupportedSecurityToken' });
  });

  it('a KeyInfo that refers to a token outside the Security header', () => {
    const outside = tamper(signed, '<a:To>', `<wsse:BinarySecurityToken xmlns:wsse="${WSSE_NS}" xmlns:wsu="${WSU_NS}" wsu:Id="decoy">AAAA</wsse:BinarySecurityToken><a:To>`);
    const pointed = tamper(outside, /URI="#X509-[^"]*"/, 'URI="#decoy"');
    expect(rejection(pointed)).toMatchObject({ reason: 'malformed', wssFault: 'SecurityTokenUnavailable' });
  });

  it('a second Security header', () => {
    expect(rejection(tamper(signed, '<a:To>', `<o:Security xmlns:o="${WSSE_NS}"/><a:To>`)).reason).toBe('malformed');
  });
});

describe('what the signature must cover', () => {
  it('an unsigned Body beside a signed Timestamp is refused', () => {
    expect(rejection(wcfStyleSignedRequest({ identity: alice, sign: ['timestamp'] })).reason).toBe('unsigned-body');
  });

  it('an unsigned Timestamp beside a signed Body is refused', () => {
    expect(rejection(wcfStyleSignedRequest({ identity: alice, sign: ['body'] }))).toMatchObject({
      reason: 'bad-signature',
      message: expect.stringMatching(/Timestamp/),
    });
  });

  it('a message with no Security header, or a Security header without a Signature, is refused', () => {
    expect(rejection(enumerateRequest())).toMatchObject({ reason: 'missing-security', wssFault: 'InvalidSecurity' });
    const unsigned = signEnvelope(enumerateRequest(), alice).replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
    expect(rejection(unsigned).reason).toBe('missing-signature');
  });
});

describe('time', () => {
  const inDays = (d: number): Date => new Date(Date.now() + d * 24 * 60 * MINUTE);

  it('an expired certificate is refused (valid two days, used on the third)', () => {
    const later = inDays(3);
    expect(rejection(signEnvelope(enumerateRequest(), alice, { now: later }), { now: later })).toMatchObject({
      reason: 'expired',
      wssFault: 'InvalidSecurityToken',
      message: expect.stringMatching(/certificate expired/),
    });
  });

  it('a certificate not yet valid is refused', () => {
    const earlier = inDays(-1);
    expect(rejection(signEnvelope(enumerateRequest(), alice, { now: earlier }), { now: earlier }).message).toMatch(/not valid before/);
  });

  it('an expired Timestamp is refused, within the clock skew it is not', () => {
    const signedAt = new Date();
    const signed = signEnvelope(enumerateRequest(), alice, { now: signedAt });
    const after = (minutes: number): Date => new Date(signedAt.getTime() + minutes * MINUTE);
    expect(verifySignedEnvelope(signed, { now: after(9) }).thumbprint).toBe(thumbprintOf(alice));
    expect(rejection(signed, { now: after(11) })).toMatchObject({ reason: 'expired', wssFault: 'MessageExpired' });
    expect(rejection(signed, { now: after(6), maxClockSkewMs: 0 }).reason).toBe('expired');
  });

  it('a Timestamp created in the future is refused', () => {
    const signed = signEnvelope(enumerateRequest(), alice, { now: new Date(Date.now() + 10 * MINUTE) });
    expect(rejection(signed).message).toMatch(/in the future/);
  });
});

describe('trust', () => {
  it('asks about the thumbprint and refuses an untrusted certificate', () => {
    const trusted = jest.fn(() => false);
    expect(rejection(signEnvelope(enumerateRequest(), mallory), { trusted })).toMatchObject({
      reason: 'untrusted-certificate',
      wssFault: 'FailedAuthentication',
    });
    expect(trusted).toHaveBeenCalledWith(thumbprintOf(mallory));
  });
});

describe('parsing comes first', () => {
  it('refuses a DOCTYPE before xml-crypto sees the message', () => {
    const load = jest.spyOn(SignedXml.prototype, 'loadSignature');
    const check = jest.spyOn(SignedXml.prototype, 'checkSignature');
    try {
      const signed = signEnvelope(enumerateRequest(), alice);
      const withDoctype = `<!DOCTYPE s:Envelope [<!ENTITY lol "lol">]>${signed}`;
      expect(rejection(withDoctype)).toMatchObject({ reason: 'malformed', message: expect.stringMatching(/not acceptable XML/) });
      expect(rejection(tamper(signed, 'Win32_Service', '&lol;')).reason).toBe('malformed');
      expect(load).not.toHaveBeenCalled();
      expect(check).not.toHaveBeenCalled();
    } finally {
      load.mockRestore();
      check.mockRestore();
    }
  });
});

describe('algorithms and interop', () => {
  it('accepts RSA-SHA1 with SHA-1 digests from an independent, WCF-shaped signer', () => {
    const result = verifySignedEnvelope(wcfStyleSignedRequest({ identity: alice }));
    expect(result.thumbprint).toBe(thumbprintOf(alice));
    expect(result.signedParts).toEqual([TIMESTAMP, SOAP_BODY]);
  });

  it('accepts RSA-SHA256 with InclusiveNamespaces prefix lists', () => {
    const xml = wcfStyleSignedRequest({
      identity: alice,
      signatureAlgorithm: ALGORITHM.rsaSha256,
      digestAlgorithm: ALGORITHM.sha256,
      inclusivePrefixes: ['s', 'w'],
    });
    expect(xml).toContain('PrefixList="s w"');
    expect(verifySignedEnvelope(xml).thumbprint).toBe(thumbprintOf(alice));
  });

  it('refuses other signature methods, digests and canonicalisations', () => {
    const rsaSha512 = wcfStyleSignedRequest({ identity: alice, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512' });
    expect(rejection(rsaSha512)).toMatchObject({ reason: 'unsupported-algorithm', wssFault: 'UnsupportedAlgorithm' });
    const sha512 = wcfStyleSignedRequest({ identity: alice, digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha512' });
    expect(rejection(sha512).reason).toBe('unsupported-algorithm');
    const inclusive = wcfStyleSignedRequest({ identity: alice, canonicalizationAlgorithm: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315' });
    expect(rejection(inclusive).reason).toBe('unsupported-algorithm');
  });

  it('refuses a certificate whose key is not RSA', () => {
    const ec = makeCertificate('ec.example.test', { keyType: 'ec' });
    const der = new X509Certificate(ec.certificatePem).raw.toString('base64');
    const signed = signEnvelope(enumerateRequest(), alice);
    const swapped = tamper(signed, /(<wsse:BinarySecurityToken[^>]*>)[^<]*</, `$1${der}<`);
    expect(rejection(swapped).reason).toBe('unsupported-algorithm');
  });
});
