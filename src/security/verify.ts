/**
 * Verifying a signed SOAP 1.2 request (WSS 1.1 SOAP Message Security §6–§10 with the X.509
 * Token Profile 1.1). The order matters:
 *
 *  1. our safe parser reads the message (DOCTYPE and entities refused) — nothing reaches
 *     xml-crypto before that;
 *  2. the shape is checked on our tree: one Header, one Body, one Security header directly
 *     under Header, one Signature in it, unique IDs, accepted algorithms, and the Body (and
 *     the Timestamp, if any) among the signed elements — the signature-wrapping guards;
 *  3. xml-crypto checks digests and the signature value, fed the SignedInfo re-written from
 *     our tree and the certificate we picked, never anything it finds by itself;
 *  4. what xml-crypto reports as signed is matched back to the elements we resolved;
 *  5. only then time (Timestamp, certificate validity) and trust are judged.
 */
import type { X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { attr, childrenNamed, textOf, type XmlElement } from '../xml/parse';
import { clarkName, descendants, envelopeParts, indexIds, isIdAttribute, readDocument, securityHeaders, type EnvelopeParts } from './envelope';
import { WsSecurityError } from './errors';
import { DS_NS, WSU_NS } from './namespaces';
import { serializeFragment } from './serialize';
import { readSignature, type SignatureModel } from './signedInfo';
import { certificateFromKeyInfo, requireCurrentCertificate, thumbprintOf } from './token';

export interface VerifyOptions {
  /**
   * Whether the certificate with this SHA-1 thumbprint (upper-case hex) may sign requests.
   * Without it every certificate that verifies is accepted, and the caller must authorise
   * the returned thumbprint itself (as WinRM's certificate mapping does).
   */
  trusted?: (thumbprintSha1: string) => boolean;
  /** The time to judge the Timestamp and certificate against (default: now). */
  now?: Date;
  /** Clock difference tolerated on every time check (default 5 minutes). */
  maxClockSkewMs?: number;
}

export interface VerifiedEnvelope {
  /** SHA-1 of the signing certificate's DER, upper-case hex, as Windows shows it. */
  thumbprint: string;
  certificate: X509Certificate;
  /** The signed elements, in SignedInfo order, as `{namespace}local` (the Body is always there). */
  signedParts: string[];
}

const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

export function verifySignedEnvelope(xml: string, opts: VerifyOptions = {}): VerifiedEnvelope {
  const root = readDocument(xml);
  const parts = envelopeParts(root);
  const security = theSecurityHeader(parts);
  const signature = theSignature(root, security);
  const ids = indexIds(root);
  const model = readSignature(signature);
  const signed = model.references.map((r) => {
    const el = ids.get(r.id);
    if (!el) throw new WsSecurityError('bad-signature', `the signature covers #${r.id}, which is not in the message`);
    return el;
  });
  const timestamp = theTimestamp(security);
  requireCoverage(parts, timestamp, signed);
  const certificate = certificateFromKeyInfo(model.keyInfo, security, ids);

  checkCryptography(xml, model, certificate, signed);

  const now = opts.now ?? new Date();
  const skew = opts.maxClockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (timestamp) requireFreshTimestamp(timestamp, now, skew);
  requireCurrentCertificate(certificate, now, skew);
  const thumbprint = thumbprintOf(certificate);
  if (opts.trusted && !opts.trusted(thumbprint)) {
    throw new WsSecurityError('untrusted-certificate', `the signing certificate ${thumbprint} is not trusted`);
  }
  return { thumbprint, certificate, signedParts: signed.map(clarkName) };
}

/** WSS 1.1 §6.1: one Security header per role; this endpoint is the ultimate receiver and reads exactly one. */
function theSecurityHeader(parts: EnvelopeParts): XmlElement {
  const headers = securityHeaders(parts);
  const [security] = headers;
  if (security === undefined) throw new WsSecurityError('missing-security', 'the message has no wsse:Security header (a direct child of s:Header)');
  if (headers.length > 1) throw new WsSecurityError('malformed', 'the message has more than one wsse:Security header');
  return security;
}

/**
 * WSS 1.1 §8: the ds:Signature sits in the Security header. Exactly one Signature and one
 * SignedInfo exist in the whole message, because xml-crypto locates "the" SignedInfo by
 * local name anywhere in the document when it gathers ancestor namespaces.
 */
function theSignature(root: XmlElement, security: XmlElement): XmlElement {
  let signatures = 0;
  let signedInfos = 0;
  for (const el of descendants(root)) {
    if (el.ns === DS_NS && el.local === 'Signature') signatures++;
    if (el.local === 'SignedInfo') signedInfos++;
  }
  const inHeader = childrenNamed(security, DS_NS, 'Signature');
  const [signature] = inHeader;
  if (signature === undefined) {
    if (signatures === 0) throw new WsSecurityError('missing-signature', 'the wsse:Security header holds no ds:Signature');
    throw new WsSecurityError('malformed', 'the ds:Signature must be a direct child of the wsse:Security header');
  }
  if (signatures > 1 || signedInfos > 1) throw new WsSecurityError('malformed', 'the message holds more than one ds:Signature or ds:SignedInfo; exactly one is accepted');
  return signature;
}

/** WSS 1.1 §10: at most one wsu:Timestamp per Security header. */
function theTimestamp(security: XmlElement): XmlElement | undefined {
  const stamps = childrenNamed(security, WSU_NS, 'Timestamp');
  if (stamps.length > 1) throw new WsSecurityError('malformed', 'the wsse:Security header holds more than one wsu:Timestamp');
  return stamps[0];
}

/**
 * The wrapping guard proper: THE Body (the Envelope's one Body child, by identity, not by
 * name) must be among the signed elements, and so must the Timestamp of this header — a
 * signed Body moved into a header, or a signed Timestamp beside a new Body, fails here.
 */
function requireCoverage(parts: EnvelopeParts, timestamp: XmlElement | undefined, signed: readonly XmlElement[]): void {
  if (!signed.includes(parts.body)) throw new WsSecurityError('unsigned-body', 'the signature does not cover the s:Body of the Envelope');
  if (timestamp && !signed.includes(timestamp)) throw new WsSecurityError('bad-signature', 'the signature does not cover the wsu:Timestamp');
}

function checkCryptography(xml: string, model: SignatureModel, certificate: X509Certificate, signed: readonly XmlElement[]): void {
  const standalone =
    `<ds:Signature xmlns:ds="${DS_NS}">${serializeFragment(model.signedInfo)}` +
    `<ds:SignatureValue>${model.signatureValue}</ds:SignatureValue></ds:Signature>`;
  // publicCert is the certificate we resolved; xml-crypto's own KeyInfo lookup stays off
  // (its default getCertFromKeyInfo is a no-op unless one is passed).
  const verifier = new SignedXml({ publicCert: certificate.publicKey });
  let valid: boolean;
  try {
    verifier.loadSignature(standalone);
    valid = verifier.checkSignature(xml);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new WsSecurityError('bad-signature', /signature value .* is incorrect/.test(why) ? "the SignatureValue does not verify with the certificate's key" : why);
  }
  if (!valid) {
    const failed = verifier.getReferences().find((r) => r.validationError !== undefined);
    throw new WsSecurityError('bad-signature', failed ? `the digest of ${failed.uri} does not match: the signed content was changed` : 'a reference did not validate');
  }
  // Defence in depth against the two parsers disagreeing: each canonical form xml-crypto
  // digested must be the element we resolved for that ID.
  const canonical = verifier.getSignedReferences();
  if (canonical.length !== signed.length) throw new WsSecurityError('bad-signature', 'the signed references do not match the SignedInfo');
  canonical.forEach((text, i) => {
    const mine = signed[i] as XmlElement;
    const theirs = readDocument(text);
    const id = model.references[i]?.id;
    if (theirs.ns !== mine.ns || theirs.local !== mine.local || !theirs.attrs.some((a) => isIdAttribute(a.local) && a.value === id)) {
      throw new WsSecurityError('bad-signature', `the content signed as #${id ?? ''} is not the ${clarkName(mine)} element that carries that ID`);
    }
  });
}

/** xsd:dateTime with a time zone; WSS 1.1 §10 asks for UTC, a zone-less time is ambiguous. */
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function timeOf(timestamp: XmlElement, local: 'Created' | 'Expires'): number | undefined {
  const els = childrenNamed(timestamp, WSU_NS, local);
  const [el] = els;
  if (el === undefined) return undefined;
  const text = textOf(el).trim();
  const t = DATE_TIME.test(text) ? Date.parse(text) : NaN;
  if (els.length > 1 || Number.isNaN(t)) throw new WsSecurityError('malformed', `wsu:${local} "${text}" is not one xsd:dateTime with a time zone`);
  const valueType = attr(el, '', 'ValueType');
  if (valueType !== undefined) throw new WsSecurityError('malformed', `wsu:${local} has a ValueType; only xsd:dateTime is accepted`);
  return t;
}

/** WSS 1.1 §10.1: a message whose Timestamp has expired is refused (wsse:MessageExpired). */
function requireFreshTimestamp(timestamp: XmlElement, now: Date, skewMs: number): void {
  const created = timeOf(timestamp, 'Created');
  const expires = timeOf(timestamp, 'Expires');
  const t = now.getTime();
  if (created !== undefined && expires !== undefined && expires < created) {
    throw new WsSecurityError('malformed', 'wsu:Expires is earlier than wsu:Created');
  }
  if (expires !== undefined && t - skewMs > expires) {
    throw new WsSecurityError('expired', `the message expired at ${new Date(expires).toISOString()}`);
  }
  if (created !== undefined && t + skewMs < created) {
    throw new WsSecurityError('expired', `the message was created in the future (${new Date(created).toISOString()})`);
  }
}
