/**
 * Tokens of the PowerShell subset. PowerShell tokenizes by mode (a bareword is
 * a command argument in one place and an operator in another), so the parser
 * asks the tokenizer for the next token in the mode it is in.
 */
import type { ParseErrorInfo } from './parseErrors';

/**
 * - `expression`: operators (`-eq`, `+`), numbers, variables; a bareword is a Generic token the parser rejects.
 * - `argument`: command mode: barewords are strings, `-Name` is a parameter, `+` is text.
 * - `member`: after `.` or `::`: a member name.
 */
export type ScanMode = 'expression' | 'argument' | 'member';

/** A piece of an expandable string: literal text, a variable, or the offsets of a $( ) to parse. */
export type StringPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'subexpression'; readonly start: number; readonly end: number; readonly innerStart: number; readonly innerEnd: number };

export type Punctuator =
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | '@('
  | '@{'
  | '$('
  | ','
  | ';'
  | '.'
  | '::'
  | '..'
  | '|'
  | '&'
  | '='
  | '+='
  | '-='
  | '*='
  | '/='
  | '%='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '!'
  | '++'
  | '--'
  | '&&'
  | '||';

interface TokenBase {
  readonly start: number;
  readonly end: number;
  /** The source text of the token. */
  readonly text: string;
  /** Whitespace or a comment came right before it (member access and indexing need adjacency). */
  readonly spaceBefore: boolean;
  /** A tokenizer error (an unterminated string…): the token is still usable; the parser records the error. */
  readonly error?: ParseErrorInfo;
}

export type Token =
  | (TokenBase & { readonly kind: 'EOF' })
  | (TokenBase & { readonly kind: 'NewLine' })
  | (TokenBase & { readonly kind: 'Punct'; readonly punct: Punctuator })
  /** `-eq`, `-not`, `-f`…: `op` is the lower-case name without the dash. */
  | (TokenBase & { readonly kind: 'Operator'; readonly op: string })
  /** `$name`, `${name}`, `$env:name`: `name` includes any scope or drive prefix. */
  | (TokenBase & { readonly kind: 'Variable'; readonly name: string })
  | (TokenBase & { readonly kind: 'Splat'; readonly name: string })
  /** `-Name` or `-Name:` in argument mode. */
  | (TokenBase & { readonly kind: 'Parameter'; readonly name: string; readonly colon: boolean })
  | (TokenBase & { readonly kind: 'Number'; readonly value: number })
  /** Single-quoted or a literal here-string. */
  | (TokenBase & { readonly kind: 'String'; readonly value: string; readonly here: boolean })
  /** Double-quoted or an expandable here-string. */
  | (TokenBase & { readonly kind: 'ExpandableString'; readonly parts: readonly StringPart[]; readonly here: boolean })
  /** A bareword. `parts` when it embeds variables or quoted pieces (`$env:TEMP\x`, `a"b c"`). */
  | (TokenBase & { readonly kind: 'Generic'; readonly value: string; readonly parts?: readonly StringPart[] })
  /** `2>&1`, `>`, `*>>`: `stream` is the source stream's number or '*'; `merge` when redirected into output. */
  | (TokenBase & { readonly kind: 'Redirection'; readonly stream: string; readonly append: boolean; readonly merge: boolean })
  /** The name after `.` or `::`. */
  | (TokenBase & { readonly kind: 'Member'; readonly name: string });

export type TokenKind = Token['kind'];

/** Operators after a dash in expression mode (PowerShell 5.1's set). */
export const DASH_OPERATORS: ReadonlySet<string> = new Set(
  [
    'eq',
    'ne',
    'gt',
    'ge',
    'lt',
    'le',
    'like',
    'notlike',
    'match',
    'notmatch',
    'contains',
    'notcontains',
    'in',
    'notin',
    'replace',
    'split',
    'join',
  ]
    .flatMap((o) => (o === 'join' ? [o] : [o, `i${o}`, `c${o}`]))
    .concat(['is', 'isnot', 'as', 'and', 'or', 'xor', 'not', 'band', 'bor', 'bxor', 'bnot', 'shl', 'shr', 'f']),
);

/** Unary dash operators (they may start an expression). */
export const UNARY_DASH_OPERATORS: ReadonlySet<string> = new Set(['not', 'bnot', 'split', 'isplit', 'csplit', 'join']);

const DASHES = new Set(['-', '\u2013', '\u2014', '\u2015']);
export const isDash = (c: string): boolean => DASHES.has(c);

const SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);
const DOUBLE_QUOTES = new Set(['"', '\u201c', '\u201d', '\u201e']);
export const isSingleQuote = (c: string): boolean => SINGLE_QUOTES.has(c);
export const isDoubleQuote = (c: string): boolean => DOUBLE_QUOTES.has(c);

export const isNewLine = (c: string): boolean => c === '\n' || c === '\r';
export const isWhitespace = (c: string): boolean =>
  c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\u0085' || c === '\ufeff' || c === '\u3000' || (c >= '\u2000' && c <= '\u200a');

export const isDigit = (c: string): boolean => c >= '0' && c <= '9';

const LETTER = /\p{L}|\p{Nl}|\p{Mn}|\p{Mc}|\p{Nd}|\p{Pc}/u;
export function isIdentifierChar(c: string): boolean {
  if (c === '') return false;
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  return LETTER.test(c);
}

/** Characters of a `$name` (PowerShell allows `?` too). */
export const isVariableChar = (c: string): boolean => isIdentifierChar(c) || c === '?';

/** Characters that end a bareword in argument mode. */
export function endsGeneric(c: string): boolean {
  return (
    c === '' ||
    isWhitespace(c) ||
    isNewLine(c) ||
    c === ';' ||
    c === ',' ||
    c === '|' ||
    c === '&' ||
    c === '(' ||
    c === ')' ||
    c === '{' ||
    c === '}' ||
    c === '>' ||
    c === '<'
  );
}
