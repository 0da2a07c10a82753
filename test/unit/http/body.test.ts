/**
 * The HTTP body codec: UTF-8 and UTF-16 in (wsman-facts.md §2), replies in the
 * request's encoding with a BOM for UTF-16, and the media type parser.
 */
import { decode, encodeReply, measureIn, mediaTypeOf, type BodyEncoding, type BodyResult } from '../../../src/http/body';

const XML = '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>Grüße € 𝄞</s:Body></s:Envelope>';

const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();
const BOM_LE = Buffer.from([0xff, 0xfe]);
const BOM_BE = Buffer.from([0xfe, 0xff]);
const BOM_UTF8 = Buffer.from([0xef, 0xbb, 0xbf]);

function ok(r: BodyResult): { text: string; encoding: BodyEncoding; bytes: number } {
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r;
}

function badCharset(r: BodyResult): string {
  if (r.kind !== 'badCharset') throw new Error(`expected badCharset, got ${JSON.stringify(r)}`);
  return r.detail;
}

describe('mediaTypeOf', () => {
  it.each<[string | undefined, string, string | undefined]>([
    ['application/soap+xml;charset=UTF-8', 'application/soap+xml', 'utf-8'],
    ['Application/SOAP+XML; charset="utf-16"', 'application/soap+xml', 'utf-16'],
    ['application/soap+xml; action="urn:x"; charset=UTF-16LE', 'application/soap+xml', 'utf-16le'],
    ['application/soap+xml', 'application/soap+xml', undefined],
    ['text/xml; charset=iso-8859-1', 'text/xml', 'iso-8859-1'],
    [undefined, '', undefined],
  ])('%j → type %j, charset %j', (header, type, charset) => {
    expect(mediaTypeOf(header)).toEqual({ type, charset });
  });
});

describe('decode', () => {
  it('UTF-8 without a charset parameter', () => {
    expect(decode(Buffer.from(XML, 'utf8'), undefined)).toEqual({ kind: 'ok', text: XML, encoding: 'utf-8', bytes: Buffer.byteLength(XML) });
  });

  it.each(['utf-8', 'utf8'])('UTF-8 declared as charset=%s', (charset) => {
    expect(ok(decode(Buffer.from(XML, 'utf8'), charset)).text).toBe(XML);
  });

  it('UTF-8 with a BOM: the BOM is not part of the text but counts in bytes', () => {
    const buf = Buffer.concat([BOM_UTF8, Buffer.from(XML, 'utf8')]);
    expect(decode(buf, 'utf-8')).toEqual({ kind: 'ok', text: XML, encoding: 'utf-8', bytes: buf.length });
  });

  it('UTF-16LE with a BOM, charset=utf-16', () => {
    const r = ok(decode(Buffer.concat([BOM_LE, Buffer.from(XML, 'utf16le')]), 'utf-16'));
    expect([r.text, r.encoding]).toEqual([XML, 'utf-16le']);
  });

  it('UTF-16BE with a BOM, charset=utf-16', () => {
    const r = ok(decode(Buffer.concat([BOM_BE, utf16be(XML)]), 'utf-16'));
    expect([r.text, r.encoding]).toEqual([XML, 'utf-16be']);
  });

  it('UTF-16 with a BOM and no charset parameter is still recognised', () => {
    expect(ok(decode(Buffer.concat([BOM_LE, Buffer.from(XML, 'utf16le')]), undefined)).encoding).toBe('utf-16le');
  });

  it('charset=utf-16 without a BOM is read as little-endian, as Windows writes it', () => {
    const r = ok(decode(Buffer.from(XML, 'utf16le'), 'utf-16'));
    expect([r.text, r.encoding]).toEqual([XML, 'utf-16le']);
  });

  it('charset=utf-16be without a BOM is read as big-endian', () => {
    const r = ok(decode(utf16be(XML), 'utf-16be'));
    expect([r.text, r.encoding]).toEqual([XML, 'utf-16be']);
  });

  it.each<[string, string, Buffer]>([
    ['a UTF-16LE BOM', 'utf-8', Buffer.concat([BOM_LE, Buffer.from(XML, 'utf16le')])],
    ['a UTF-16BE BOM', 'utf-8', Buffer.concat([BOM_BE, utf16be(XML)])],
    ['a UTF-8 BOM', 'utf-16', Buffer.concat([BOM_UTF8, Buffer.from(XML, 'utf8')])],
    // The label names the byte order: a big-endian BOM contradicts charset=utf-16le, and vice versa.
    ['a UTF-16BE BOM', 'utf-16le', Buffer.concat([BOM_BE, utf16be(XML)])],
    ['a UTF-16LE BOM', 'utf-16be', Buffer.concat([BOM_LE, Buffer.from(XML, 'utf16le')])],
  ])('%s with charset=%s is refused as a mismatch', (_label, charset, buf) => {
    expect(badCharset(decode(buf, charset))).toBe(`the body's byte order mark does not match charset=${charset}`);
  });

  it('a UTF-16 body with an odd number of bytes is refused', () => {
    const buf = Buffer.concat([BOM_LE, Buffer.from(XML, 'utf16le'), Buffer.from([0x3c])]);
    expect(badCharset(decode(buf, 'utf-16'))).toBe('a UTF-16 body has an odd number of bytes');
  });

  it('an odd-length UTF-16 body without a BOM is refused too', () => {
    expect(badCharset(decode(Buffer.from([0x3c, 0x00, 0x73]), 'utf-16'))).toBe('a UTF-16 body has an odd number of bytes');
  });

  it.each<[string, number[]]>([
    ['a lone continuation byte', [0x3c, 0x80, 0x3e]],
    ['a truncated sequence', [0x3c, 0xc3, 0x28]],
    ['an overlong encoding', [0xc0, 0xbc]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('invalid UTF-8 (%s) is refused', (_label, bytes) => {
    expect(badCharset(decode(Buffer.from(bytes), 'utf-8'))).toBe('the body is not valid UTF-8');
  });

  it('a lone surrogate in UTF-16 is refused', () => {
    expect(badCharset(decode(Buffer.from([0x3c, 0x00, 0x00, 0xd8, 0x3e, 0x00]), 'utf-16'))).toBe('the body is not valid UTF-16LE');
  });

  it.each(['iso-8859-1', 'windows-1252', 'us-ascii', 'utf-32'])('charset=%s is not supported', (charset) => {
    expect(badCharset(decode(Buffer.from('<a/>', 'latin1'), charset))).toBe(`the charset ${charset} is not supported; use UTF-8 or UTF-16`);
  });

  it('an empty body is empty UTF-8', () => {
    expect(decode(Buffer.alloc(0), undefined)).toEqual({ kind: 'ok', text: '', encoding: 'utf-8', bytes: 0 });
  });
});

describe('encodeReply', () => {
  it('UTF-8: no BOM, charset=UTF-8', () => {
    const { body, contentType } = encodeReply(XML, 'utf-8');
    expect(contentType).toBe('application/soap+xml;charset=UTF-8');
    expect(body.equals(Buffer.from(XML, 'utf8'))).toBe(true);
  });

  it('UTF-16LE: BOM FF FE, little-endian, charset=UTF-16', () => {
    const { body, contentType } = encodeReply(XML, 'utf-16le');
    expect(contentType).toBe('application/soap+xml;charset=UTF-16');
    expect([...body.subarray(0, 4)]).toEqual([0xff, 0xfe, 0x3c, 0x00]);
    expect(body.subarray(2).toString('utf16le')).toBe(XML);
  });

  it('UTF-16BE: BOM FE FF, big-endian, charset=UTF-16BE', () => {
    const { body, contentType } = encodeReply(XML, 'utf-16be');
    expect(contentType).toBe('application/soap+xml;charset=UTF-16BE');
    expect([...body.subarray(0, 4)]).toEqual([0xfe, 0xff, 0x00, 0x3c]);
    expect(Buffer.from(body.subarray(2)).swap16().toString('utf16le')).toBe(XML);
  });

  it.each<BodyEncoding>(['utf-8', 'utf-16le', 'utf-16be'])('a %s reply decodes back with its own Content-Type to the same text and encoding', (encoding) => {
    const { body, contentType } = encodeReply(XML, encoding);
    const r = ok(decode(body, mediaTypeOf(contentType).charset));
    expect([r.text, r.encoding]).toEqual([XML, encoding]);
  });
});

describe('measureIn', () => {
  it.each<BodyEncoding>(['utf-8', 'utf-16le', 'utf-16be'])('%s: the measured size is the size encodeReply produces, BOM included', (encoding) => {
    for (const text of ['', 'plain ascii', XML]) {
      expect(measureIn(encoding)(text)).toBe(encodeReply(text, encoding).body.length);
    }
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(measureIn('utf-8')('€')).toBe(3);
  });
});
