/**
 * WS-Security for SOAP 1.2 envelopes: OASIS WSS 1.1 SOAP Message Security with the X.509
 * Token Profile 1.1, as pure functions over strings (no HTTP; `http/` decides when to call).
 *
 *  - verifySignedEnvelope: checks a request signed with an X.509 certificate carried in a
 *    wsse:BinarySecurityToken and returns the certificate and its Windows thumbprint;
 *  - signEnvelope: signs a reply the same way;
 *  - hasSecurityHeader: a cheap hint that a message carries a Security header at all.
 */
import { WSSE_NS } from './namespaces';

export { verifySignedEnvelope, type VerifiedEnvelope, type VerifyOptions } from './verify';
export { signEnvelope, type SignOptions, type SigningKey } from './sign';
export { WsSecurityError, type WsSecurityReason, type WssFaultCode } from './errors';
export { WSSE_NS, WSU_NS, DS_NS, X509V3_VALUE_TYPE, BASE64_ENCODING_TYPE, ALGORITHM } from './namespaces';

/** A Security start tag (any prefix); the namespace is checked separately, cheaply. */
const SECURITY_START_TAG = /<(?:[A-Za-z_][\w.-]*:)?Security[\s/>]/;

/**
 * True when the text mentions the WSS secext namespace and has a Security element: no parse,
 * so it is a routing hint only. It can say yes for a Security element that is not a header
 * block, and no for a namespace written with character references; verifySignedEnvelope is
 * the authority, and a message it is not asked about is simply treated as unsigned.
 */
export function hasSecurityHeader(xml: string): boolean {
  return xml.includes(WSSE_NS) && SECURITY_START_TAG.test(xml);
}
