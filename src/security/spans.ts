/**
 * Where each element's tags sit in the source text, so signing can insert the Security
 * header and wsu:Id attributes into the caller's XML without re-serialising it: every byte
 * we did not add stays as the writer produced it.
 *
 * Only ever run on text that parseXml has accepted (well-formed, no DOCTYPE), so the scan
 * needs to know just comments, CDATA, processing instructions and quoted attribute values.
 */
import { elements, type XmlElement } from '../xml/parse';

export interface ElementSpan {
  /** Offset of the '<' that opens the start tag. */
  readonly start: number;
  /** Offset of the '>' that ends the start tag, or of the '/' of '/>' for an empty element. */
  readonly startTagClose: number;
  readonly selfClosing: boolean;
  /** The element's name as written. */
  readonly qname: string;
}

const NAME_END = /[\s/>]/g;

/** Start-tag spans of every element, in document order (the order of `preorderIndex`). */
export function elementSpans(xml: string): ElementSpan[] {
  const spans: ElementSpan[] = [];
  let i = 0;
  for (;;) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) return spans;
    if (xml.startsWith('<!--', lt)) i = skipPast(xml, '-->', lt + 4);
    else if (xml.startsWith('<![CDATA[', lt)) i = skipPast(xml, ']]>', lt + 9);
    else if (xml.startsWith('<?', lt)) i = skipPast(xml, '?>', lt + 2);
    else if (xml[lt + 1] === '/') i = skipPast(xml, '>', lt + 2);
    else if (xml[lt + 1] === '!') throw new Error('elementSpans: markup declarations are refused before this point');
    else {
      const close = startTagEnd(xml, lt + 1);
      const selfClosing = xml[close - 1] === '/';
      NAME_END.lastIndex = lt + 1;
      const nameEnd = NAME_END.exec(xml)?.index ?? close;
      spans.push({ start: lt, startTagClose: selfClosing ? close - 1 : close, selfClosing, qname: xml.slice(lt + 1, nameEnd) });
      i = close + 1;
    }
  }
}

function skipPast(xml: string, end: string, from: number): number {
  const at = xml.indexOf(end, from);
  if (at === -1) throw new Error(`elementSpans: unterminated markup (no '${end}')`);
  return at + end.length;
}

/** Offset of the '>' ending a start tag; '>' may appear inside quoted attribute values. */
function startTagEnd(xml: string, from: number): number {
  let quote = '';
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  throw new Error('elementSpans: unterminated start tag');
}

/** Position of `target` in a pre-order walk of `root` (the root is 0). */
export function preorderIndex(root: XmlElement, target: XmlElement): number {
  let n = 0;
  const walk = (el: XmlElement): boolean => {
    if (el === target) return true;
    n++;
    return elements(el).some(walk);
  };
  if (!walk(root)) throw new Error('preorderIndex: the element is not in this tree');
  return n;
}

export interface TextEdit {
  readonly at: number;
  /** Characters of the source replaced, from `at`. */
  readonly remove: number;
  readonly text: string;
}

/** Inserts `text` as the first content of an element, opening an empty element if needed. */
export function insertFirstChild(span: ElementSpan, text: string): TextEdit {
  if (span.selfClosing) return { at: span.startTagClose, remove: 2, text: `>${text}</${span.qname}>` };
  return { at: span.startTagClose + 1, remove: 0, text };
}

/** Adds attributes (given as ` name="value"…`, already escaped) to an element's start tag. */
export function addToStartTag(span: ElementSpan, attributesText: string): TextEdit {
  return { at: span.startTagClose, remove: 0, text: attributesText };
}

/** Applies non-overlapping edits; offsets refer to the original text. */
export function applyEdits(xml: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.at - a.at);
  let out = xml;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.at + e.remove > limit) throw new Error('applyEdits: overlapping edits');
    out = out.slice(0, e.at) + e.text + out.slice(e.at + e.remove);
    limit = e.at;
  }
  return out;
}
