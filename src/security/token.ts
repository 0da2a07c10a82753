/**
 * The signing certificate: ds:KeyInfo → wsse:SecurityTokenReference → wsse:Reference →
 * wsse:BinarySecurityToken (WSS 1.1 §7.2 and X.509 Token Profile 1.1 §3.2), and the
 * checks on the certificate itself.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { attr, child, childrenNamed, textOf, type XmlElement } from '../xml/parse';
import { WsSecurityError } from './errors';
import { BASE64_ENCODING_TYPE, WSSE_NS, X509V3_VALUE_TYPE } from './namespaces';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Follows the KeyInfo to the BinarySecurityToken of THIS Security header. Only a direct
 * reference is accepted: a KeyIdentifier (thumbprint, SKI) names a certificate the message
 * does not carry, and this endpoint keeps no certificate store to resolve it from.
 */
export function certificateFromKeyInfo(keyInfo: XmlElement, security: XmlElement, ids: ReadonlyMap<string, XmlElement>): X509Certificate {
  const strs = childrenNamed(keyInfo, WSSE_NS, 'SecurityTokenReference');
  const str = strs[0];
  if (strs.length !== 1 || str === undefined) {
    throw new WsSecurityError('unsupported-algorithm', 'ds:KeyInfo must hold one wsse:SecurityTokenReference to a BinarySecurityToken', 'UnsupportedSecurityToken');
  }
  const reference = child(str, WSSE_NS, 'Reference');
  if (!reference) {
    throw new WsSecurityError(
      'unsupported-algorithm',
      'the wsse:SecurityTokenReference must use wsse:Reference URI="#…" (KeyIdentifier and embedded tokens are not supported)',
      'UnsupportedSecurityToken',
    );
  }
  const refType = attr(reference, '', 'ValueType');
  if (refType !== undefined && refType !== X509V3_VALUE_TYPE) {
    throw new WsSecurityError('unsupported-algorithm', `token reference ValueType ${refType} is not supported (X509v3 only)`, 'UnsupportedSecurityToken');
  }
  const uri = attr(reference, '', 'URI') ?? '';
  const token = uri.startsWith('#') ? ids.get(uri.slice(1)) : undefined;
  // The token must be in the same Security header (WSS 1.1 §7.2): a token elsewhere in the
  // message is not one this header vouches for.
  if (!token || !childrenNamed(security, WSSE_NS, 'BinarySecurityToken').includes(token)) {
    throw new WsSecurityError('malformed', `the token reference "${uri}" does not name a wsse:BinarySecurityToken in the Security header`, 'SecurityTokenUnavailable');
  }
  return readBinarySecurityToken(token);
}

/** X.509 Token Profile 1.1 §3.1: ValueType X509v3 (one DER certificate), Base64Binary encoding. */
function readBinarySecurityToken(token: XmlElement): X509Certificate {
  const valueType = attr(token, '', 'ValueType');
  if (valueType !== X509V3_VALUE_TYPE) {
    throw new WsSecurityError('unsupported-algorithm', `BinarySecurityToken ValueType ${valueType ?? '(none)'} is not supported (X509v3 only)`, 'UnsupportedSecurityToken');
  }
  const encoding = attr(token, '', 'EncodingType');
  if (encoding !== undefined && encoding !== BASE64_ENCODING_TYPE) {
    throw new WsSecurityError('unsupported-algorithm', `BinarySecurityToken EncodingType ${encoding} is not supported (Base64Binary only)`, 'UnsupportedSecurityToken');
  }
  const base64 = textOf(token).replace(/\s+/g, '');
  if (!BASE64.test(base64)) throw new WsSecurityError('malformed', 'the BinarySecurityToken is not Base64', 'InvalidSecurityToken');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(base64, 'base64'));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new WsSecurityError('malformed', `the BinarySecurityToken is not an X.509 certificate: ${why}`, 'InvalidSecurityToken');
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    throw new WsSecurityError('unsupported-algorithm', `the certificate's key is ${certificate.publicKey.asymmetricKeyType ?? 'unknown'}; only RSA is supported`);
  }
  return certificate;
}

/** SHA-1 of the DER certificate in upper-case hex: the thumbprint Windows shows and maps. */
export function thumbprintOf(certificate: X509Certificate): string {
  return createHash('sha1').update(certificate.raw).digest('hex').toUpperCase();
}

/** RFC 5280 §4.1.2.5: now must lie within notBefore..notAfter (with the allowed clock skew). */
export function requireCurrentCertificate(certificate: X509Certificate, now: Date, skewMs: number): void {
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) {
    throw new WsSecurityError('malformed', 'the certificate validity period cannot be read', 'InvalidSecurityToken');
  }
  const t = now.getTime();
  if (t + skewMs < notBefore) {
    throw new WsSecurityError('expired', `the certificate is not valid before ${new Date(notBefore).toISOString()}`, 'InvalidSecurityToken');
  }
  if (t - skewMs > notAfter) {
    throw new WsSecurityError('expired', `the certificate expired at ${new Date(notAfter).toISOString()}`, 'InvalidSecurityToken');
  }
}
