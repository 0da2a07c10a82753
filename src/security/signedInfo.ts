/**
 * Reading ds:Signature/ds:SignedInfo (XML-DSig §4) under the profile WSS 1.1 §8 and this
 * endpoint accept: exclusive c14n, RSA-SHA256 or RSA-SHA1, SHA-256 or SHA-1 digests, and
 * references that are same-document ID references ("#id") to whole elements.
 *
 * Everything is checked on our parse before xml-crypto sees the message, so xml-crypto's
 * own lenient lookups (first CanonicalizationMethod anywhere under Signature, first
 * SignatureValue text, …) cannot be steered to a different element than the one checked.
 */
import { attr, child, elements, textOf, type XmlElement } from '../xml/parse';
import { WsSecurityError } from './errors';
import { ACCEPTED_DIGEST_METHODS, ACCEPTED_SIGNATURE_METHODS, ALGORITHM, DS_NS } from './namespaces';

export interface SignedReference {
  /** The ID the reference points at, without the '#'. */
  readonly id: string;
  readonly digestMethod: string;
}

export interface SignatureModel {
  readonly signedInfo: XmlElement;
  readonly signatureMethod: string;
  readonly references: readonly SignedReference[];
  /** Base64 with white space removed. */
  readonly signatureValue: string;
  readonly keyInfo: XmlElement;
}

/** An XML NCName, as wsu:Id values are (WSS 1.1 §4); also keeps quotes out of xml-crypto's XPath. */
const ID_REFERENCE = /^#([A-Za-z_][\w.-]*)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isDs(el: XmlElement | undefined, local: string): el is XmlElement {
  return el !== undefined && el.ns === DS_NS && el.local === local;
}

function malformed(message: string): WsSecurityError {
  return new WsSecurityError('malformed', message);
}

/** XML-DSig §4.1: SignedInfo, SignatureValue, then KeyInfo; ds:Object is not used by WSS and refused. */
export function readSignature(signature: XmlElement): SignatureModel {
  const [signedInfo, value, keyInfo, ...rest] = elements(signature);
  if (!isDs(signedInfo, 'SignedInfo')) throw malformed('ds:Signature must begin with ds:SignedInfo');
  if (!isDs(value, 'SignatureValue')) throw malformed('ds:SignedInfo must be followed by ds:SignatureValue');
  if (!isDs(keyInfo, 'KeyInfo') || rest.length > 0) {
    throw malformed('ds:Signature must end with one ds:KeyInfo referring to the BinarySecurityToken (WSS 1.1 §8.3)');
  }
  const signatureValue = textOf(value).replace(/\s+/g, '');
  if (!BASE64.test(signatureValue)) throw malformed('ds:SignatureValue is not Base64');

  const [c14n, method, ...refs] = elements(signedInfo);
  if (!isDs(c14n, 'CanonicalizationMethod')) throw malformed('ds:SignedInfo must begin with ds:CanonicalizationMethod');
  requireExclusiveC14n(c14n, 'ds:CanonicalizationMethod');
  if (!isDs(method, 'SignatureMethod')) throw malformed('ds:CanonicalizationMethod must be followed by ds:SignatureMethod');
  const signatureMethod = algorithmOf(method, 'ds:SignatureMethod');
  if (!ACCEPTED_SIGNATURE_METHODS.includes(signatureMethod)) {
    throw new WsSecurityError('unsupported-algorithm', `signature method ${signatureMethod} is not accepted (RSA-SHA256 or RSA-SHA1)`);
  }
  // HMACOutputLength and other parameters belong to algorithms we do not accept.
  if (elements(method).length > 0) throw malformed('ds:SignatureMethod carries parameters this endpoint does not accept');
  if (refs.length === 0) throw malformed('ds:SignedInfo has no ds:Reference');
  return { signedInfo, signatureMethod, references: refs.map(readReference), signatureValue, keyInfo };
}

function readReference(ref: XmlElement): SignedReference {
  if (ref.ns !== DS_NS || ref.local !== 'Reference') throw malformed(`unexpected {${ref.ns}}${ref.local} in ds:SignedInfo`);
  const uri = attr(ref, '', 'URI') ?? '';
  const m = ID_REFERENCE.exec(uri);
  // WSS 1.1 §8.3: parts are referenced by ID; "" (the whole document) and XPointer are refused.
  if (!m) throw malformed(`ds:Reference URI "${uri}" is not a reference to an ID in the message ("#id")`);
  const [transforms, digestMethod, digestValue, ...rest] = elements(ref);
  if (!isDs(transforms, 'Transforms')) {
    // Without Transforms the reference is digested with inclusive c14n (XML-DSig §4.3.3.2).
    throw new WsSecurityError('unsupported-algorithm', `ds:Reference ${uri} must be canonicalised with exclusive c14n (ds:Transforms missing)`);
  }
  const list = elements(transforms);
  const only = list[0];
  if (list.length !== 1 || !isDs(only, 'Transform')) {
    throw new WsSecurityError('unsupported-algorithm', `ds:Reference ${uri} must have exactly one transform, exclusive c14n`);
  }
  requireExclusiveC14n(only, `the transform of ds:Reference ${uri}`);
  if (!isDs(digestMethod, 'DigestMethod') || !isDs(digestValue, 'DigestValue') || rest.length > 0) {
    throw malformed(`ds:Reference ${uri} must hold ds:Transforms, ds:DigestMethod and ds:DigestValue`);
  }
  const digest = algorithmOf(digestMethod, 'ds:DigestMethod');
  if (!ACCEPTED_DIGEST_METHODS.includes(digest)) {
    throw new WsSecurityError('unsupported-algorithm', `digest method ${digest} is not accepted (SHA-256 or SHA-1)`);
  }
  if (!BASE64.test(textOf(digestValue).trim())) throw malformed(`ds:DigestValue of ${uri} is not Base64`);
  return { id: m[1] as string, digestMethod: digest };
}

function algorithmOf(el: XmlElement, what: string): string {
  const a = attr(el, '', 'Algorithm');
  if (a === undefined || a === '') throw malformed(`${what} has no Algorithm`);
  return a;
}

/** exc-c14n without comments; its only parameter is InclusiveNamespaces (xml-exc-c14n §3). */
function requireExclusiveC14n(el: XmlElement, what: string): void {
  const algorithm = algorithmOf(el, what);
  if (algorithm !== ALGORITHM.excC14n) {
    throw new WsSecurityError('unsupported-algorithm', `${what} is ${algorithm}; only exclusive c14n (${ALGORITHM.excC14n}) is accepted`);
  }
  const params = elements(el);
  const prefixList = child(el, ALGORITHM.excC14n, 'InclusiveNamespaces');
  if (params.length > 1 || (params.length === 1 && prefixList === undefined)) throw malformed(`${what} has parameters other than InclusiveNamespaces`);
}
