/**
 * Canonical XML for recording, matching and comparing WS-Man messages (issue 12, record/replay).
 *
 * Two envelopes that mean the same to a WS-Man stack get the same canonical text:
 *  - names are resolved to namespace URI + local name and written with fixed prefixes (the
 *    conventional one for a well-known namespace, `ns0`, `ns1`… for others, in order of first
 *    use), every namespace declared once on the root element;
 *  - QName values are resolved the same way (`xsi:type`, the SOAP fault `Value`s), so
 *    `wsman:AccessDenied` and `w:AccessDenied` are one subcode;
 *  - attributes are sorted (namespace URI, then local name);
 *  - white space between elements is dropped (text in an element without element
 *    children is kept as it is), adjacent text and CDATA runs are joined.
 *
 * Not a W3C C14N (no signatures depend on it): it is the form a cassette stores and the form
 * requests are matched in. Canonicalising canonical text gives the same text. Pure.
 */
import { XML_NS, XSD_NS, XSI_NS, parseXml, type XmlElement } from '../xml/parse';
import { XmlWriter, type Attrs } from '../xml/write';
import { NS } from '../wsman/namespaces';

/** A resolved QName value. */
export interface CanonicalQName {
  readonly ns: string;
  readonly local: string;
}

export interface CanonicalAttribute {
  readonly ns: string;
  readonly local: string;
  /** The value; for a QName value (`qname` set), the text as it was sent. */
  readonly value: string;
  readonly qname?: CanonicalQName;
}

export interface CanonicalElement {
  readonly ns: string;
  readonly local: string;
  readonly attrs: readonly CanonicalAttribute[];
  readonly children: readonly CanonicalNode[];
  /** The element's text is a QName (a SOAP fault Code or Subcode Value): then `children` is empty. */
  readonly qname?: CanonicalQName;
}

export type CanonicalNode = CanonicalElement | string;

const SHELL_NS = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';

/** The prefixes canonical text writes for the namespaces WS-Man speaks (MS-WSMV 2.2.1). */
const WELL_KNOWN: ReadonlyMap<string, string> = new Map([
  [NS.soap, 's'],
  [NS.addressing, 'a'],
  [NS.wsman, 'w'],
  [NS.wsmv, 'p'],
  [NS.enumeration, 'n'],
  [NS.transfer, 'x'],
  [NS.eventing, 'e'],
  [NS.identity, 'wsmid'],
  [NS.cimbinding, 'b'],
  [NS.cimCommon, 'cim'],
  [NS.interactive, 'i'],
  [NS.wsmanFault, 'f'],
  [NS.msftwinrm, 'm'],
  [NS.wsse, 'wsse'],
  [SHELL_NS, 'rsp'],
  [XSI_NS, 'xsi'],
  // omicli binds its xsi prefix to XML Schema's own URI (reference/wsman-wire.md §0.4): kept, under its own prefix.
  [XSD_NS, 'xs'],
]);

/** Well-known prefixes by name, for attributes whose prefix a client used without declaring it. */
const BY_PREFIX: ReadonlyMap<string, string> = new Map([...WELL_KNOWN].map(([uri, prefix]) => [prefix, uri]));

function isQNameAttribute(ns: string, local: string): boolean {
  return local === 'type' && (ns === XSI_NS || ns === XSD_NS);
}

function resolveQName(el: XmlElement, text: string): CanonicalQName | undefined {
  const t = text.trim();
  const colon = t.indexOf(':');
  const prefix = colon === -1 ? '' : t.slice(0, colon);
  const local = colon === -1 ? t : t.slice(colon + 1);
  if (local === '' || /[\s:]/.test(local)) return undefined;
  const ns = el.scope.get(prefix);
  // An unprefixed QName with no default namespace is in no namespace; an undeclared prefix stays as sent.
  if (ns === undefined) return prefix === '' ? { ns: '', local } : undefined;
  return { ns, local };
}

function compareAttrs(x: CanonicalAttribute, y: CanonicalAttribute): number {
  return x.ns < y.ns ? -1 : x.ns > y.ns ? 1 : x.local < y.local ? -1 : x.local > y.local ? 1 : 0;
}

/** The canonical tree of a parsed element. */
export function canonicalize(el: XmlElement): CanonicalElement {
  const attrs: CanonicalAttribute[] = el.attrs.map((a) => {
    // A prefix used without a declaration (xsi:type with no xmlns:xsi): the well-known namespace it names, else kept in the name.
    let ns = a.ns;
    let local = a.local;
    if (ns === '' && a.prefix !== '') {
      const known = BY_PREFIX.get(a.prefix);
      if (known !== undefined) ns = known;
      else local = `${a.prefix}:${a.local}`;
    }
    const qname = isQNameAttribute(ns, local) ? resolveQName(el, a.value) : undefined;
    return qname ? { ns, local, value: a.value, qname } : { ns, local, value: a.value };
  });
  attrs.sort(compareAttrs);
  const hasElements = el.children.some((c) => typeof c !== 'string');
  if (!hasElements && el.ns === NS.soap && el.local === 'Value') {
    const qname = resolveQName(el, el.children.join(''));
    if (qname) return { ns: el.ns, local: el.local, attrs, children: [], qname };
  }
  const children: CanonicalNode[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') {
      if (hasElements && c.trim() === '') continue;
      const last = children[children.length - 1];
      if (typeof last === 'string') children[children.length - 1] = last + c;
      else if (c !== '') children.push(c);
    } else {
      children.push(canonicalize(c));
    }
  }
  return { ns: el.ns, local: el.local, attrs, children };
}

/** Parses XML text into its canonical tree (XmlSyntaxError when it is not well-formed). */
export function canonicalTree(xml: string): CanonicalElement {
  return canonicalize(parseXml(xml));
}

/** Canonical text of XML text. */
export function canonicalXml(xml: string): string {
  return serializeCanonical(canonicalTree(xml));
}

/** Prefixes for every namespace the tree uses, in order of first use. */
function prefixTable(root: CanonicalElement): Map<string, string> {
  const table = new Map<string, string>();
  let next = 0;
  const use = (ns: string): void => {
    if (ns === '' || ns === XML_NS || table.has(ns)) return;
    table.set(ns, WELL_KNOWN.get(ns) ?? `ns${next++}`);
  };
  const walk = (el: CanonicalElement): void => {
    use(el.ns);
    for (const a of el.attrs) {
      use(a.ns);
      if (a.qname) use(a.qname.ns);
    }
    if (el.qname) use(el.qname.ns);
    for (const c of el.children) if (typeof c !== 'string') walk(c);
  };
  walk(root);
  return table;
}

function qualified(table: ReadonlyMap<string, string>, ns: string, local: string): string {
  if (ns === '') return local;
  if (ns === XML_NS) return `xml:${local}`;
  return `${table.get(ns) as string}:${local}`;
}

/** The text of a QName value in canonical form. */
function qnameText(table: ReadonlyMap<string, string>, q: CanonicalQName): string {
  return q.ns === '' ? q.local : qualified(table, q.ns, q.local);
}

/** Writes a canonical tree as text (namespaces declared on its root). */
export function serializeCanonical(root: CanonicalElement): string {
  const table = prefixTable(root);
  const w = new XmlWriter();
  const write = (el: CanonicalElement, isRoot: boolean): void => {
    const attrs: Record<string, string> = {};
    if (isRoot) for (const [ns, prefix] of table) attrs[`xmlns:${prefix}`] = ns;
    for (const a of el.attrs) attrs[qualified(table, a.ns, a.local)] = a.qname ? qnameText(table, a.qname) : a.value;
    const name = qualified(table, el.ns, el.local);
    if (el.qname) {
      w.leaf(name, attrs as Attrs, qnameText(table, el.qname));
      return;
    }
    if (el.children.length === 0) {
      w.leaf(name, attrs as Attrs);
      return;
    }
    if (el.children.length === 1 && typeof el.children[0] === 'string') {
      w.open(name, attrs as Attrs).text(el.children[0]).close();
      return;
    }
    w.open(name, attrs as Attrs);
    for (const c of el.children) {
      if (typeof c === 'string') w.text(c);
      else write(c, false);
    }
    w.close();
  };
  write(root, true);
  return w.toString();
}

// ---------------------------------------------------------------------------
// Reading canonical trees: by namespace URI and local name, as everywhere else.

export function elementsOf(el: CanonicalElement): CanonicalElement[] {
  return el.children.filter((c): c is CanonicalElement => typeof c !== 'string');
}

export function childOf(el: CanonicalElement | undefined, ns: string, local: string): CanonicalElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (typeof c !== 'string' && c.ns === ns && c.local === local) return c;
  return undefined;
}

/** The element's own text (a QName value in `{ns}local` form). */
export function textOfCanonical(el: CanonicalElement): string {
  if (el.qname) return el.qname.ns === '' ? el.qname.local : `{${el.qname.ns}}${el.qname.local}`;
  let s = '';
  for (const c of el.children) if (typeof c === 'string') s += c;
  return s;
}

export function attrOf(el: CanonicalElement, ns: string, local: string): string | undefined {
  return el.attrs.find((a) => a.ns === ns && a.local === local)?.value;
}

/** A QName as canonical text writes it: the conventional prefix of a well-known namespace, else `{ns}local`. */
export function displayQName(q: CanonicalQName): string {
  if (q.ns === '') return q.local;
  const prefix = WELL_KNOWN.get(q.ns);
  return prefix ? `${prefix}:${q.local}` : `{${q.ns}}${q.local}`;
}

/**
 * The same tree with every text run and attribute value passed through `map` (QName values
 * are left alone: they name types and faults, never a volatile value). `map` is told the
 * element the value belongs to, and the attribute for attribute values.
 */
export function mapValues(
  el: CanonicalElement,
  map: (value: string, owner: CanonicalElement, attribute?: CanonicalAttribute) => string,
): CanonicalElement {
  const attrs = el.attrs.map((a) => (a.qname ? a : { ...a, value: map(a.value, el, a) }));
  const children = el.children.map((c) => (typeof c === 'string' ? map(c, el) : mapValues(c, map)));
  return { ...el, attrs, children };
}

/** Visits every element, depth first, with its ancestors (outermost first). */
export function visit(el: CanonicalElement, fn: (el: CanonicalElement, ancestors: readonly CanonicalElement[]) => void, ancestors: CanonicalElement[] = []): void {
  fn(el, ancestors);
  ancestors.push(el);
  for (const c of el.children) if (typeof c !== 'string') visit(c, fn, ancestors);
  ancestors.pop();
}
