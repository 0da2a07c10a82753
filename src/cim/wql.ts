/**
 * The WQL filter dialect of WS-Man Enumerate (MS-WSMV 3.1.4.8.1, `wql` in wsman/namespaces): WMI data
 * queries `SELECT * | P1, P2 FROM Class [WHERE condition]`, parsed, checked against a class, evaluated
 * against instances and used to project them. Pure: no I/O, no XML.
 *
 * Evaluation follows WMI: names and strings compare case-insensitively; the literal is converted to the
 * property's type, and a comparison that cannot be made (NULL, a failed conversion, a reference or an
 * embedded instance) is false whatever the operator. Logic is two-valued: `NOT (X = 5)` holds when X is NULL.
 */
import { CimDateTime } from './datetime';
import type { CimInstance, CimScalar, CimValue, ResolvedClass } from './types';

export type WqlComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';

export type WqlLiteral =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'integer'; readonly value: bigint }
  | { readonly kind: 'real'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

/** A WHERE condition. Comparisons are normalised to `property OP literal` (`5 < X` is stored as `X > 5`,
 * `!=` as `<>`); AND and OR chains are flat. */
export type WqlExpr =
  | { readonly kind: 'compare'; readonly property: string; readonly op: WqlComparisonOperator; readonly literal: WqlLiteral }
  | { readonly kind: 'isNull'; readonly property: string; readonly negated: boolean }
  | { readonly kind: 'like'; readonly property: string; readonly pattern: string }
  | { readonly kind: 'not'; readonly operand: WqlExpr }
  | { readonly kind: 'and'; readonly operands: readonly WqlExpr[] }
  | { readonly kind: 'or'; readonly operands: readonly WqlExpr[] };

export interface WqlQuery {
  readonly className: string;
  readonly properties: '*' | string[]; // '*' or the names as written in the query
  readonly where?: WqlExpr;
}

/** A query that is not WQL, or WQL we do not support. `position` is the 0-based offset in the query text. */
export class WqlSyntaxError extends Error {
  constructor(readonly reason: string, readonly position: number) {
    super(`${reason} at position ${position}`);
    this.name = 'WqlSyntaxError';
  }
}

/** A well-formed query that does not fit the class it runs against; `propertyName` names the offending property. */
export class WqlSemanticError extends Error {
  constructor(message: string, readonly propertyName?: string) {
    super(message);
    this.name = 'WqlSemanticError';
  }
}

// --- Lexer -----------------------------------------------------------------
type Token =
  | { readonly kind: 'word' | 'punct' | 'eof'; readonly text: string; readonly pos: number }
  | { readonly kind: 'literal'; readonly text: string; readonly pos: number; readonly literal: WqlLiteral }
  | { readonly kind: 'op'; readonly text: string; readonly pos: number; readonly op: WqlComparisonOperator };

const NUMBER = String.raw`-?(?:0[xX][\da-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)`;
const WHOLE_NUMBER = new RegExp(`^${NUMBER}$`);

/** Lazy, so that a parse error earlier in the text is reported before a lexical one later on. */
function* tokenize(text: string): Generator<Token, never> {
  const re = new RegExp(String.raw`\s*(?:([A-Za-z_]\w*)|(${NUMBER})|(<>|!=|<=|>=|[=<>])|([,()*.])|(\S))`, 'y');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [, word, num, op, punct, other = ''] = m;
    const pos = re.lastIndex - (word ?? num ?? op ?? punct ?? other).length;
    if (word !== undefined) yield { kind: 'word', text: word, pos };
    else if (op !== undefined) yield { kind: 'op', text: op, pos, op: (op === '!=' ? '<>' : op) as WqlComparisonOperator };
    else if (punct !== undefined) yield { kind: 'punct', text: punct, pos };
    else if (num !== undefined) {
      if (/[\w.]/.test(text.charAt(re.lastIndex))) throw new WqlSyntaxError('malformed number', pos);
      yield { kind: 'literal', text: num, pos, literal: numberLiteral(num) };
    } else if (other === "'" || other === '"') {
      const { value, end } = readString(text, pos);
      yield { kind: 'literal', text: text.slice(pos, end), pos, literal: { kind: 'string', value } };
      re.lastIndex = end;
    } else throw new WqlSyntaxError(`unexpected character '${other}'`, pos);
  }
  for (;;) yield { kind: 'eof', text: '', pos: text.length };
}

function numberLiteral(src: string): Extract<WqlLiteral, { kind: 'integer' | 'real' }> {
  const body = src.replace(/^-/, '');
  if (!/^(0[xX][\da-fA-F]+|\d+)$/.test(body)) return { kind: 'real', value: Number(src) };
  return { kind: 'integer', value: body === src ? BigInt(body) : -BigInt(body) };
}

/** A quoted string: a doubled quote, `\'`, `\"` or `\\` stands for the character; WMI refuses other escapes. */
function readString(text: string, start: number): { value: string; end: number } {
  const quote = text.charAt(start);
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === quote && text.charAt(i + 1) !== quote) return { value, end: i + 1 };
    if (c === quote || (c === '\\' && i + 1 < text.length)) {
      const escaped = text.charAt(++i);
      if (c === '\\' && !`'"\\`.includes(escaped)) throw new WqlSyntaxError(`unsupported escape \\${escaped} in string literal`, i - 1);
      value += escaped;
    } else value += c;
  }
  throw new WqlSyntaxError('unterminated string literal', start);
}

// --- Parser: recursive descent; NOT binds tighter than AND, AND tighter than OR ----------------------
const MAX_DEPTH = 100; // bounds recursion in the parser and evaluator against hostile nesting
const FLIPPED: Readonly<Record<WqlComparisonOperator, WqlComparisonOperator>> = {
  '=': '=', '<>': '<>', '<': '>', '>': '<', '<=': '>=', '>=': '<=',
};
const UNSUPPORTED_CLAUSES = new Map([
  ['GROUP', 'GROUP BY'], ['HAVING', 'HAVING'], ['ORDER', 'ORDER BY'], ['WITHIN', 'WITHIN (event queries)'],
]);
/** Keywords that cannot stand for a property name in a condition. */
const RESERVED = new Set(['AND', 'OR', 'NOT', 'IS', 'LIKE', 'ISA', 'WHERE', 'FROM', 'SELECT']);

function fail(reason: string, at: Token): never {
  throw new WqlSyntaxError(reason, at.pos);
}

/** Keywords match case-insensitively, punctuation exactly. */
function is(t: Token, text: string): boolean {
  return (t.kind === 'word' && t.text.toUpperCase() === text) || (t.kind === 'punct' && t.text === text);
}

function literalOf(t: Token): WqlLiteral | undefined {
  if (t.kind === 'literal') return t.literal;
  if (is(t, 'TRUE') || is(t, 'FALSE')) return { kind: 'boolean', value: is(t, 'TRUE') };
  return is(t, 'NULL') ? { kind: 'null' } : undefined;
}

class Parser {
  private current: Token | undefined; // the next token, once pulled from the lexer
  constructor(private readonly lexer: Iterator<Token, never>) {}

  query(): WqlQuery {
    const first = this.next();
    if (first.kind === 'eof') fail('empty query', first);
    if (is(first, 'ASSOCIATORS') || is(first, 'REFERENCES')) fail(`${first.text.toUpperCase()} OF queries are not supported`, first);
    if (!is(first, 'SELECT')) fail('expected SELECT at the start of the query', first);
    const properties = this.accept('*') ? '*' : this.propertyList();
    if (!this.accept('FROM')) fail(`expected FROM after ${properties === '*' ? '*' : 'the property list'}`, this.peek());
    const cls = this.next();
    if (cls.kind !== 'word') fail('expected a class name after FROM', cls);
    const where = this.accept('WHERE') ? this.chain('OR', 0) : undefined;
    const end = this.peek();
    const clause = end.kind === 'word' ? UNSUPPORTED_CLAUSES.get(end.text.toUpperCase()) : undefined;
    if (clause) fail(`${clause} is not supported`, end);
    if (end.kind !== 'eof') fail(where ? 'expected AND, OR or the end of the query' : 'expected WHERE or the end of the query', end);
    return where ? { className: cls.text, properties, where } : { className: cls.text, properties };
  }

  private peek = (): Token => (this.current ??= this.lexer.next().value);
  private next(): Token {
    const t = this.peek();
    this.current = undefined;
    return t;
  }

  /** Consumes the next token when it is the keyword or punctuation `text`. */
  private accept(text: string): boolean {
    const ok = is(this.peek(), text);
    if (ok) this.current = undefined;
    return ok;
  }

  private propertyList(): string[] {
    const names: string[] = [];
    do {
      const t = this.next();
      const expected = names.length ? "expected a property name after ','" : 'expected * or a property name after SELECT';
      if (t.kind !== 'word' || is(t, 'FROM')) fail(expected, t);
      names.push(this.propertyName(t));
    } while (this.accept(','));
    return names;
  }

  /** A plain name: paths (`A.B`) and calls (`F(…)`) are not part of WQL data queries. */
  private propertyName(t: Token): string {
    if (is(this.peek(), '(')) fail(`functions are not supported (${t.text})`, t);
    if (is(this.peek(), '.')) fail(`property paths are not supported (${t.text}.)`, t);
    return t.text;
  }

  private chain(keyword: 'OR' | 'AND', depth: number): WqlExpr {
    const operand = (): WqlExpr => (keyword === 'OR' ? this.chain('AND', depth) : this.unary(depth));
    const operands = [operand()];
    while (this.accept(keyword)) operands.push(operand());
    return operands.length > 1 ? { kind: keyword === 'OR' ? 'or' : 'and', operands } : (operands[0] as WqlExpr);
  }

  private unary(depth: number): WqlExpr {
    const t = this.peek();
    if (depth > MAX_DEPTH) fail('condition nested too deeply', t);
    if (this.accept('NOT')) return { kind: 'not', operand: this.unary(depth + 1) };
    if (!this.accept('(')) return this.predicate();
    const inner = this.chain('OR', depth + 1);
    if (!this.accept(')')) fail(`expected ) to close the ( at position ${t.pos}`, this.peek());
    return inner;
  }

  private predicate(): WqlExpr {
    const t = this.next();
    const leading = literalOf(t);
    if (leading) {
      const op = this.next();
      if (op.kind !== 'op') fail('expected a comparison operator after the literal', op);
      const p = this.next();
      if (literalOf(p)) fail('comparing two literals is not supported', p);
      if (p.kind !== 'word' || RESERVED.has(p.text.toUpperCase())) fail(`expected a property name after ${op.text}`, p);
      return { kind: 'compare', property: this.propertyName(p), op: FLIPPED[op.op], literal: leading };
    }
    if (t.kind !== 'word' || RESERVED.has(t.text.toUpperCase())) fail('expected a condition', t);
    const property = this.propertyName(t);
    const op = this.next();
    if (is(op, 'IS')) {
      const negated = this.accept('NOT');
      if (!this.accept('NULL')) fail('expected NULL or NOT NULL after IS', this.peek());
      return { kind: 'isNull', property, negated };
    }
    if (is(op, 'LIKE')) {
      const p = this.next();
      if (p.kind !== 'literal' || p.literal.kind !== 'string') return fail('expected a string pattern after LIKE', p);
      compileLike(p.literal.value, p.pos);
      return { kind: 'like', property, pattern: p.literal.value };
    }
    if (['ISA', 'IN', 'BETWEEN'].some((k) => is(op, k))) fail(`${op.text.toUpperCase()} is not supported`, op);
    if (is(op, 'NOT')) fail('NOT after a property name is not supported; put NOT before the condition', op);
    if (op.kind !== 'op') fail(`expected a comparison operator, IS or LIKE after ${property}`, op);
    const v = this.next();
    const literal =
      literalOf(v) ?? fail(v.kind === 'word' ? 'comparing two properties is not supported' : `expected a literal after ${op.text}`, v);
    return { kind: 'compare', property, op: op.op, literal };
  }
}

/** Parses a WQL data query; throws WqlSyntaxError for anything else. */
export function parseWql(text: string): WqlQuery {
  return new Parser(tokenize(text)).query();
}

// --- LIKE: % any run, _ one character, [abc] and [a-z] sets, [^…] negated sets. WMI's documentation writes
// ranges [a=f]; we accept `-` and `=`. A `]` first in a set is literal; [%], [_] and [[] match those characters.
type LikeToken =
  | { readonly kind: 'any' | 'one' }
  | { readonly kind: 'set'; readonly negated: boolean; readonly ranges: ReadonlyArray<readonly [number, number]> };

/** Compiles a pattern; `pos` (the pattern literal's offset) is for errors. Positions are code points. */
function compileLike(pattern: string, pos: number): LikeToken[] {
  const chars = Array.from(pattern);
  const cp = (i: number): number => (chars[i] as string).codePointAt(0) as number;
  const tokens: LikeToken[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '%' || c === '_') tokens.push({ kind: c === '%' ? 'any' : 'one' });
    else if (c !== '[') tokens.push({ kind: 'set', negated: false, ranges: [[cp(i), cp(i)]] }); // matched like a set
    else {
      const negated = chars[i + 1] === '^';
      const ranges: Array<readonly [number, number]> = [];
      for (i += negated ? 2 : 1; ranges.length === 0 || chars[i] !== ']'; i++) {
        if (i >= chars.length) throw new WqlSyntaxError('unterminated [ set in LIKE pattern', pos);
        const lo = cp(i);
        if ((chars[i + 1] === '-' || chars[i + 1] === '=') && i + 2 < chars.length && chars[i + 2] !== ']') i += 2;
        if (cp(i) < lo) throw new WqlSyntaxError(`invalid range ${chars.slice(i - 2, i + 1).join('')} in LIKE pattern`, pos);
        ranges.push([lo, cp(i)]);
      }
      tokens.push({ kind: 'set', negated, ranges });
    }
  }
  return tokens;
}

function likeTokenMatches(t: LikeToken, ch: string): boolean {
  if (t.kind !== 'set') return t.kind === 'one';
  // Case-insensitive: the character or its other case may fall in a range.
  const codes = [ch, ch.toLowerCase(), ch.toUpperCase()].filter((v) => Array.from(v).length === 1).map((v) => v.codePointAt(0) as number);
  return codes.some((code) => t.ranges.some(([lo, hi]) => code >= lo && code <= hi)) !== t.negated;
}

/** Greedy matching that backtracks to the last %: O(text × pattern), no regular expressions. */
function likeMatches(pattern: string, value: string): boolean {
  const tokens = compileLike(pattern, 0);
  const text = Array.from(value);
  let [t, s, starT, starS] = [0, 0, -1, 0];
  while (s < text.length) {
    const tok = tokens[t];
    if (tok?.kind === 'any') [starT, starS, t] = [t, s, t + 1];
    else if (tok && likeTokenMatches(tok, text[s] as string)) [t, s] = [t + 1, s + 1];
    else if (starT < 0) return false;
    else [t, s, starS] = [starT + 1, starS + 1, starS + 1];
  }
  while (tokens[t]?.kind === 'any') t++;
  return t === tokens.length;
}

// --- Validation, evaluation, projection ------------------------------------------------------------
function referencedProperties(e: WqlExpr): string[] {
  if (e.kind === 'not') return referencedProperties(e.operand);
  if (e.kind === 'and' || e.kind === 'or') return e.operands.flatMap(referencedProperties);
  return [e.property];
}

/** Checks a parsed query against the class it runs on (which the caller looked up by `q.className`). */
export function validateWql(q: WqlQuery, cls: ResolvedClass): void {
  if (!cls.isA(q.className)) throw new WqlSemanticError(`class ${q.className} is not ${cls.name} or one of its superclasses`);
  for (const name of [...(q.properties === '*' ? [] : q.properties), ...(q.where ? referencedProperties(q.where) : [])]) {
    if (cls.properties.some((p) => p.name.toLowerCase() === name.toLowerCase())) continue;
    // System properties (__CLASS, __PATH, …) parse as plain names, but instances do not carry them.
    const why = name.startsWith('__') ? `system property ${name} is not supported` : `${name} is not a property of class ${cls.name}`;
    throw new WqlSemanticError(why, name);
  }
}

function lookup(instance: CimInstance, name: string): CimValue | undefined {
  return instance.properties.get(name) ?? [...instance.properties].find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

/** The values a comparison or LIKE looks at. Array-valued properties: the condition holds if any element
 * satisfies it, so an empty array never does. References and embedded instances offer nothing to compare. */
function scalarsOf(v: CimValue | undefined): readonly CimScalar[] {
  if (!v || v.value === null || v.type === 'reference' || v.type === 'instance') return [];
  return ([] as CimScalar[]).concat(v.value); // a scalar, or the array's elements
}

const isNull = (v: CimValue | undefined): boolean => v === undefined || v.value === null;

/** TRUE, FALSE, 1, 0, 'true', 'false', '1' and '0' all compare with a boolean. */
const BOOLEAN_TEXT = new Map([['true', 1], ['1', 1], ['false', 0], ['0', 0]]);

/** Mixed number/bigint relational comparisons are exact in JavaScript. */
const order = <T extends string | number | bigint>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

function parseNumber(text: string): number | bigint | undefined {
  return WHOLE_NUMBER.test(text.trim()) ? numberLiteral(text.trim()).value : undefined;
}

/** Microseconds since the epoch for a timestamp, or the length of an interval. */
function micros(d: CimDateTime): bigint {
  const ms = d.isInterval ? d.toMilliseconds() : d.toDate().getTime();
  return BigInt(ms) * 1000n + BigInt(Number(d.toCimString().slice(15, 21)) % 1000);
}

/** Orders a property value against a literal converted to the value's type: -1, 0, 1, or NaN when that fails. */
function compareScalar(value: CimScalar, lit: WqlLiteral): number {
  if (lit.kind === 'null') return NaN;
  if (typeof value === 'string') return order(value.toLowerCase(), String(lit.value).toLowerCase());
  if (typeof value === 'boolean') {
    const b = BOOLEAN_TEXT.get(String(lit.value).toLowerCase());
    return b === undefined ? NaN : order(Number(value), b);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = lit.kind === 'string' ? parseNumber(lit.value) : lit.kind === 'boolean' ? undefined : lit.value;
    return n === undefined || Number.isNaN(n) || Number.isNaN(value) ? NaN : order<number | bigint>(value, n);
  }
  if (!(value instanceof CimDateTime) || lit.kind !== 'string') return NaN;
  try {
    const d = CimDateTime.parseCim(lit.value);
    return d.isInterval === value.isInterval ? order(micros(value), micros(d)) : NaN;
  } catch {
    return NaN; // not a CIM datetime
  }
}

/** Every operator is false for NaN, the result of a comparison that cannot be made. */
const HOLDS: Readonly<Record<WqlComparisonOperator, (c: number) => boolean>> = {
  '=': (c) => c === 0, '<>': (c) => c < 0 || c > 0, '<': (c) => c < 0, '>': (c) => c > 0, '<=': (c) => c <= 0, '>=': (c) => c >= 0,
};

function evaluate(e: WqlExpr, instance: CimInstance): boolean {
  switch (e.kind) {
    case 'and': return e.operands.every((o) => evaluate(o, instance));
    case 'or': return e.operands.some((o) => evaluate(o, instance));
    case 'not': return !evaluate(e.operand, instance);
    case 'isNull': return isNull(lookup(instance, e.property)) !== e.negated;
    case 'like': return scalarsOf(lookup(instance, e.property)).some((s) => typeof s === 'string' && likeMatches(e.pattern, s));
    case 'compare': {
      const v = lookup(instance, e.property);
      // WMI reads `= NULL` as IS NULL and `<> NULL` as IS NOT NULL; other operators never hold.
      if (e.literal.kind === 'null') return e.op === '=' ? isNull(v) : e.op === '<>' && !isNull(v);
      return scalarsOf(v).some((s) => HOLDS[e.op](compareScalar(s, e.literal)));
    }
  }
}

/** True when the instance satisfies the WHERE condition (always, without one). */
export function matchesWql(q: WqlQuery, instance: CimInstance): boolean {
  return q.where === undefined || evaluate(q.where, instance);
}

/** The instance with only the selected properties, in the instance's order. A selected property the
 * instance lacks stays absent; keys are not added (as in WMI). */
export function projectWql(q: WqlQuery, instance: CimInstance): CimInstance {
  if (q.properties === '*') return instance;
  const wanted = new Set(q.properties.map((p) => p.toLowerCase()));
  const properties = new Map([...instance.properties].filter(([name]) => wanted.has(name.toLowerCase())));
  return { ...instance, properties };
}
