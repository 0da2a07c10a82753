/**
 * The MIME framing of an encrypted WS-Man message, MS-WSMV 2.2.9.1.1 (Negotiate/SPNEGO):
 *
 *   Content-Type: multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"
 *
 *   --Encrypted Boundary\r\n
 *   \tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n
 *   \tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=<plain bytes>\r\n
 *   --Encrypted Boundary\r\n
 *   \tContent-Type: application/octet-stream\r\n
 *   <uint32 LE signature length = 16><signature><sealed message>--Encrypted Boundary--\r\n
 *
 * Read liberally (part headers with or without the TAB, CRLF or LF, any header case).
 * Written as Windows writes it (TAB-indented part headers, which pywinrm's parser depends
 * on: it strips "\tContent-Type: application/octet-stream\r\n" literally), or, for a client
 * that framed its own request without the TAB, without it: OMI's client finds a part
 * header only at the start of a line (Unix/http/httpclientauth.c, HttpClient_DecryptData).
 *
 * OMI and pypsrp's Kerberos/CredSSP framing pad the plaintext before sealing (OMI: NUL bytes
 * up to a multiple of 16, "because gss and sspi don't agree on padding"), and OriginalContent's
 * Length counts the padding: `withoutPadding` takes it off again. Pure: no sockets, no crypto.
 */

export const SPNEGO_ENCRYPTED = 'application/HTTP-SPNEGO-session-encrypted';
const BOUNDARY = 'Encrypted Boundary';

export class SealedFramingError extends Error {
  constructor(
    /** 'unsupported': a protocol we do not speak (Kerberos, CredSSP); 'malformed': anything else wrong. */
    readonly kind: 'unsupported' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'SealedFramingError';
  }
}

export interface SealedMessage {
  /** The OriginalContent type's charset, lower-cased (undefined when not given). */
  readonly charset: string | undefined;
  /** The plain message's length in bytes, as OriginalContent declares it. */
  readonly length: number;
  readonly signature: Buffer;
  readonly sealed: Buffer;
  /** The part headers were indented (a TAB, as Windows and pywinrm write them): answer the same way. */
  readonly indented: boolean;
}

export interface ParseOptions {
  /**
   * Read part headers only where they start a line, as OMI's client does (a TAB-indented header
   * is not one). Used by our client to read replies the way OMI would; the server reads liberally.
   */
  readonly headersAtLineStart?: boolean;
}

interface ContentType {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

/** A Content-Type value: the media type (lower case) and its parameters (names lower case, quotes removed). */
function parseContentType(value: string): ContentType {
  const [type = '', ...rest] = value.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq === -1) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    params.set(name, v);
  }
  return { type: type.trim().toLowerCase(), params };
}

/** True when the request's Content-Type says the body is encrypted (any protocol). */
export function isEncryptedContentType(contentType: string | undefined): boolean {
  // Most requests are application/soap+xml: answer those without parsing the header.
  if (contentType === undefined || !/^\s*multipart\//i.test(contentType)) return false;
  const type = parseContentType(contentType).type;
  return type === 'multipart/encrypted' || type === 'multipart/x-multi-encrypted';
}

/** Reads one line (up to LF, CR stripped) from `buf` at `at`; undefined when there is no LF. */
function lineAt(buf: Buffer, at: number, limit: number): { text: string; next: number } | undefined {
  const lf = buf.indexOf(0x0a, at);
  if (lf === -1 || lf >= limit) return undefined;
  const end = lf > at && buf[lf - 1] === 0x0d ? lf - 1 : lf;
  return { text: buf.toString('latin1', at, end), next: lf + 1 };
}

function header(line: string): { name: string; value: string } | undefined {
  const colon = line.indexOf(':');
  if (colon === -1) return undefined;
  return { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() };
}

/** Parses an encrypted request body; throws SealedFramingError. */
export function parseSealed(contentType: string, body: Buffer, options: ParseOptions = {}): SealedMessage {
  const atLineStart = options.headersAtLineStart === true;
  let indented = false;
  /** One part header line; undefined when it is not one (or, read as OMI reads, is indented). */
  const partHeader = (text: string): { name: string; value: string } | undefined => {
    const lead = text.length - text.trimStart().length;
    if (lead > 0) {
      if (atLineStart) return undefined;
      indented = true;
    }
    return header(text);
  };
  const ct = parseContentType(contentType);
  if (ct.type === 'multipart/x-multi-encrypted') throw new SealedFramingError('unsupported', 'multipart/x-multi-encrypted (CredSSP) is not supported; use Negotiate');
  if (ct.type !== 'multipart/encrypted') throw new SealedFramingError('malformed', `not multipart/encrypted: ${ct.type}`);
  const protocol = ct.params.get('protocol') ?? '';
  if (protocol.toLowerCase() !== SPNEGO_ENCRYPTED.toLowerCase()) {
    throw new SealedFramingError('unsupported', `the encryption protocol ${protocol || '(none)'} is not supported; use ${SPNEGO_ENCRYPTED}`);
  }
  const boundary = ct.params.get('boundary');
  if (!boundary) throw new SealedFramingError('malformed', 'the Content-Type has no boundary');
  const delimiter = `--${boundary}`;
  const closing = Buffer.from(`${delimiter}--`, 'latin1');

  // The sealed bytes run to the closing delimiter, found from the end: they may hold anything.
  let end = body.length;
  while (end > 0 && (body[end - 1] === 0x0a || body[end - 1] === 0x0d)) end--;
  const closeAt = body.lastIndexOf(closing, end - closing.length);
  if (closeAt === -1 || closeAt + closing.length !== end) throw new SealedFramingError('malformed', 'the body does not end with the closing boundary');

  // Part 1: the delimiter, then headers up to the next delimiter.
  let at = 0;
  const first = lineAt(body, at, closeAt);
  if (!first || first.text.trim() !== delimiter) throw new SealedFramingError('malformed', 'the body does not start with the boundary');
  at = first.next;
  let partType: string | undefined;
  let original: string | undefined;
  for (;;) {
    const line = lineAt(body, at, closeAt);
    if (!line) throw new SealedFramingError('malformed', 'the second part is missing');
    at = line.next;
    if (line.text.trim() === delimiter) break;
    if (line.text.trim() === '') continue;
    const h = partHeader(line.text);
    if (!h) throw new SealedFramingError('malformed', `a part header is not "name: value": ${JSON.stringify(line.text.slice(0, 80))}`);
    if (h.name === 'content-type') partType = h.value;
    else if (h.name === 'originalcontent') original = h.value;
  }
  if (partType?.toLowerCase() !== SPNEGO_ENCRYPTED.toLowerCase()) throw new SealedFramingError('malformed', `the first part's Content-Type is not ${SPNEGO_ENCRYPTED}`);
  if (original === undefined) throw new SealedFramingError('malformed', 'the first part has no OriginalContent');
  const oc = parseContentType(original);
  const length = Number(oc.params.get('length'));
  if (!Number.isSafeInteger(length) || length < 0) throw new SealedFramingError('malformed', 'OriginalContent has no valid Length');
  if (oc.type !== 'type=application/soap+xml') throw new SealedFramingError('malformed', `OriginalContent is not type=application/soap+xml: ${original}`);

  // Part 2: one header line (the octet-stream type), then the binary payload.
  const typeLine = lineAt(body, at, closeAt);
  const h2 = typeLine ? partHeader(typeLine.text) : undefined;
  if (!typeLine || h2?.name !== 'content-type' || h2.value.toLowerCase() !== 'application/octet-stream') {
    throw new SealedFramingError('malformed', "the second part does not start with 'Content-Type: application/octet-stream'");
  }
  const payload = body.subarray(typeLine.next, closeAt);
  if (payload.length < 4) throw new SealedFramingError('malformed', 'the encrypted part is too short');
  const sigLength = payload.readUInt32LE(0);
  if (sigLength !== 16 || payload.length < 4 + sigLength) throw new SealedFramingError('malformed', `the signature length ${sigLength} is not 16`);
  const sealed = payload.subarray(4 + sigLength);
  if (sealed.length !== length) throw new SealedFramingError('malformed', `OriginalContent says ${length} bytes but ${sealed.length} are sealed`);
  return { charset: oc.params.get('charset')?.toLowerCase(), length, signature: Buffer.from(payload.subarray(4, 4 + sigLength)), sealed: Buffer.from(sealed), indented };
}

/**
 * The unsealed message without the NUL padding a client added after the envelope (see above).
 * Only trailing NULs go: a NUL inside the envelope stays, and the XML reader refuses it. In
 * UTF-16 a padding of odd length would take the high byte of the last character with it
 * (LE: '>' is 3E 00), so the message is kept at an even length.
 */
export function withoutPadding(plain: Buffer, charset: string | undefined): Buffer {
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === plain.length) return plain;
  if (charset !== undefined && charset.toLowerCase().startsWith('utf-16') && end % 2 === 1) end++;
  return plain.subarray(0, end);
}

/**
 * Frames a sealed message; `charset` names the plain message's encoding (UTF-8, UTF-16).
 * Part headers are TAB-indented as Windows writes them unless `indent` is false (OMI's framing).
 */
export function frameSealed(signature: Buffer, sealed: Buffer, charset: string, indent = true): { body: Buffer; contentType: string } {
  const tab = indent ? '\t' : '';
  const head =
    `--${BOUNDARY}\r\n` +
    `${tab}Content-Type: ${SPNEGO_ENCRYPTED}\r\n` +
    `${tab}OriginalContent: type=application/soap+xml;charset=${charset};Length=${sealed.length}\r\n` +
    `--${BOUNDARY}\r\n` +
    `${tab}Content-Type: application/octet-stream\r\n`;
  const length = Buffer.alloc(4);
  length.writeUInt32LE(signature.length, 0);
  return {
    body: Buffer.concat([Buffer.from(head, 'latin1'), length, signature, sealed, Buffer.from(`--${BOUNDARY}--\r\n`, 'latin1')]),
    contentType: `multipart/encrypted;protocol="${SPNEGO_ENCRYPTED}";boundary="${BOUNDARY}"`,
  };
}
