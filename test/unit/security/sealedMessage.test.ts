/**
 * The MS-WSMV 2.2.9.1.1 framing, without sockets or crypto: what we write is
 * byte for byte what pywinrm 0.3.0 parses (its _decrypt_response splits on
 * "--Encrypted Boundary\r\n" and strips "\tContent-Type: application/octet-stream\r\n"),
 * and what we read tolerates the variations clients send.
 */
import { frameSealed, isEncryptedContentType, parseSealed, SealedFramingError } from '../../../src/security/sealedMessage';

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
    expect(parseSealed(contentType, body)).toEqual({ charset: 'utf-16', length: SEALED.length, signature: SIG, sealed: SEALED });
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
