/**
 * MOF tokenizer (DSP0004 v2 Annex A, the subset our schemas use).
 *
 * Comments and `#pragma` lines vanish here, so the parser only sees tokens.
 * Literals are decoded here (escapes, radixes) so every error about a
 * malformed literal points at the literal itself.
 */

export class MofSyntaxError extends Error {
  constructor(
    readonly fileName: string,
    readonly line: number,
    readonly column: number,
    /** The message without the `file:line:column: ` prefix. */
    readonly reason: string,
  ) {
    super(`${fileName}:${line}:${column}: ${reason}`);
    this.name = 'MofSyntaxError';
  }
}

export type Punctuator = '[' | ']' | '(' | ')' | '{' | '}' | ';' | ':' | ',' | '=';

interface TokenBase {
  /** 1-based line and column (UTF-16 code units) of the token's first character. */
  readonly line: number;
  readonly column: number;
  /** The source text of the token, for error messages. */
  readonly text: string;
}

export type Token =
  | (TokenBase & { readonly kind: 'identifier' })
  | (TokenBase & { readonly kind: 'punct'; readonly text: Punctuator })
  | (TokenBase & { readonly kind: 'string' | 'char'; readonly value: string })
  | (TokenBase & { readonly kind: 'integer' | 'real'; readonly value: number })
  | (TokenBase & { readonly kind: 'eof' });

const PUNCTUATORS: ReadonlySet<string> = new Set(['[', ']', '(', ')', '{', '}', ';', ':', ',', '=']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

export function tokenize(text: string, fileName: string): Token[] {
  return new Lexer(text, fileName).run();
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];

  constructor(
    private readonly src: string,
    private readonly fileName: string,
  ) {}

  run(): Token[] {
    for (;;) {
      this.skipTrivia();
      const line = this.line;
      const column = this.pos - this.lineStart + 1;
      if (this.pos >= this.src.length) {
        this.tokens.push({ kind: 'eof', text: '', line, column });
        return this.tokens;
      }
      this.tokens.push(this.readToken(line, column));
    }
  }

  private fail(reason: string, line = this.line, column = this.pos - this.lineStart + 1): never {
    throw new MofSyntaxError(this.fileName, line, column, reason);
  }

  private peekChar(offset = 0): string {
    return this.src.charAt(this.pos + offset);
  }

  /** Advances one character, keeping line/column bookkeeping in one place. */
  private advance(): string {
    const c = this.src.charAt(this.pos++);
    if (c === '\n') {
      this.line++;
      this.lineStart = this.pos;
    }
    return c;
  }

  private skipTrivia(): void {
    while (this.pos < this.src.length) {
      const c = this.peekChar();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\uFEFF') {
        this.advance();
      } else if (c === '/' && this.peekChar(1) === '/') {
        while (this.pos < this.src.length && this.peekChar() !== '\n') this.advance();
      } else if (c === '/' && this.peekChar(1) === '*') {
        const line = this.line;
        const column = this.pos - this.lineStart + 1;
        this.advance();
        this.advance();
        while (!(this.peekChar() === '*' && this.peekChar(1) === '/')) {
          if (this.pos >= this.src.length) this.fail('unterminated comment', line, column);
          this.advance();
        }
        this.advance();
        this.advance();
      } else if (c === '#') {
        this.skipPragma();
      } else {
        return;
      }
    }
  }

  /**
   * `#pragma include(...)`, `locale`, `namespace` … are compiler directives.
   * We ignore them: the loader decides which files go into which namespace.
   */
  private skipPragma(): void {
    const rest = /^#\s*([A-Za-z_]*)/.exec(this.src.slice(this.pos, this.pos + 64));
    const directive = rest?.[1] ?? '';
    if (directive.toLowerCase() !== 'pragma') this.fail(`unsupported directive '#${directive}'`);
    while (this.pos < this.src.length && this.peekChar() !== '\n') this.advance();
  }

  private readToken(line: number, column: number): Token {
    const start = this.pos;
    const c = this.peekChar();
    if (isIdentStart(c)) {
      while (isIdentPart(this.peekChar())) this.advance();
      return { kind: 'identifier', text: this.src.slice(start, this.pos), line, column };
    }
    if (PUNCTUATORS.has(c)) {
      this.advance();
      return { kind: 'punct', text: c as Punctuator, line, column };
    }
    if (c === '"') return this.readString(line, column);
    if (c === "'") return this.readChar(line, column);
    const next = this.peekChar(1);
    const signed = c === '-' || c === '+';
    const afterSign = signed ? next : c;
    const afterSignNext = signed ? this.peekChar(2) : next;
    if (isDigit(afterSign) || (afterSign === '.' && isDigit(afterSignNext))) {
      return this.readNumber(line, column);
    }
    return this.fail(`unexpected character '${c}'`);
  }

  private readString(line: number, column: number): Token {
    const start = this.pos;
    this.advance();
    let value = '';
    for (;;) {
      const c = this.peekChar();
      if (this.pos >= this.src.length || c === '\n' || c === '\r') {
        this.fail('unterminated string literal', line, column);
      }
      if (c === '"') break;
      value += c === '\\' ? this.readEscape() : this.advance();
    }
    this.advance();
    return { kind: 'string', value, text: this.src.slice(start, this.pos), line, column };
  }

  private readChar(line: number, column: number): Token {
    const start = this.pos;
    this.advance();
    const c = this.peekChar();
    if (c === "'" || c === '\n' || this.pos >= this.src.length) this.fail('empty or unterminated char16 literal', line, column);
    const value = c === '\\' ? this.readEscape() : this.advance();
    if (this.peekChar() !== "'") this.fail('a char16 literal holds exactly one character', line, column);
    this.advance();
    return { kind: 'char', value, text: this.src.slice(start, this.pos), line, column };
  }

  /** DSP0004 escapes, plus \u as in MOF v3; \x and \u take 1–4 hex digits, greedily. */
  private readEscape(): string {
    const line = this.line;
    const column = this.pos - this.lineStart + 1;
    this.advance();
    const e = this.advance();
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e === 'x' || e === 'X' || e === 'u' || e === 'U') {
      let hex = '';
      while (hex.length < 4 && /[0-9A-Fa-f]/.test(this.peekChar())) hex += this.advance();
      if (hex === '') this.fail(`escape '\\${e}' needs 1 to 4 hex digits`, line, column);
      return String.fromCharCode(parseInt(hex, 16));
    }
    return this.fail(`unknown escape sequence '\\${e}'`, line, column);
  }

  private readNumber(line: number, column: number): Token {
    const start = this.pos;
    const body = /^[+-]?(?:0[xX][0-9A-Fa-f]+|[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[bB]?)/.exec(
      this.src.slice(this.pos),
    );
    // The regex always matches here: readToken checked for a digit or '.digit'.
    const text = body?.[0] ?? '';
    this.pos += text.length;
    if (isIdentPart(this.peekChar()) || this.peekChar() === '.') {
      while (isIdentPart(this.peekChar()) || this.peekChar() === '.') this.pos++;
      this.fail(`malformed number '${this.src.slice(start, this.pos)}'`, line, column);
    }
    if (text.includes('.')) {
      const value = Number(text);
      if (!Number.isFinite(value)) this.fail(`real literal '${text}' is out of range`, line, column);
      return { kind: 'real', value, text, line, column };
    }
    return { kind: 'integer', value: this.integerValue(text, line, column), text, line, column };
  }

  private integerValue(text: string, line: number, column: number): number {
    const negative = text.startsWith('-');
    const digits = text.replace(/^[+-]/, '');
    let magnitude: bigint;
    if (/^0[xX]/.test(digits)) {
      magnitude = BigInt(digits);
    } else if (/[bB]$/.test(digits)) {
      if (!/^[01]+[bB]$/.test(digits)) this.fail(`invalid binary literal '${text}'`, line, column);
      magnitude = BigInt(`0b${digits.slice(0, -1)}`);
    } else if (digits.length > 1 && digits.startsWith('0')) {
      // DSP0004 octalValue: a leading 0 means octal, as in C.
      if (!/^[0-7]+$/.test(digits)) this.fail(`invalid octal literal '${text}'`, line, column);
      magnitude = BigInt(`0o${digits.slice(1)}`);
    } else {
      magnitude = BigInt(digits);
    }
    // Our schemas never need 64-bit extremes; refusing them beats silent rounding.
    if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.fail(`integer literal '${text}' is outside the safe integer range`, line, column);
    }
    const value = Number(magnitude);
    return negative && value !== 0 ? -value : value;
  }
}
