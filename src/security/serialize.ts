/**
 * Writes a parsed element back out as a standalone fragment: every namespace binding in
 * scope is declared on the fragment's root, so the fragment means what it meant in place.
 *
 * Verification hands xml-crypto the SignedInfo re-written from OUR parse, not a node of its
 * own parse: what is checked cryptographically is then exactly what our checks inspected.
 * Exclusive c14n (xml-exc-c14n §3) renders only namespaces an element visibly uses (and
 * InclusiveNamespaces prefixes, taken from the document's ancestors), so the extra
 * declarations do not change the canonical form.
 */
import { XML_NS, isElement, type XmlElement } from '../xml/parse';
import { escapeAttr, escapeText } from '../xml/write';

export function serializeFragment(el: XmlElement): string {
  return write(el, new Map([['xml', XML_NS]]));
}

function write(el: XmlElement, outer: ReadonlyMap<string, string>): string {
  const name = el.prefix ? `${el.prefix}:${el.local}` : el.local;
  let s = `<${name}`;
  for (const [prefix, uri] of el.scope) {
    if (outer.get(prefix) === uri) continue;
    s += ` ${prefix ? `xmlns:${prefix}` : 'xmlns'}="${escapeAttr(uri)}"`;
  }
  for (const a of el.attrs) s += ` ${a.prefix ? `${a.prefix}:${a.local}` : a.local}="${escapeAttr(a.value)}"`;
  s += '>';
  for (const c of el.children) s += isElement(c) ? write(c, el.scope) : escapeText(c);
  return `${s}</${name}>`;
}
