/**
 * A second signer, independent of signEnvelope: a WCF-shaped request (o:/u: prefixes, an
 * unprefixed ds:Signature, u:Id="_0"…) signed directly with xml-crypto. It lets tests choose
 * algorithms and which parts are signed, which signEnvelope deliberately does not.
 */
import { X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { ALGORITHM, BASE64_ENCODING_TYPE, WSSE_NS, WSU_NS, X509V3_VALUE_TYPE } from '../../../src/security/wsSecurity';
import { ACTION, NS } from '../../support/soap';
import type { TestIdentity } from '../../support/certificates';

export interface IndependentSignOptions {
  identity: TestIdentity;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  canonicalizationAlgorithm?: string;
  /** Which parts the signature covers (default both). */
  sign?: ReadonlyArray<'body' | 'timestamp'>;
  /** Default: now. */
  created?: Date;
  /** InclusiveNamespaces PrefixList, on SignedInfo's c14n and on every reference. */
  inclusivePrefixes?: string[];
}

export function wcfStyleSignedRequest(opts: IndependentSignOptions): string {
  const created = opts.created ?? new Date();
  const expires = new Date(created.getTime() + 5 * 60_000);
  const der = new X509Certificate(opts.identity.certificatePem).raw.toString('base64');
  const xml =
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:u="${WSU_NS}" xmlns:w="${NS.wsman}">` +
    '<s:Header>' +
    `<a:Action s:mustUnderstand="1">${ACTION.get}</a:Action>` +
    '<w:ResourceURI s:mustUnderstand="1">http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_OperatingSystem</w:ResourceURI>' +
    `<o:Security s:mustUnderstand="1" xmlns:o="${WSSE_NS}">` +
    `<u:Timestamp u:Id="_0"><u:Created>${created.toISOString()}</u:Created><u:Expires>${expires.toISOString()}</u:Expires></u:Timestamp>` +
    `<o:BinarySecurityToken u:Id="uuid-7f1c-1" ValueType="${X509V3_VALUE_TYPE}" EncodingType="${BASE64_ENCODING_TYPE}">${der}</o:BinarySecurityToken>` +
    '</o:Security></s:Header>' +
    '<s:Body u:Id="_1"></s:Body></s:Envelope>';
  const signer = new SignedXml({
    privateKey: opts.identity.privateKeyPem,
    publicCert: opts.identity.certificatePem,
    signatureAlgorithm: opts.signatureAlgorithm ?? ALGORITHM.rsaSha1,
    canonicalizationAlgorithm: opts.canonicalizationAlgorithm ?? ALGORITHM.excC14n,
    inclusiveNamespacesPrefixList: opts.inclusivePrefixes,
    idMode: 'wssecurity',
    getKeyInfoContent: () =>
      `<o:SecurityTokenReference xmlns:o="${WSSE_NS}"><o:Reference URI="#uuid-7f1c-1" ValueType="${X509V3_VALUE_TYPE}"/></o:SecurityTokenReference>`,
  });
  const ids = { timestamp: '_0', body: '_1' };
  for (const part of opts.sign ?? ['timestamp', 'body']) {
    signer.addReference({
      xpath: `//*[@*[local-name(.)='Id' and namespace-uri(.)='${WSU_NS}']='${ids[part]}']`,
      transforms: [ALGORITHM.excC14n],
      digestAlgorithm: opts.digestAlgorithm ?? ALGORITHM.sha1,
      inclusiveNamespacesPrefixList: opts.inclusivePrefixes,
    });
  }
  signer.computeSignature(xml, { location: { reference: `//*[local-name(.)='Security']`, action: 'append' } });
  return signer.getSignedXml();
}
