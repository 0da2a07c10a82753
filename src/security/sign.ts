/**
 * Signing a SOAP 1.2 envelope (WSS 1.1 SOAP Message Security §8 and §10, X.509 Token
 * Profile 1.1 §3), so that a reply to a signed request can be signed the same way.
 *
 * The caller's XML is kept byte for byte; we only insert: a wsu:Id on the Body, and in the
 * Security header a wsu:Timestamp, the wsse:BinarySecurityToken and the ds:Signature (over
 * the Body and the Timestamp, exclusive c14n, RSA-SHA256, SHA-256 digests, KeyInfo by
 * reference to the token). The result verifies with verifySignedEnvelope.
 */
import { X509Certificate, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { attr, elements, type XmlElement } from '../xml/parse';
import { XmlWriter, escapeAttr } from '../xml/write';
import { envelopeParts, indexIds, readDocument, securityHeaders } from './envelope';
import { WsSecurityError } from './errors';
import { ALGORITHM, BASE64_ENCODING_TYPE, DS_NS, SOAP12_NS, WSSE_NS, WSS_PREFIX, WSU_NS, X509V3_VALUE_TYPE } from './namespaces';
import { addToStartTag, applyEdits, elementSpans, insertFirstChild, preorderIndex, type ElementSpan, type TextEdit } from './spans';

export interface SigningKey {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

export interface SignOptions {
  /** The only algorithm we sign with; RSA-SHA1 is accepted on input for interop, never produced. */
  algorithm?: 'rsa-sha256';
  /** wsu:Created (default: now). */
  now?: Date;
  /** wsu:Expires − wsu:Created (default 5 minutes). */
  lifetimeMs?: number;
}

const DEFAULT_LIFETIME_MS = 5 * 60_000;
/** wsu:Id is an xsd:ID (WSS 1.1 §4), so an NCName. */
const NCNAME = /^[A-Za-z_][\w.-]*$/;
const { wsse, wsu } = WSS_PREFIX;

export function signEnvelope(xml: string, key: SigningKey, opts: SignOptions = {}): string {
  const certificate = checkedCertificate(key);
  const root = readDocument(xml);
  const parts = envelopeParts(root);
  indexIds(root); // the output must verify, and duplicate IDs never do
  const existing = securityHeaders(parts);
  if (existing.length > 1) throw new WsSecurityError('malformed', 'the envelope already has more than one wsse:Security header');
  const security = existing[0];
  if (security && elements(security).some(isSecurityPartWeAdd)) {
    throw new WsSecurityError('malformed', 'the wsse:Security header already holds a Timestamp, BinarySecurityToken or Signature');
  }

  const spans = elementSpans(xml);
  const spanOf = (el: XmlElement): ElementSpan => {
    const span = spans[preorderIndex(root, el)];
    if (span === undefined || span.qname !== (el.prefix ? `${el.prefix}:${el.local}` : el.local)) {
      throw new Error('signEnvelope: the tag scan disagrees with the parser');
    }
    return span;
  };
  const unique = randomUUID();
  const tokenId = `X509-${unique}`;
  const timestampId = `TS-${unique}`;
  const edits: TextEdit[] = [];

  // WSS 1.1 §4: the Body is referenced by wsu:Id; keep one it already has.
  let bodyId = attr(parts.body, WSU_NS, 'Id');
  if (bodyId !== undefined && !NCNAME.test(bodyId)) throw new WsSecurityError('malformed', `the Body's wsu:Id "${bodyId}" is not an NCName`);
  if (bodyId === undefined) {
    bodyId = `Body-${unique}`;
    const p = prefixFor(parts.body, WSU_NS, wsu);
    edits.push(addToStartTag(spanOf(parts.body), `${p.declaration} ${p.prefix}:Id="${escapeAttr(bodyId)}"`));
  }

  const created = opts.now ?? new Date();
  const expires = new Date(created.getTime() + (opts.lifetimeMs ?? DEFAULT_LIFETIME_MS));
  const declareOnParts = security !== undefined; // a header we create declares wsse/wsu once
  const content = timestampXml(timestampId, created, expires, declareOnParts) + tokenXml(tokenId, certificate, declareOnParts);

  let securityEdit: TextEdit;
  if (security) {
    securityEdit = insertFirstChild(spanOf(security), content);
  } else {
    // The reply's Security header must be understood, not skipped (SOAP 1.2 Part 1 §5.2.3).
    const soap = prefixFor(parts.header ?? parts.root, SOAP12_NS, parts.root.prefix || 's');
    const header =
      `<${wsse}:Security xmlns:${wsse}="${WSSE_NS}" xmlns:${wsu}="${WSU_NS}"${soap.declaration} ${soap.prefix}:mustUnderstand="true">` +
      `${content}</${wsse}:Security>`;
    if (parts.header) {
      securityEdit = insertFirstChild(spanOf(parts.header), header);
    } else {
      const name = parts.root.prefix ? `${parts.root.prefix}:Header` : 'Header';
      securityEdit = { at: spanOf(parts.body).start, remove: 0, text: `<${name}>${header}</${name}>` };
    }
  }
  edits.push(securityEdit);
  // The Signature goes right after the token. Every other edit lies later in the text
  // (the Body follows the Header), so the offset computed here survives applyEdits.
  if (edits.some((e) => e !== securityEdit && e.at <= securityEdit.at)) throw new Error('signEnvelope: unexpected edit order');
  const insertAt = securityEdit.at + securityEdit.text.indexOf(content) + content.length;
  const prepared = applyEdits(xml, edits);

  const signatureXml = computeSignatureXml(prepared, key, tokenId, [bodyId, timestampId]);
  return prepared.slice(0, insertAt) + signatureXml + prepared.slice(insertAt);
}

/** Keys already checked: a signing key is checked once, not on every signed reply. */
const checkedKeys = new WeakMap<SigningKey, X509Certificate>();

function checkedCertificate(key: SigningKey): X509Certificate {
  const known = checkedKeys.get(key);
  if (known) return known;
  const certificate = new X509Certificate(key.certificatePem);
  const spki = (k: ReturnType<typeof createPublicKey>): Buffer => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(createPrivateKey(key.privateKeyPem))).equals(spki(certificate.publicKey))) {
    throw new Error('signEnvelope: the private key does not belong to the certificate');
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') throw new Error('signEnvelope: only RSA keys are supported');
  checkedKeys.set(key, certificate);
  return certificate;
}

function isSecurityPartWeAdd(el: XmlElement): boolean {
  return (
    (el.ns === WSU_NS && el.local === 'Timestamp') ||
    (el.ns === WSSE_NS && el.local === 'BinarySecurityToken') ||
    (el.ns === DS_NS && el.local === 'Signature')
  );
}

/**
 * A prefix bound to `uri` where an attribute is added to `el`: one already in scope, or a
 * new one declared on the element (never one that would rebind a prefix its content uses).
 */
function prefixFor(el: XmlElement, uri: string, preferred: string): { prefix: string; declaration: string } {
  if (preferred !== '' && el.scope.get(preferred) === uri) return { prefix: preferred, declaration: '' };
  for (const [p, u] of el.scope) if (p !== '' && u === uri) return { prefix: p, declaration: '' };
  let prefix = preferred;
  for (let n = 1; el.scope.has(prefix); n++) prefix = `${preferred}${n}`;
  return { prefix, declaration: ` xmlns:${prefix}="${escapeAttr(uri)}"` };
}

/** WSS 1.1 §10: Created and Expires in UTC. */
function timestampXml(id: string, created: Date, expires: Date, declare: boolean): string {
  return new XmlWriter()
    .open(`${wsu}:Timestamp`, { [`xmlns:${wsu}`]: declare ? WSU_NS : undefined, [`${wsu}:Id`]: id })
    .leaf(`${wsu}:Created`, undefined, created.toISOString())
    .leaf(`${wsu}:Expires`, undefined, expires.toISOString())
    .close()
    .toString();
}

/** X.509 Token Profile 1.1 §3.1: the DER certificate, Base64, ValueType X509v3. */
function tokenXml(id: string, certificate: X509Certificate, declare: boolean): string {
  const attrs = {
    [`xmlns:${wsse}`]: declare ? WSSE_NS : undefined,
    [`xmlns:${wsu}`]: declare ? WSU_NS : undefined,
    [`${wsu}:Id`]: id,
    ValueType: X509V3_VALUE_TYPE,
    EncodingType: BASE64_ENCODING_TYPE,
  };
  return new XmlWriter().leaf(`${wsse}:BinarySecurityToken`, attrs, certificate.raw.toString('base64')).toString();
}

/** WSS 1.1 §7.2 / X.509 Token Profile §3.2: KeyInfo names the token by direct reference. */
function tokenReferenceXml(tokenId: string): string {
  return new XmlWriter()
    .open(`${wsse}:SecurityTokenReference`, { [`xmlns:${wsse}`]: WSSE_NS })
    .leaf(`${wsse}:Reference`, { URI: `#${tokenId}`, ValueType: X509V3_VALUE_TYPE })
    .close()
    .toString();
}

/** The ds:Signature element only; the caller splices it into its own text. */
function computeSignatureXml(prepared: string, key: SigningKey, tokenId: string, signedIds: readonly string[]): string {
  const byWsuId = (id: string): string => `//*[@*[local-name(.)='Id' and namespace-uri(.)='${WSU_NS}']='${id}']`;
  const signer = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: ALGORITHM.rsaSha256,
    canonicalizationAlgorithm: ALGORITHM.excC14n,
    idMode: 'wssecurity',
    getKeyInfoContent: () => tokenReferenceXml(tokenId),
  });
  for (const id of signedIds) signer.addReference({ xpath: byWsuId(id), transforms: [ALGORITHM.excC14n], digestAlgorithm: ALGORITHM.sha256 });
  signer.computeSignature(prepared, { prefix: WSS_PREFIX.ds, location: { reference: byWsuId(tokenId), action: 'after' } });
  return signer.getSignatureXml();
}
