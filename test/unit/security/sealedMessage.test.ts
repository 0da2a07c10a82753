/**
 * The MS-WSMV 2.2.9.1.1 framing, without sockets or crypto: what we write is
 * byte for byte what pywinrm 0.3.0 parses (its _decrypt_response splits on
 * "--Encrypted Boundary\r\n" and strips "\tContent-Type: application/octet-stream\r\n"),
 * and what we read tolerates the variations clients send.
 */
import { frameSealed, isEncryptedContentType, parseSealed, SealedFramingError, withoutPadding } from '../../../src/security/sealedMessage';

const CT = 'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"';
const SIG = Buffer.alloc(16, 0xab);
const SEALED = Buffer.from('sealed bytes \r\n--Encrypted Boundary\r\n inside', 'latin1');

/** pywinrm's reader, transcribed: the reference for what a reply must look like. */
function pywinrmReads(body: Buffer): { length: number; signature: Buffer; sealed: Buffer } {
  const boundary = Buffer.from('--Encrypted Boundary\r\n');
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const i = body.indexOf(boundary, at);
    if (i === -1) {
      parts.push(body.subarray(at));
      break;
    }
    parts.push(body.subarray(at, i));
    at = i + boundary.length;
  }
  const nonEmpty = parts.filter((p) => p.length > 0);
  const header = nonEmpty[0]!.toString('latin1').trim();
  let payload = nonEmpty[1]!;
  if (payload.toString('latin1').endsWith('--Encrypted Boundary--\r\n')) payload = payload.subarray(0, payload.length - 24);
  const data = Buffer.from(payload.toString('latin1').replace('\tContent-Type: application/octet-stream\r\n', ''), 'latin1');
  const sigLen = data.readInt32LE(0);
  return { length: Number(header.split('Length=')[1]), signature: data.subarray(4, 4 + sigLen), sealed: data.subarray(4 + sigLen) };
}

describe('frameSealed', () => {
  test('writes the Windows framing that pywinrm parses', () => {
    const plainLikeSealed = Buffer.from('0123456789', 'latin1');
    const { body, contentType } = frameSealed(SIG, plainLikeSealed, 'UTF-8');
    expect(contentType).toBe(CT);
    expect(body.toString('latin1')).toBe(
      '--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n' +
        '\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=10\r\n' +
        '--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n' +
        '\x10\x00\x00\x00' +
        SIG.toString('latin1') +
        '0123456789--Encrypted Boundary--\r\n',
    );
    expect(pywinrmReads(body)).toEqual({ length: 10, signature: SIG, sealed: plainLikeSealed });
  });

  test('round-trips through parseSealed, even when the sealed bytes contain the boundary', () => {
    const { body, contentType } = frameSealed(SIG, SEALED, 'UTF-16');
    expect(parseSealed(contentType, body)).toEqual({ charset: 'utf-16', length: SEALED.length, signature: SIG, sealed: SEALED, indented: true });
  });
});

describe('parseSealed', () => {
  const framed = frameSealed(SIG, SEALED, 'UTF-8').body.toString('latin1');

  test.each([
    ['TAB-indented CRLF headers (Windows, pywinrm)', framed],
    ['no TAB', framed.replace(/\r\n\t/g, '\r\n')],
    ['bare LF', framed.replace(/\r\n\t/g, '\n')],
    ['header names in other case', framed.replace('OriginalContent', 'originalcontent').replace(/Content-Type/g, 'content-type')],
    ['no CRLF after the closing boundary', framed.replace(/--Encrypted Boundary--\r\n$/, '--Encrypted Boundary--')],
  ])('reads %s', (_name, text) => {
    expect(parseSealed(CT, Buffer.from(text, 'latin1'))).toMatchObject({ length: SEALED.length, signature: SIG, sealed: SEALED });
  });

  test.each([
    ['no closing boundary', framed.replace(/--Encrypted Boundary--\r\n$/, ''), 'malformed'],
    ['a Length that is not the sealed size', framed.replace(/Length=\d+/, 'Length=3'), 'malformed'],
    ['no OriginalContent', framed.replace(/\tOriginalContent:[^\r]*\r\n/, ''), 'malformed'],
    ['a signature length other than 16', framed.replace('\x10\x00\x00\x00', '\x20\x00\x00\x00'), 'malformed'],
    ['another type in the second part', framed.replace('application/octet-stream', 'text/plain'), 'malformed'],
    ['garbage', 'hello', 'malformed'],
  ])('refuses %s', (_name, text, kind) => {
    expect(() => parseSealed(CT, Buffer.from(text, 'latin1'))).toThrow(SealedFramingError);
    expect(() => parseSealed(CT, Buffer.from(text, 'latin1'))).toThrow(expect.objectContaining({ kind }));
  });

  test('Kerberos and CredSSP protocols are unsupported, not malformed', () => {
    for (const ct of [CT.replace('SPNEGO', 'Kerberos'), 'multipart/x-multi-encrypted;protocol="application/HTTP-CredSSP-session-encrypted";boundary="Encrypted Boundary"']) {
      expect(() => parseSealed(ct, Buffer.from(framed, 'latin1'))).toThrow(expect.objectContaining({ kind: 'unsupported' }));
    }
  });

  test('isEncryptedContentType', () => {
    expect(isEncryptedContentType(CT)).toBe(true);
    expect(isEncryptedContentType('Multipart/Encrypted; boundary=x')).toBe(true);
    expect(isEncryptedContentType('application/soap+xml;charset=UTF-8')).toBe(false);
    expect(isEncryptedContentType(undefined)).toBe(false);
  });
});

/**
 * OMI's client reader (Unix/http/httpclientauth.c, HttpClient_DecryptData), transcribed: after a
 * boundary it compares each line's start with "Content-Type" / "OriginalContent:"; an indented
 * line is "bogus" and skipped, so a TAB-framed reply never yields its octet-stream part.
 */
function omiReads(body: Buffer): { length: number; signature: Buffer; sealed: Buffer } | undefined {
  const text = body.toString('latin1');
  let length = 0;
  let at = text.indexOf('--Encrypted Boundary\r\n');
  while (at !== -1) {
    let line = text.indexOf('\r\n', at) + 2;
    while (line > 1 && line < text.length) {
      const end = text.indexOf('\r\n', line);
      const l = text.slice(line, end);
      if (/^OriginalContent:/i.test(l)) length = Number(/length=(\d+)/i.exec(l)?.[1]);
      else if (/^Content-Type\s*:\s*application\/octet-stream/i.test(l)) {
        const payload = body.subarray(end + 2);
        const sigLen = payload.readUInt32LE(0);
        return { length, signature: payload.subarray(4, 4 + sigLen), sealed: payload.subarray(4 + sigLen, 4 + sigLen + length) };
      } else if (l.startsWith('--')) break;
      line = end + 2;
    }
    at = text.indexOf('--Encrypted Boundary\r\n', at + 1);
  }
  return undefined;
}

describe("a client's own framing", () => {
  test('a request framed with TABs is marked indented; one without is not', () => {
    const tabbed = frameSealed(SIG, SEALED, 'UTF-8');
    expect(parseSealed(tabbed.contentType, tabbed.body).indented).toBe(true);
    const plain = frameSealed(SIG, SEALED, 'UTF-8', false);
    expect(plain.body.toString('latin1')).toContain('\r\nContent-Type: application/octet-stream\r\n');
    expect(plain.body.toString('latin1')).not.toContain('\t');
    expect(parseSealed(plain.contentType, plain.body).indented).toBe(false);
  });

  test("OMI's reader finds the sealed part only in the TAB-less framing", () => {
    const plain = frameSealed(SIG, SEALED, 'UTF-8', false);
    const read = omiReads(plain.body);
    expect(read?.sealed.equals(SEALED)).toBe(true);
    expect(read?.signature.equals(SIG)).toBe(true);
    expect(omiReads(frameSealed(SIG, SEALED, 'UTF-8').body)).toBeUndefined();
  });

  test('read as OMI reads (headersAtLineStart), a TAB-indented reply is refused; a plain one is read', () => {
    const tabbed = frameSealed(SIG, SEALED, 'UTF-8');
    expect(() => parseSealed(tabbed.contentType, tabbed.body, { headersAtLineStart: true })).toThrow(SealedFramingError);
    const plain = frameSealed(SIG, SEALED, 'UTF-8', false);
    expect(parseSealed(plain.contentType, plain.body, { headersAtLineStart: true }).sealed.equals(SEALED)).toBe(true);
  });
});

describe('withoutPadding', () => {
  const xml = '<s:Envelope/>';
  test('takes trailing NULs off a UTF-8 message, and only trailing ones', () => {
    const padded = Buffer.concat([Buffer.from(xml), Buffer.alloc(3)]);
    expect(withoutPadding(padded, 'utf-8').toString()).toBe(xml);
    const inside = Buffer.from('<s:Envelope>\0</s:Envelope>');
    expect(withoutPadding(inside, 'utf-8')).toBe(inside);
    expect(withoutPadding(Buffer.from(xml), undefined).toString()).toBe(xml);
  });

  test.each([
    ['utf-16', 'utf16le' as const, 1],
    ['utf-16', 'utf16le' as const, 2],
    ['utf-16', 'utf16le' as const, 15],
  ])('keeps a %s (LE) message whole whatever the padding length (%s, %i bytes)', (charset, enc, n) => {
    const padded = Buffer.concat([Buffer.from(xml, enc), Buffer.alloc(n)]);
    expect(withoutPadding(padded, charset).toString(enc)).toBe(xml);
  });

  test('keeps a UTF-16BE message whole with an odd padding', () => {
    const be = Buffer.from(xml, 'utf16le').swap16();
    const padded = Buffer.concat([be, Buffer.alloc(7)]);
    expect(withoutPadding(padded, 'utf-16be').equals(be)).toBe(true);
  });
});
