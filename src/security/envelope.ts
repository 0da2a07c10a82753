/**
 * Reading the parts of a SOAP 1.2 envelope that WS-Security cares about, on our own
 * safe parse (src/xml/parse.ts): the parser refuses DOCTYPE and entity declarations, so
 * nothing reaches xml-crypto's parser before this has accepted the document.
 */
import { XmlSyntaxError, childrenNamed, elements, parseXml, type XmlElement } from '../xml/parse';
import { WsSecurityError } from './errors';
import { SOAP12_NS, WSSE_NS } from './namespaces';

export interface EnvelopeParts {
  readonly root: XmlElement;
  readonly header: XmlElement | undefined;
  readonly body: XmlElement;
}

/** Parses with our reader; any syntax error (DOCTYPE and entities included) is 'malformed'. */
export function readDocument(xml: string): XmlElement {
  try {
    return parseXml(xml);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new WsSecurityError('malformed', `the message is not acceptable XML: ${e.message}`);
    throw e;
  }
}

/**
 * SOAP 1.2 Part 1 §5.1: the Envelope holds an optional Header then exactly one Body, and
 * nothing else. Holding to that strictly is the first guard against signature wrapping:
 * there is exactly one element that can be "the Body".
 */
export function envelopeParts(root: XmlElement): EnvelopeParts {
  if (root.ns !== SOAP12_NS || root.local !== 'Envelope') {
    throw new WsSecurityError('malformed', `the root element is {${root.ns}}${root.local}, not a SOAP 1.2 Envelope`);
  }
  const kids = elements(root);
  const [first, second] = kids;
  const isSoap = (el: XmlElement | undefined, local: string): el is XmlElement => el !== undefined && el.ns === SOAP12_NS && el.local === local;
  if (kids.length === 1 && isSoap(first, 'Body')) return { root, header: undefined, body: first };
  if (kids.length === 2 && isSoap(first, 'Header') && isSoap(second, 'Body')) return { root, header: first, body: second };
  const names = kids.map((k) => `{${k.ns}}${k.local}`).join(', ');
  throw new WsSecurityError('malformed', `the Envelope must hold an optional Header and exactly one Body, in that order; it holds: ${names || 'nothing'}`);
}

/**
 * WSS 1.1 §6.1: the wsse:Security header block(s) that are direct children of s:Header.
 * Security elements anywhere else are not header blocks and are never looked at.
 */
export function securityHeaders(parts: EnvelopeParts): XmlElement[] {
  return parts.header ? childrenNamed(parts.header, WSSE_NS, 'Security') : [];
}

/** Every element in document order (pre-order), the root first. */
export function* descendants(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of elements(el)) yield* descendants(c);
}

/**
 * Attributes any XML-DSig implementation may treat as an ID. xml-crypto resolves "#x" by an
 * attribute with one of these local names in any namespace; wsu:Id is the WSS one (WSS 1.1 §4).
 */
const ID_LOCAL_NAMES: ReadonlySet<string> = new Set(['Id', 'ID', 'id']);

export function isIdAttribute(local: string): boolean {
  return ID_LOCAL_NAMES.has(local);
}

/**
 * Maps every ID value to the one element carrying it. A value carried twice (by any of the
 * ID-like attributes, on one element or two) is malformed: with unique IDs, our resolution
 * and xml-crypto's cannot pick different elements (the classic wrapping attack, WSS 1.1 §4).
 */
export function indexIds(root: XmlElement): Map<string, XmlElement> {
  const byId = new Map<string, XmlElement>();
  for (const el of descendants(root)) {
    for (const a of el.attrs) {
      if (!ID_LOCAL_NAMES.has(a.local)) continue;
      if (byId.has(a.value)) throw new WsSecurityError('malformed', `the ID "${a.value}" is used more than once in the message`);
      byId.set(a.value, el);
    }
  }
  return byId;
}

/** `{namespace}local`, the notation used for element names in results and messages. */
export function clarkName(el: XmlElement): string {
  return `{${el.ns}}${el.local}`;
}
