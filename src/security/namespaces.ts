/**
 * URIs of OASIS WSS 1.0/1.1 (SOAP Message Security, X.509 Token Profile) and of
 * XML Signature as this module speaks them. Readers match on these URIs, never on prefixes;
 * the prefixes in `WSS_PREFIX` are only the ones we write.
 */

/** WSS 1.0 SOAP Message Security §5 (the wsse namespace). */
export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
/** WSS 1.0 §4 and §10: wsu:Id and wsu:Timestamp. */
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';

export const WSS_PREFIX = { wsse: 'wsse', wsu: 'wsu', ds: 'ds' } as const;

/** X.509 Token Profile 1.1 §3.1: the one token type accepted, a single DER certificate. */
export const X509V3_VALUE_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3';
/** WSS 1.0 §6.3: EncodingType of a BinarySecurityToken (the default when omitted). */
export const BASE64_ENCODING_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

export const ALGORITHM = {
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
} as const;

/** Accepted on input. RSA-SHA1/SHA-1 only for interop with older stacks (WCF defaults, WSS4J 1.x). */
export const ACCEPTED_SIGNATURE_METHODS: readonly string[] = [ALGORITHM.rsaSha256, ALGORITHM.rsaSha1];
export const ACCEPTED_DIGEST_METHODS: readonly string[] = [ALGORITHM.sha256, ALGORITHM.sha1];
