/**
 * PowerShell tokenizer for the engine's subset. It is driven by the parser: the
 * parser asks for the token at an offset in a mode (expression, argument,
 * member), as PowerShell's own tokenizer is driven by its parser. Scanning is a
 * single forward pass over characters; no regular expression ever runs over the
 * script, so time is linear in its length.
 */
import { PARSER_MESSAGES, type ParseErrorInfo } from './parseErrors';
import type { SourceText } from './extent';
import {
  DASH_OPERATORS,
  endsGeneric,
  isDash,
  isDigit,
  isDoubleQuote,
  isIdentifierChar,
  isNewLine,
  isSingleQuote,
  isVariableChar,
  isWhitespace,
  type Punctuator,
  type ScanMode,
  type StringPart,
  type Token,
} from './tokens';
import { scanNumberLiteral, type NumberLiteral } from './numbers';

/**
 * How deep strings may nest inside $( ) inside strings. The parser's own nesting
 * limit (MAX_NESTING_DEPTH in parser) covers every other bracket.
 */
export const MAX_STRING_NESTING = 100;

const ESCAPES: Readonly<Record<string, string>> = { '0': '\0', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** What a backtick followed by `c` stands for in an expandable string or bareword. */
export function escapeChar(c: string): string {
  return ESCAPES[c] ?? c;
}

/** A token before its source text is filled in (distributes over the union). */
type TokenInit = Token extends infer T ? (T extends Token ? Omit<T, 'text'> & { text?: string } : never) : never;

interface Scanned {
  readonly end: number;
  readonly error?: ParseErrorInfo;
}

export class Tokenizer {
  readonly #text: string;
  #stringDepth = 0;

  constructor(
    readonly source: SourceText,
    /** Offset where this tokenizer's input ends (a $( ) inside a string parses a slice). */
    readonly limit: number,
  ) {
    this.#text = source.text;
  }

  private ch(i: number): string {
    return i < this.limit ? this.#text[i] : '';
  }

  private error(id: keyof typeof PARSER_MESSAGES, message: string, start: number, end: number): ParseErrorInfo {
    return { id, message, extent: this.source.extent(start, end) };
  }

  /** Skips whitespace, comments and line continuations (not newlines). */
  skipTrivia(pos: number): { pos: number; space: boolean; error?: ParseErrorInfo } {
    let i = pos;
    let error: ParseErrorInfo | undefined;
    for (;;) {
      const c = this.ch(i);
      if (c !== '' && isWhitespace(c)) i++;
      else if (c === '`' && isNewLine(this.ch(i + 1))) i += this.ch(i + 1) === '\r' && this.ch(i + 2) === '\n' ? 3 : 2;
      else if (c === '#') {
        while (i < this.limit && !isNewLine(this.#text[i])) i++;
      } else if (c === '<' && this.ch(i + 1) === '#') {
        const close = this.#text.indexOf('#>', i + 2);
        if (close < 0 || close + 2 > this.limit) {
          error = this.error('MissingTerminatorMultiLineComment', PARSER_MESSAGES.MissingTerminatorMultiLineComment(), i, this.limit);
          i = this.limit;
        } else i = close + 2;
      } else break;
    }
    return { pos: i, space: i > pos, error };
  }

  /** The token at `pos` in `mode`. Never throws; malformed input gives a token carrying an error. */
  scan(pos: number, mode: ScanMode): Token {
    const trivia = this.skipTrivia(pos);
    const start = trivia.pos;
    const spaceBefore = trivia.space || pos === 0;
    const token = this.scanAt(start, mode, spaceBefore);
    return trivia.error && !token.error ? { ...token, error: trivia.error } : token;
  }

  private make(token: TokenInit): Token {
    return { ...token, text: token.text ?? this.#text.slice(token.start, token.end) } as Token;
  }

  private numberError(number: NumberLiteral, start: number): ParseErrorInfo | undefined {
    return number.bad ? this.error('BadNumericConstant', PARSER_MESSAGES.BadNumericConstant(this.#text.slice(start, number.end)), start, number.end) : undefined;
  }

  private punct(punct: Punctuator, start: number, spaceBefore: boolean): Token {
    return this.make({ kind: 'Punct', punct, start, end: start + punct.length, spaceBefore });
  }

  private scanAt(start: number, mode: ScanMode, spaceBefore: boolean): Token {
    const c = this.ch(start);
    if (c === '') return this.make({ kind: 'EOF', start, end: start, spaceBefore });
    if (isNewLine(c)) return this.make({ kind: 'NewLine', start, end: c === '\r' && this.ch(start + 1) === '\n' ? start + 2 : start + 1, spaceBefore });
    if (mode === 'member') {
      if (isIdentifierChar(c)) {
        let i = start;
        while (isIdentifierChar(this.ch(i))) i++;
        return this.make({ kind: 'Member', name: this.#text.slice(start, i), start, end: i, spaceBefore });
      }
      return this.scanAt(start, 'expression', spaceBefore);
    }
    const redirection = this.scanRedirection(start, spaceBefore);
    if (redirection) return redirection;
    const n = this.ch(start + 1);
    switch (c) {
      case '$':
        return this.scanDollar(start, mode, spaceBefore);
      case '@':
        if (n === '(') return this.punct('@(', start, spaceBefore);
        if (n === '{') return this.punct('@{', start, spaceBefore);
        if (isDoubleQuote(n) || isSingleQuote(n)) return this.scanHereString(start, spaceBefore);
        if (isVariableChar(n)) {
          let i = start + 1;
          while (isVariableChar(this.ch(i))) i++;
          return this.make({ kind: 'Splat', name: this.#text.slice(start + 1, i), start, end: i, spaceBefore });
        }
        break;
      case '(':
      case ')':
      case '{':
      case '}':
      case ';':
      case ',':
        return this.punct(c, start, spaceBefore);
      case '|':
        return this.punct(n === '|' ? '||' : '|', start, spaceBefore);
      case '&':
        return this.punct(n === '&' ? '&&' : '&', start, spaceBefore);
    }
    if (isSingleQuote(c)) return this.scanSingleQuoted(start, spaceBefore);
    if (isDoubleQuote(c)) return this.scanDoubleQuoted(start, spaceBefore);
    return mode === 'argument' ? this.scanArgumentWord(start, spaceBefore) : this.scanExpressionToken(start, spaceBefore);
  }

  private scanRedirection(start: number, spaceBefore: boolean): Token | undefined {
    const c = this.ch(start);
    let i = start;
    let stream = '1';
    if ((c >= '1' && c <= '6') || c === '*') {
      if (this.ch(start + 1) !== '>') return undefined;
      stream = c;
      i++;
    } else if (c === '<') {
      const end = start + 1;
      return this.make({
        kind: 'Redirection',
        stream: '<',
        append: false,
        merge: false,
        start,
        end,
        spaceBefore,
        error: this.error('RedirectionNotSupported', PARSER_MESSAGES.RedirectionNotSupported('<'), start, end),
      });
    } else if (c !== '>') return undefined;
    i++; // '>'
    let append = false;
    let merge = false;
    let error: ParseErrorInfo | undefined;
    if (this.ch(i) === '>') {
      append = true;
      i++;
    } else if (this.ch(i) === '&' && isDigit(this.ch(i + 1))) {
      merge = true;
      const into = this.ch(i + 1);
      i += 2;
      if (into !== '1' || stream === '1') error = this.error('RedirectionNotSupported', PARSER_MESSAGES.RedirectionNotSupported(this.#text.slice(start, i)), start, i);
    }
    return this.make({ kind: 'Redirection', stream, append, merge, start, end: i, spaceBefore, error });
  }

  /**
   * The type name after a `[` at `pos`: `int`, `string[]`, `System.Collections.Generic.List[string]`.
   * `end` is where the name stops: at the closing `]`, at `(` (an attribute), or where the text gives out.
   */
  scanTypeName(pos: number): { name: string; end: number } {
    let i = pos;
    while (isWhitespace(this.ch(i))) i++;
    const from = i;
    let depth = 0;
    while (i < this.limit) {
      const c = this.#text[i];
      if (c === '[') depth++;
      else if (c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (c === '(' || isNewLine(c) || isWhitespace(c))) break;
      else if (isNewLine(c)) break;
      i++;
    }
    const name = this.#text.slice(from, i);
    while (isWhitespace(this.ch(i))) i++;
    return { name, end: i };
  }

  /** A bareword hashtable key (`@{ Name = 1 }`): up to `=`, `;`, `}` or white space. */
  scanHashKey(pos: number): Token | undefined {
    const trivia = this.skipTrivia(pos);
    const start = trivia.pos;
    const c = this.ch(start);
    if (c === '' || !(isIdentifierChar(c) || c === '-' || c === '_') || isDigit(c)) return undefined;
    let i = start;
    while (i < this.limit) {
      const d = this.#text[i];
      if (d === '=' || d === ';' || d === '}' || isWhitespace(d) || isNewLine(d)) break;
      i++;
    }
    return this.make({ kind: 'Generic', value: this.#text.slice(start, i), start, end: i, spaceBefore: trivia.space });
  }

  // ---- variables ------------------------------------------------------------------------

  /** `$name`, `${name}`, `$(`; in argument mode a variable glued to more text is one bareword (`$env:TEMP\x`). */
  private scanDollar(start: number, mode: ScanMode, spaceBefore: boolean): Token {
    const n = this.ch(start + 1);
    if (n === '(') return this.punct('$(', start, spaceBefore);
    const v = this.scanVariableName(start);
    if (!v) {
      if (mode === 'argument') return this.scanArgumentWord(start, spaceBefore);
      const end = start + 1;
      return this.make({
        kind: 'Variable',
        name: '',
        start,
        end,
        spaceBefore,
        error: this.error('InvalidVariableReference', PARSER_MESSAGES.InvalidVariableReference(), start, end),
      });
    }
    if (mode === 'argument' && !v.error) {
      const after = this.ch(v.end);
      if (!endsGeneric(after) && after !== '.' && after !== '[') return this.scanArgumentWord(start, spaceBefore);
    }
    return this.make({ kind: 'Variable', name: v.name, start, end: v.end, spaceBefore, error: v.error });
  }

  /** The variable name after the `$` at `start`, or undefined when `$` is not followed by one. */
  private scanVariableName(start: number): { name: string; end: number; error?: ParseErrorInfo } | undefined {
    const n = this.ch(start + 1);
    if (n === '{') {
      let i = start + 2;
      let name = '';
      while (i < this.limit && this.#text[i] !== '}') {
        if (this.#text[i] === '`' && i + 1 < this.limit) {
          name += this.#text[i + 1];
          i += 2;
        } else name += this.#text[i++];
      }
      if (i >= this.limit) {
        return { name, end: this.limit, error: this.error('IncompleteDollarVariableReference', PARSER_MESSAGES.IncompleteDollarVariableReference(), start, this.limit) };
      }
      if (name === '') return { name, end: i + 1, error: this.error('EmptyVariableReference', PARSER_MESSAGES.EmptyVariableReference(), start, i + 1) };
      return { name, end: i + 1 };
    }
    if (n === '$' || n === '^' || (n === '?' && !isVariableChar(this.ch(start + 2)))) return { name: n, end: start + 2 };
    if (!isVariableChar(n)) return undefined;
    let i = start + 1;
    while (isVariableChar(this.ch(i))) i++;
    // A scope or drive: $env:NAME, $script:x (but not $x::y or "$x: text").
    if (this.ch(i) === ':' && this.ch(i + 1) !== ':') {
      if (isVariableChar(this.ch(i + 1))) {
        i++;
        while (isVariableChar(this.ch(i))) i++;
      } else if (this.ch(i + 1) === '{') {
        return undefined;
      }
    }
    return { name: this.#text.slice(start + 1, i), end: i };
  }

  // ---- strings --------------------------------------------------------------------------

  private scanSingleQuoted(start: number, spaceBefore: boolean): Token {
    const r = this.readSingleQuoted(start);
    return this.make({ kind: 'String', value: r.value, here: false, start, end: r.end, spaceBefore, error: r.error });
  }

  private readSingleQuoted(start: number): Scanned & { value: string } {
    let i = start + 1;
    let value = '';
    while (i < this.limit) {
      const c = this.#text[i];
      if (isSingleQuote(c)) {
        if (isSingleQuote(this.ch(i + 1))) {
          value += c;
          i += 2;
          continue;
        }
        return { value, end: i + 1 };
      }
      value += c;
      i++;
    }
    return { value, end: this.limit, error: this.error('TerminatorExpectedAtEndOfString', PARSER_MESSAGES.TerminatorExpectedAtEndOfString("'"), start, this.limit) };
  }

  private scanDoubleQuoted(start: number, spaceBefore: boolean): Token {
    const r = this.readExpandable(start + 1, this.limit, true);
    const error = r.closed ? r.error : (r.error ?? this.error('TerminatorExpectedAtEndOfString', PARSER_MESSAGES.TerminatorExpectedAtEndOfString('"'), start, this.limit));
    return this.make({ kind: 'ExpandableString', parts: r.parts, here: false, start, end: r.end, spaceBefore, error });
  }

  /**
   * Reads expandable text from `from` to `to`: escapes, `$var`, `${var}`, `$( )`.
   * With `quoted`, a double quote ends it (two in a row are one quote), and `closed` says one did.
   */
  private readExpandable(from: number, to: number, quoted: boolean): { parts: StringPart[]; end: number; closed: boolean; error?: ParseErrorInfo } {
    const parts: StringPart[] = [];
    let buf = '';
    let i = from;
    let error: ParseErrorInfo | undefined;
    const flush = (): void => {
      if (buf) parts.push({ kind: 'text', text: buf });
      buf = '';
    };
    while (i < to) {
      const c = this.#text[i];
      if (quoted && isDoubleQuote(c)) {
        if (i + 1 < to && isDoubleQuote(this.#text[i + 1])) {
          buf += c;
          i += 2;
          continue;
        }
        flush();
        return { parts, end: i + 1, closed: true, error };
      }
      if (c === '`' && i + 1 < to) {
        buf += escapeChar(this.#text[i + 1]);
        i += 2;
        continue;
      }
      if (c === '$' && i + 1 < to) {
        if (this.#text[i + 1] === '(') {
          const sub = this.skipSubexpression(i + 2, to);
          flush();
          parts.push({ kind: 'subexpression', start: i, end: sub.end, innerStart: i + 2, innerEnd: sub.closed ? sub.end - 1 : sub.end });
          error ??= sub.error;
          i = sub.end;
          continue;
        }
        const v = this.scanVariableName(i);
        if (v && v.end <= to) {
          flush();
          parts.push({ kind: 'variable', name: v.name, start: i, end: v.end });
          error ??= v.error;
          i = v.end;
          continue;
        }
      }
      buf += c;
      i++;
    }
    flush();
    return { parts, end: to, closed: false, error };
  }

  /**
   * Finds the `)` closing a `$(` whose content starts at `from`, scanning tokens so
   * that parentheses inside strings and comments do not count.
   */
  private skipSubexpression(from: number, to: number): { end: number; closed: boolean; error?: ParseErrorInfo } {
    if (++this.#stringDepth > MAX_STRING_NESTING) {
      this.#stringDepth--;
      return { end: to, closed: false, error: this.error('ScriptTooComplicated', PARSER_MESSAGES.ScriptTooComplicated(), from, to) };
    }
    try {
      const inner = new Tokenizer(this.source, to);
      inner.#stringDepth = this.#stringDepth;
      let depth = 1;
      let pos = from;
      let error: ParseErrorInfo | undefined;
      for (;;) {
        const t = inner.scan(pos, 'expression');
        error ??= t.error;
        if (t.kind === 'EOF') {
          return { end: to, closed: false, error: error ?? this.error('IncompleteDollarSubexpressionReference', PARSER_MESSAGES.IncompleteDollarSubexpressionReference(), from - 2, to) };
        }
        if (t.kind === 'Punct' && (t.punct === '(' || t.punct === '$(' || t.punct === '@(')) depth++;
        else if (t.kind === 'Punct' && t.punct === ')' && --depth === 0) return { end: t.end, closed: true, error };
        pos = Math.max(t.end, pos + 1);
      }
    } finally {
      this.#stringDepth--;
    }
  }

  /** `@" … "@` and `@' … '@`: the terminator must start a line; the first and last line breaks are not content. */
  private scanHereString(start: number, spaceBefore: boolean): Token {
    const quote = this.#text[start + 1];
    const expandable = isDoubleQuote(quote);
    const terminatorText = expandable ? '"@' : "'@";
    let i = start + 2;
    while (i < this.limit && isWhitespace(this.#text[i])) i++;
    if (!isNewLine(this.ch(i))) {
      const error = this.error('UnexpectedCharactersAfterHereStringHeader', PARSER_MESSAGES.UnexpectedCharactersAfterHereStringHeader(), start, start + 2);
      return this.make({ kind: 'String', value: '', here: true, start, end: start + 2, spaceBefore, error });
    }
    i += this.ch(i) === '\r' && this.ch(i + 1) === '\n' ? 2 : 1;
    const contentStart = i;
    // Walk line starts looking for the terminator at column 1.
    let lineStart = contentStart;
    for (;;) {
      const q = this.ch(lineStart);
      if ((expandable ? isDoubleQuote(q) : isSingleQuote(q)) && this.ch(lineStart + 1) === '@') {
        let contentEnd = lineStart;
        if (contentEnd > contentStart && this.#text[contentEnd - 1] === '\n') contentEnd--;
        if (contentEnd > contentStart && this.#text[contentEnd - 1] === '\r') contentEnd--;
        if (contentEnd < contentStart) contentEnd = contentStart;
        const end = lineStart + 2;
        if (!expandable) return this.make({ kind: 'String', value: this.#text.slice(contentStart, contentEnd), here: true, start, end, spaceBefore });
        const r = this.readExpandable(contentStart, contentEnd, false);
        return this.make({ kind: 'ExpandableString', parts: r.parts, here: true, start, end, spaceBefore, error: r.error });
      }
      let j = lineStart;
      while (j < this.limit && !isNewLine(this.#text[j])) j++;
      if (j >= this.limit) break;
      lineStart = j + (this.#text[j] === '\r' && this.ch(j + 1) === '\n' ? 2 : 1);
    }
    const error = this.error('TerminatorExpectedAtEndOfString', PARSER_MESSAGES.TerminatorExpectedAtEndOfString(terminatorText), start, this.limit);
    const value = this.#text.slice(contentStart, this.limit);
    return expandable
      ? this.make({ kind: 'ExpandableString', parts: [{ kind: 'text', text: value }], here: true, start, end: this.limit, spaceBefore, error })
      : this.make({ kind: 'String', value, here: true, start, end: this.limit, spaceBefore, error });
  }

  // ---- argument mode ----------------------------------------------------------------------

  /** A bareword, `-Parameter`, or a number, in command-argument mode. */
  private scanArgumentWord(start: number, spaceBefore: boolean): Token {
    const c = this.ch(start);
    const n = this.ch(start + 1);
    if (isDash(c) && n !== '' && !isDigit(n) && n !== '.' && !endsGeneric(n) && !isDash(n)) {
      let i = start + 1;
      while (i < this.limit && !endsGeneric(this.#text[i]) && this.#text[i] !== ':' && !isDoubleQuote(this.#text[i]) && !isSingleQuote(this.#text[i])) i++;
      const colon = this.ch(i) === ':';
      const name = this.#text.slice(start + 1, i);
      return this.make({ kind: 'Parameter', name, colon, start, end: colon ? i + 1 : i, spaceBefore });
    }
    if (c === '.' && (n === '' || isWhitespace(n))) return this.punct('.', start, spaceBefore);
    const word = this.readGeneric(start);
    if (!word.parts) {
      const number = scanNumberLiteral(this.#text, start, word.end, true);
      if (number && number.end === word.end) return this.make({ kind: 'Number', value: number.value, start, end: word.end, spaceBefore, error: this.numberError(number, start) });
    }
    return this.make({ kind: 'Generic', value: word.value, parts: word.parts, start, end: word.end, spaceBefore, error: word.error });
  }

  /** Reads a bareword: escapes are processed, quoted pieces joined, `$var` and `$( )` kept as parts. */
  private readGeneric(start: number): { value: string; parts?: StringPart[]; end: number; error?: ParseErrorInfo } {
    const parts: StringPart[] = [];
    let expandable = false;
    let buf = '';
    let value = '';
    let error: ParseErrorInfo | undefined;
    let i = start;
    const flush = (): void => {
      if (buf) parts.push({ kind: 'text', text: buf });
      buf = '';
    };
    while (i < this.limit) {
      const c = this.#text[i];
      if (endsGeneric(c)) break;
      if (c === '`') {
        if (i + 1 >= this.limit || isNewLine(this.#text[i + 1])) break;
        const e = escapeChar(this.#text[i + 1]);
        buf += e;
        value += e;
        i += 2;
        continue;
      }
      if (isSingleQuote(c)) {
        const r = this.readSingleQuoted(i);
        buf += r.value;
        value += r.value;
        error ??= r.error;
        i = r.end;
        continue;
      }
      if (isDoubleQuote(c)) {
        const r = this.readExpandable(i + 1, this.limit, true);
        if (!r.closed) error ??= r.error ?? this.error('TerminatorExpectedAtEndOfString', PARSER_MESSAGES.TerminatorExpectedAtEndOfString('"'), i, this.limit);
        else error ??= r.error;
        flush();
        parts.push(...r.parts);
        for (const p of r.parts) {
          if (p.kind === 'text') value += p.text;
          else expandable = true;
        }
        i = r.end;
        continue;
      }
      if (c === '$') {
        if (this.ch(i + 1) === '(') {
          const sub = this.skipSubexpression(i + 2, this.limit);
          flush();
          parts.push({ kind: 'subexpression', start: i, end: sub.end, innerStart: i + 2, innerEnd: sub.closed ? sub.end - 1 : sub.end });
          error ??= sub.error;
          expandable = true;
          i = sub.end;
          continue;
        }
        const v = this.scanVariableName(i);
        if (v) {
          flush();
          parts.push({ kind: 'variable', name: v.name, start: i, end: v.end });
          error ??= v.error;
          expandable = true;
          i = v.end;
          continue;
        }
      }
      buf += c;
      value += c;
      i++;
    }
    flush();
    return { value, parts: expandable ? parts : undefined, end: Math.max(i, start + 1), error };
  }

  // ---- expression mode --------------------------------------------------------------------

  private scanExpressionToken(start: number, spaceBefore: boolean): Token {
    const c = this.ch(start);
    const n = this.ch(start + 1);
    if (isDash(c)) {
      if (isDash(n)) return this.punct('--', start, spaceBefore);
      if (n === '=') return this.punct('-=', start, spaceBefore);
      if (isIdentifierChar(n) && !isDigit(n)) {
        let i = start + 1;
        while (isIdentifierChar(this.ch(i))) i++;
        const name = this.#text.slice(start + 1, i).toLowerCase();
        if (DASH_OPERATORS.has(name)) return this.make({ kind: 'Operator', op: name, start, end: i, spaceBefore });
        const colon = this.ch(i) === ':';
        return this.make({ kind: 'Parameter', name: this.#text.slice(start + 1, i), colon, start, end: colon ? i + 1 : i, spaceBefore });
      }
      return this.punct('-', start, spaceBefore);
    }
    switch (c) {
      case '+':
        return this.punct(n === '+' ? '++' : n === '=' ? '+=' : '+', start, spaceBefore);
      case '*':
        return this.punct(n === '=' ? '*=' : '*', start, spaceBefore);
      case '/':
        return this.punct(n === '=' ? '/=' : '/', start, spaceBefore);
      case '%':
        return this.punct(n === '=' ? '%=' : '%', start, spaceBefore);
      case '!':
        return this.punct('!', start, spaceBefore);
      case '=':
        return this.punct('=', start, spaceBefore);
      case '[':
      case ']':
        return this.punct(c, start, spaceBefore);
      case ':':
        if (n === ':') return this.punct('::', start, spaceBefore);
        break;
      case '.':
        if (n === '.') return this.punct('..', start, spaceBefore);
        if (!isDigit(n)) return this.punct('.', start, spaceBefore);
        break;
    }
    if (isDigit(c) || c === '.') {
      const number = scanNumberLiteral(this.#text, start, this.limit, false);
      if (number && !isIdentifierChar(this.ch(number.end))) return this.make({ kind: 'Number', value: number.value, start, end: number.end, spaceBefore, error: this.numberError(number, start) });
    }
    // A bareword where an expression was expected: the parser reports it as an unexpected token.
    let i = start;
    while (i < this.limit && !endsGeneric(this.#text[i]) && !'[].=,'.includes(this.#text[i])) i++;
    if (i === start) i++;
    return this.make({ kind: 'Generic', value: this.#text.slice(start, i), start, end: i, spaceBefore });
  }
}
