/**
 * Reading a request body: a hard byte limit (MS-WSMV 3.1.4.1.20: HTTP 413 past
 * MaxEnvelopeSizekb), the SOAP media type (else 415), and the two encodings
 * WinRM accepts, UTF-8 and UTF-16 (docs/research/wsman-facts.md §2). The reply
 * goes back in the request's encoding.
 */
import type { IncomingMessage } from 'node:http';

export type BodyEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export type BodyResult =
  | { readonly kind: 'ok'; readonly text: string; readonly encoding: BodyEncoding; readonly bytes: number }
  | { readonly kind: 'tooLarge'; readonly limit: number }
  | { readonly kind: 'unsupportedMediaType' }
  | { readonly kind: 'badCharset'; readonly detail: string }
  | { readonly kind: 'aborted' };

/** Bytes we are willing to read and discard after refusing an oversized body, before closing. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

type MediaType = { readonly type: string; readonly charset: string | undefined };

/** Parsed Content-Type values: clients send the same few strings over and over. */
const mediaTypes = new Map<string, MediaType>();
const MEDIA_TYPE_CACHE = 64;

export function mediaTypeOf(contentType: string | undefined): MediaType {
  if (contentType === undefined) return parseMediaType(undefined);
  const known = mediaTypes.get(contentType);
  if (known) return known;
  const parsed = parseMediaType(contentType);
  if (mediaTypes.size < MEDIA_TYPE_CACHE && contentType.length <= 256) mediaTypes.set(contentType, parsed);
  return parsed;
}

function parseMediaType(contentType: string | undefined): MediaType {
  const [type, ...params] = (contentType ?? '').split(';');
  let charset: string | undefined;
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(p);
    if (m) charset = (m[1] as string).toLowerCase();
  }
  return { type: (type ?? '').trim().toLowerCase(), charset };
}

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const { type, charset } = mediaTypeOf(req.headers['content-type']);
  if (type !== 'application/soap+xml') {
    drain(req);
    return Promise.resolve({ kind: 'unsupportedMediaType' });
  }
  return readRaw(req, limit).then((r) => (r.kind === 'ok' ? decode(r.bytes, charset) : r));
}

export type RawBodyResult = { readonly kind: 'ok'; readonly bytes: Buffer } | { readonly kind: 'tooLarge'; readonly limit: number } | { readonly kind: 'aborted' };

/** Reads the body's bytes, up to `limit` (past it the rest is drained and refused). */
export function readRaw(req: IncomingMessage, limit: number): Promise<RawBodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    drain(req);
    return Promise.resolve({ kind: 'tooLarge', limit });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (r: RawBodyResult): void => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        drain(req, size);
        finish({ kind: 'tooLarge', limit });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish({ kind: 'ok', bytes: Buffer.concat(chunks, size) }));
    req.on('aborted', () => finish({ kind: 'aborted' }));
    req.on('error', () => finish({ kind: 'aborted' }));
    req.on('close', () => finish({ kind: 'aborted' }));
  });
}

/** True when the request has no body at all (Content-Length 0, or neither length nor chunking). */
export function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) === 0;
  return req.headers['transfer-encoding'] === undefined;
}

/** Reads and discards the rest of a refused body (so the reply is not lost to a reset), up to a cap. */
function drain(req: IncomingMessage, already = 0): void {
  let seen = already;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_LIMIT) req.destroy();
  });
  req.resume();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true });

/** Decodes by BOM first, then by the declared charset (UTF-8 when none is declared). */
export function decode(buf: Buffer, charset: string | undefined): BodyResult {
  let encoding: BodyEncoding;
  let start = 0;
  if (buf[0] === 0xff && buf[1] === 0xfe) {
    encoding = 'utf-16le';
    start = 2;
  } else if (buf[0] === 0xfe && buf[1] === 0xff) {
    encoding = 'utf-16be';
    start = 2;
  } else if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    encoding = 'utf-8';
    start = 3;
  } else if (charset === undefined || charset === 'utf-8' || charset === 'utf8') {
    encoding = 'utf-8';
  } else if (charset === 'utf-16' || charset === 'utf-16le') {
    // UTF-16 without a byte order mark: Windows writes little-endian.
    encoding = 'utf-16le';
  } else if (charset === 'utf-16be') {
    encoding = 'utf-16be';
  } else {
    return { kind: 'badCharset', detail: `the charset ${charset} is not supported; use UTF-8 or UTF-16` };
  }
  if (charset !== undefined && start > 0) {
    // charset=utf-16 leaves the byte order to the BOM; utf-16le/-be and utf-8 must agree with it.
    const declared = charset === 'utf8' ? 'utf-8' : charset;
    const agrees = declared === 'utf-16' ? encoding.startsWith('utf-16') : declared === encoding;
    if (!agrees) return { kind: 'badCharset', detail: `the body's byte order mark does not match charset=${charset}` };
  }
  const body = buf.subarray(start);
  if (encoding !== 'utf-8' && body.length % 2 !== 0) return { kind: 'badCharset', detail: 'a UTF-16 body has an odd number of bytes' };
  try {
    const decoder = encoding === 'utf-8' ? utf8 : encoding === 'utf-16le' ? utf16le : utf16be;
    return { kind: 'ok', text: decoder.decode(body), encoding, bytes: buf.length };
  } catch {
    return { kind: 'badCharset', detail: `the body is not valid ${encoding.toUpperCase()}` };
  }
}

/** Encodes a reply in the request's encoding; UTF-16 replies carry a BOM (as Windows sends them). */
export function encodeReply(text: string, encoding: BodyEncoding): { body: Buffer; contentType: string } {
  if (encoding === 'utf-8') return { body: Buffer.from(text, 'utf8'), contentType: 'application/soap+xml;charset=UTF-8' };
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  if (encoding === 'utf-16be') le.swap16();
  return { body: le, contentType: `application/soap+xml;charset=${encoding === 'utf-16be' ? 'UTF-16BE' : 'UTF-16'}` };
}

export function measureIn(encoding: BodyEncoding): (s: string) => number {
  return encoding === 'utf-8' ? (s) => Buffer.byteLength(s, 'utf8') : (s) => s.length * 2 + 2;
}
