/**
 * What every part of the parser shares: the position in the token stream, the
 * errors found so far, and the nesting depth that bounds recursion.
 */
import { type Extent, type SourceText } from './extent';
import { PARSER_MESSAGES, PsParseError, type ParseErrorId, type ParseErrorInfo } from './parseErrors';
import { Tokenizer } from './tokenizer';
import type { Punctuator, ScanMode, Token } from './tokens';

/**
 * How deep brackets, blocks, sub-expressions, unary operators and operator chains
 * may nest. The evaluator recurses once per level, asynchronously; this keeps the
 * deepest script well inside Node's default stack (test/unit/powershell/language
 * nests 10,000 of each kind and gets ScriptTooComplicated). Real scripts nest tens.
 */
export const MAX_NESTING_DEPTH = 200;

/** The largest script accepted (characters): 8 MiB, far beyond any WinRS payload; larger gets ScriptTooComplicated. */
export const MAX_SCRIPT_LENGTH = 8 * 1024 * 1024;

/** Unwinds the parser after an error it cannot recover from; parse() turns it into PsParseError. */
export class ParseAbort extends Error {}

export class ParserBase {
  protected readonly tokenizer: Tokenizer;
  protected pos: number;
  protected depth: number;
  readonly errors: ParseErrorInfo[];
  /** The end of the last token consumed: where "missing … after" errors point. */
  protected lastEnd: number;
  #cache: { pos: number; mode: ScanMode; token: Token } | undefined;
  #cache2: { pos: number; mode: ScanMode; token: Token } | undefined;
  readonly #reported = new Set<string>();

  constructor(
    readonly source: SourceText,
    from: number,
    to: number,
    shared?: { errors: ParseErrorInfo[]; depth: number },
  ) {
    this.tokenizer = new Tokenizer(source, to);
    this.pos = from;
    this.lastEnd = from;
    this.errors = shared?.errors ?? [];
    this.depth = shared?.depth ?? 0;
  }

  protected get text(): string {
    return this.source.text;
  }

  /** The next token in `mode` without consuming it. */
  protected peek(mode: ScanMode = 'expression'): Token {
    const c = this.#cache;
    if (c && c.pos === this.pos && c.mode === mode) return c.token;
    const c2 = this.#cache2;
    if (c2 && c2.pos === this.pos && c2.mode === mode) return c2.token;
    const token = this.tokenizer.scan(this.pos, mode);
    this.#cache2 = this.#cache;
    this.#cache = { pos: this.pos, mode, token };
    return token;
  }

  /** Consumes `token` (which must be the current peek), recording any error it carries. */
  protected consume(token: Token): Token {
    if (token.error) {
      this.report(token.error);
      // Too deep is too deep: nothing after it is worth parsing.
      if (token.error.id === 'ScriptTooComplicated') throw new ParseAbort(token.error.id);
    }
    this.pos = token.end;
    if (token.kind !== 'EOF') this.lastEnd = token.end;
    return token;
  }

  protected next(mode: ScanMode = 'expression'): Token {
    return this.consume(this.peek(mode));
  }

  protected isPunct(token: Token, ...puncts: Punctuator[]): boolean {
    return token.kind === 'Punct' && puncts.includes(token.punct);
  }

  /** Consumes the punctuator if it is next. */
  protected accept(punct: Punctuator, mode: ScanMode = 'expression'): Token | undefined {
    const t = this.peek(mode);
    return this.isPunct(t, punct) ? this.consume(t) : undefined;
  }

  protected skipNewLines(): void {
    for (;;) {
      const t = this.peek('expression');
      if (t.kind !== 'NewLine') return;
      this.consume(t);
    }
  }

  protected skipSeparators(): void {
    for (;;) {
      const t = this.peek('expression');
      if (t.kind !== 'NewLine' && !this.isPunct(t, ';')) return;
      this.consume(t);
    }
  }

  /** A bareword keyword (case-insensitive) at the current position, in argument mode. */
  protected peekKeyword(): string | undefined {
    const t = this.peek('argument');
    return t.kind === 'Generic' && !t.parts ? t.value.toLowerCase() : undefined;
  }

  protected extent(start: number, end: number = this.lastEnd): Extent {
    return this.source.extent(start, Math.max(start, end));
  }

  protected tokenExtent(token: Token): Extent {
    return this.source.extent(token.start, token.end);
  }

  /** The empty extent just after the last token consumed. */
  protected afterLast(): Extent {
    return this.source.extent(this.lastEnd, this.lastEnd);
  }

  /** Records an error (once per id and position) and carries on. */
  protected report(error: ParseErrorInfo): void {
    const key = `${error.id}@${error.extent.start}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.errors.push(error);
  }

  /** Forgets errors recorded since `count` (after a look-ahead that turned out to be something else). */
  protected rollbackErrors(count: number): void {
    for (const e of this.errors.splice(count)) this.#reported.delete(`${e.id}@${e.extent.start}`);
  }

  protected softError<K extends ParseErrorId>(id: K, extent: Extent, ...args: Parameters<(typeof PARSER_MESSAGES)[K]>): void {
    const message = (PARSER_MESSAGES[id] as (...a: unknown[]) => string)(...args);
    this.report({ id, message, extent });
  }

  /** Records an error and abandons the parse. */
  protected fail<K extends ParseErrorId>(id: K, extent: Extent, ...args: Parameters<(typeof PARSER_MESSAGES)[K]>): never {
    this.softError(id, extent, ...args);
    throw new ParseAbort(id);
  }

  /** "Unexpected token 'x' in expression or statement." at the token. */
  protected unexpected(token: Token): never {
    if (token.error) {
      this.report(token.error);
      throw new ParseAbort(token.error.id);
    }
    if (token.kind === 'Punct' && (token.punct === '&&' || token.punct === '||')) this.fail('InvalidEndOfLine', this.tokenExtent(token), token.punct);
    this.fail('UnexpectedToken', this.tokenExtent(token), token.text);
  }

  /** Enters one nesting level; past MAX_NESTING_DEPTH the parse stops with ScriptTooComplicated. */
  protected enter(extra = 0): void {
    if (++this.depth + extra > MAX_NESTING_DEPTH) {
      const t = this.peek('expression');
      this.fail('ScriptTooComplicated', this.tokenExtent(t));
    }
  }

  protected leave(): void {
    this.depth--;
  }

  /** Where the parser stands, to come back to after a look-ahead. */
  protected mark(): { pos: number; lastEnd: number } {
    return { pos: this.pos, lastEnd: this.lastEnd };
  }

  protected reset(mark: { pos: number; lastEnd: number }): void {
    this.pos = mark.pos;
    this.lastEnd = mark.lastEnd;
  }

  protected get atEnd(): boolean {
    return this.peek('expression').kind === 'EOF';
  }

  /** Throws the PsParseError for everything recorded, if anything was. */
  protected throwIfErrors(): void {
    if (this.errors.length > 0) throw new PsParseError(this.source, this.errors);
  }
}
