/**
 * PowerShell parser for the engine's subset: script blocks, statements,
 * pipelines and commands (expressions are in parseExpressions.ts). Syntax outside
 * the subset is refused with a ParseError at its position, never a crash: see
 * docs/powershell.md, "The language engine".
 */
import type * as A from './ast';
import { SourceText } from './extent';
import { PARSER_MESSAGES, PsParseError } from './parseErrors';
import type { ExpressionParser } from './parseExpressions';
import { MAX_SCRIPT_LENGTH, ParseAbort } from './parserBase';
import { StatementParser, STATEMENT_KEYWORDS } from './parseStatements';
import { isDash, isDigit, isDoubleQuote, isSingleQuote, UNARY_DASH_OPERATORS, isIdentifierChar } from './tokens';

/** A parsed script: its tree and its text (for error positions). */
export interface ParsedScript {
  readonly ast: A.ScriptBlock;
  readonly source: SourceText;
}

/**
 * Parses a whole script. Throws PsParseError (with every error found, in order)
 * when the script does not parse.
 */
export function parseScript(text: string, options: { scriptName?: string } = {}): ParsedScript {
  const source = new SourceText(text, options.scriptName);
  if (text.length > MAX_SCRIPT_LENGTH) {
    throw new PsParseError(source, [{ id: 'ScriptTooComplicated', message: PARSER_MESSAGES.ScriptTooComplicated(), extent: source.extent(0, Math.min(1, text.length)) }]);
  }
  const parser = new Parser(source, 0, text.length);
  const ast = parser.parseRoot();
  return { ast, source };
}

const NAMED_BLOCKS: ReadonlySet<string> = new Set(['begin', 'process', 'end', 'dynamicparam']);

export class Parser extends StatementParser {
  parseRoot(): A.ScriptBlock {
    let block: A.ScriptBlock | undefined;
    try {
      block = this.parseScriptBlockBody(undefined, 0, this.tokenizer.limit);
    } catch (e) {
      if (e instanceof RangeError) {
        // The JavaScript stack ran out despite the depth limit: PowerShell's answer to the same.
        this.softError('ScriptTooComplicated', this.source.extent(this.pos, this.pos));
      } else if (!(e instanceof ParseAbort)) throw e;
    }
    this.throwIfErrors();
    return block as A.ScriptBlock;
  }

  protected subParser(from: number, to: number): ExpressionParser {
    return new Parser(this.source, from, to, { errors: this.errors, depth: this.depth });
  }

  // ---- script blocks ------------------------------------------------------------------------

  /** The inside of a script block: an optional param block, then named blocks or statements. */
  private parseScriptBlockBody(closer: '}' | undefined, start: number, textEnd: number): A.ScriptBlock {
    this.skipSeparators();
    const param = this.tryParseParamBlock();
    this.skipSeparators();
    const kw = this.peekKeyword();
    const blocks: { begin?: A.StatementBlock; process?: A.StatementBlock; end?: A.StatementBlock } = {};
    if (kw && NAMED_BLOCKS.has(kw) && this.namedBlockFollows()) {
      for (;;) {
        this.skipSeparators();
        const t = this.peek('argument');
        if (t.kind === 'EOF' || (closer && this.isPunct(t, closer))) break;
        const name = this.peekKeyword();
        if (!name || !NAMED_BLOCKS.has(name)) this.unexpected(t);
        this.consume(t);
        if (name === 'dynamicparam') this.fail('ReservedKeywordNotAllowed', this.tokenExtent(t), t.text);
        this.skipNewLines();
        const body = this.parseStatementBlock(() => this.fail('MissingNamedStatementBlock', this.afterLast(), t.text));
        blocks[name as 'begin' | 'process' | 'end'] = body;
      }
    } else {
      blocks.end = this.parseStatementList(closer);
    }
    const end = closer ? this.pos : textEnd;
    return { type: 'ScriptBlock', param, ...blocks, text: this.text.slice(start, end), extent: this.extent(start, end) };
  }

  private namedBlockFollows(): boolean {
    const m = this.mark();
    this.next('argument');
    this.skipNewLines();
    const open = this.isPunct(this.peek('expression'), '{');
    this.reset(m);
    return open;
  }

  /** `[CmdletBinding()] param(...)` at the start of a block; anything else is left alone. */
  private tryParseParamBlock(): A.ParamBlock | undefined {
    const m = this.mark();
    const errorsBefore = this.errors.length;
    const attributes: A.Attribute[] = [];
    if (this.isPunct(this.peek('expression'), '[')) {
      try {
        while (this.isPunct(this.peek('expression'), '[')) {
          const a = this.parseAttributeOrType();
          if (a.type !== 'Attribute') throw new ParseAbort('not a param block');
          attributes.push(a);
          this.skipNewLines();
        }
      } catch (e) {
        if (!(e instanceof ParseAbort)) throw e;
        // Not attributes after all (`[int]$x = 1`): the statements will say what is wrong, if anything.
        this.rollbackErrors(errorsBefore);
        this.reset(m);
        return undefined;
      }
    }
    const kw = this.peekKeyword();
    if (kw !== 'param') {
      this.reset(m);
      return undefined;
    }
    const paramToken = this.next('argument');
    this.skipNewLines();
    if (!this.accept('(')) this.unexpected(this.peek('expression'));
    const parameters = this.parseParameterList();
    return { type: 'ParamBlock', attributes, parameters, extent: this.extent(attributes[0]?.extent.start ?? paramToken.start) };
  }

  /** Parameters after `(` up to and including `)`. */
  protected parseParameterList(): A.Parameter[] {
    this.enter();
    try {
      const parameters: A.Parameter[] = [];
      const names = new Set<string>();
      for (;;) {
        this.skipNewLines();
        if (this.accept(')')) return parameters;
        const start = this.peek('expression').start;
        const attributes: A.Attribute[] = [];
        let typeName: string | undefined;
        while (this.isPunct(this.peek('expression'), '[')) {
          const a = this.parseAttributeOrType();
          if (a.type === 'Attribute') attributes.push(a);
          else typeName = a.typeName;
          this.skipNewLines();
        }
        const v = this.peek('expression');
        if (v.kind !== 'Variable') {
          if (v.kind === 'EOF') this.fail('MissingEndParenthesisInFunctionParameterList', this.afterLast());
          this.fail('InvalidFunctionParameter', this.tokenExtent(v));
        }
        this.consume(v);
        if (names.has(v.name.toLowerCase())) this.softError('DuplicateFormalParameter', this.tokenExtent(v), v.name);
        names.add(v.name.toLowerCase());
        let defaultValue: A.Expression | undefined;
        if (this.accept('=')) {
          this.skipNewLines();
          defaultValue = this.parseExpression(true);
          if (!defaultValue) this.fail('ExpectedValueExpression', this.afterLast(), '=');
        }
        parameters.push({ type: 'Parameter', name: v.name, attributes, typeName, defaultValue, extent: this.extent(start) });
        this.skipNewLines();
        if (this.accept(',')) continue;
        if (this.accept(')')) return parameters;
        const t = this.peek('expression');
        if (t.kind === 'EOF') this.fail('MissingEndParenthesisInFunctionParameterList', this.afterLast());
        this.unexpected(t);
      }
    } finally {
      this.leave();
    }
  }

  /** `[Name(args)]` (an attribute) or `[type]` (a type constraint). */
  protected parseAttributeOrType(): A.Attribute | A.TypeExpression {
    const open = this.next('expression');
    const { name, end } = this.tokenizer.scanTypeName(open.end);
    if (name.trim() === '') this.fail('MissingTypename', this.source.extent(open.end, open.end));
    if (this.text[end] === ']' && end < this.tokenizer.limit) {
      this.pos = end + 1;
      this.lastEnd = end + 1;
      return { type: 'TypeExpression', typeName: name.trim(), extent: this.extent(open.start) };
    }
    if (this.text[end] !== '(' || end >= this.tokenizer.limit) this.fail('EndSquareBracketExpectedAtEndOfAttribute', this.source.extent(open.start, end));
    this.pos = end + 1;
    this.lastEnd = end + 1;
    const positional: A.Expression[] = [];
    const named: Array<{ name: string; value?: A.Expression }> = [];
    this.enter();
    try {
      for (;;) {
        this.skipNewLines();
        if (this.accept(')')) break;
        const t = this.peek('expression');
        if (t.kind === 'Generic' && isIdentifierChar(t.value[0] ?? '')) {
          this.consume(t);
          if (this.accept('=')) {
            this.skipNewLines();
            const value = this.parseExpression(true);
            if (!value) this.fail('ExpectedValueExpression', this.afterLast(), '=');
            named.push({ name: t.value, value });
          } else named.push({ name: t.value });
        } else {
          const value = this.parseExpression(true);
          if (!value) {
            if (t.kind === 'EOF') this.fail('MissingEndParenthesisInExpression', this.afterLast());
            this.unexpected(t);
          }
          positional.push(value);
        }
        this.skipNewLines();
        if (this.accept(',')) continue;
        if (this.accept(')')) break;
        const n = this.peek('expression');
        if (n.kind === 'EOF') this.fail('MissingEndParenthesisInExpression', this.afterLast());
        this.unexpected(n);
      }
    } finally {
      this.leave();
    }
    if (!this.accept(']')) this.fail('EndSquareBracketExpectedAtEndOfAttribute', this.extent(open.start));
    return { type: 'Attribute', name: name.trim(), positional, named, extent: this.extent(open.start) };
  }

  protected parseScriptBlockLiteral(): A.ScriptBlock {
    const open = this.next('expression');
    this.enter();
    try {
      const block = this.parseScriptBlockBody('}', open.end, this.tokenizer.limit);
      const close = this.peek('expression');
      if (!this.isPunct(close, '}')) {
        if (close.kind === 'EOF') this.fail('MissingEndCurlyBrace', this.tokenExtent(open));
        this.unexpected(close);
      }
      this.consume(close);
      return { ...block, text: this.text.slice(open.end, close.start), extent: this.extent(open.start) };
    } finally {
      this.leave();
    }
  }

  /** `{ statements }`; `onMissing` reports the keyword's own error when there is no `{`. */
  protected parseStatementBlock(onMissing: () => never): A.StatementBlock {
    const open = this.peek('expression');
    if (!this.isPunct(open, '{')) return onMissing();
    this.consume(open);
    this.enter();
    try {
      const block = this.parseStatementList('}');
      const close = this.peek('expression');
      if (!this.isPunct(close, '}')) {
        if (close.kind === 'EOF') this.fail('MissingEndCurlyBrace', this.tokenExtent(open));
        this.unexpected(close);
      }
      this.consume(close);
      return { ...block, extent: this.extent(open.start) };
    } finally {
      this.leave();
    }
  }

  // ---- statements -----------------------------------------------------------------------------

  protected parseStatementList(closer: ')' | '}' | undefined): A.StatementBlock {
    const start = this.pos;
    const statements: A.Statement[] = [];
    for (;;) {
      this.skipSeparators();
      const t = this.peek('expression');
      if (t.kind === 'EOF') break;
      if (closer && this.isPunct(t, closer)) break;
      if (this.isPunct(t, ')', '}')) this.unexpected(t);
      const statement = this.parseStatement();
      if (!statement) this.unexpected(this.peek('expression'));
      statements.push(statement);
      const after = this.peek('expression');
      const isBlockStatement = statement.type !== 'Pipeline' && statement.type !== 'Assignment';
      if (after.kind === 'NewLine' || after.kind === 'EOF' || this.isPunct(after, ';') || (closer && this.isPunct(after, closer))) continue;
      if (isBlockStatement && !this.isPunct(after, ')', '}')) continue;
      this.unexpected(after);
    }
    return { type: 'StatementBlock', statements, extent: this.extent(start) };
  }

  protected parseStatement(): A.Statement | undefined {
    const t = this.peek('argument');
    if (t.kind === 'Generic' && !t.parts) {
      const kw = t.value.toLowerCase();
      if (STATEMENT_KEYWORDS.has(kw) || (kw.startsWith(':') && kw.length > 1)) return this.parseKeywordStatement(kw, t);
    }
    return this.parsePipelineOrAssignment();
  }

  protected parsePipelineOrAssignment(): A.Pipeline | A.Assignment | undefined {
    const first = this.peek('expression');
    if (first.kind === 'EOF' || first.kind === 'NewLine') return undefined;
    const start = first.start;
    const elements: A.PipelineElement[] = [];
    if (this.startsExpression()) {
      const expr = this.parseExpression();
      if (!expr) this.unexpected(this.peek('expression'));
      const op = this.peek('expression');
      if (op.kind === 'Punct' && ['=', '+=', '-=', '*=', '/=', '%='].includes(op.punct)) {
        if (!isAssignable(expr)) this.fail('InvalidLeftHandSide', expr.extent);
        this.consume(op);
        this.skipNewLines();
        const value = this.parseStatement();
        if (!value) {
          const n = this.peek('expression');
          if (n.error) this.unexpected(n);
          this.fail('ExpectedValueExpression', this.afterLast(), op.text);
        }
        return { type: 'Assignment', target: expr, operator: op.punct as A.AssignmentOperator, value, extent: this.extent(start) };
      }
      elements.push({ type: 'CommandExpression', expression: expr, redirections: this.parseRedirections(), extent: this.extent(start) });
    } else {
      const command = this.parseCommand();
      if (!command) return undefined;
      elements.push(command);
    }
    for (;;) {
      const pipe = this.peek('argument');
      if (!this.isPunct(pipe, '|')) break;
      this.consume(pipe);
      this.skipNewLines();
      const next = this.peek('argument');
      if (next.kind === 'EOF' || next.kind === 'NewLine' || this.isPunct(next, '|', ';', ')', '}')) this.fail('EmptyPipeElement', this.tokenExtent(pipe));
      if (this.startsExpression()) this.fail('ExpressionsMustBeFirstInPipeline', this.tokenExtent(next));
      const command = this.parseCommand();
      if (!command) this.unexpected(next);
      elements.push(command);
    }
    return { type: 'Pipeline', elements, extent: this.extent(start) };
  }

  /** Whether the statement at the current position is an expression (not a command). */
  private startsExpression(): boolean {
    const t = this.peek('expression');
    const at = t.start;
    const c = this.text[at] ?? '';
    const n = this.text[at + 1] ?? '';
    switch (t.kind) {
      case 'Variable':
      case 'Splat':
      case 'String':
      case 'ExpandableString':
        return true;
      case 'Number':
        return true;
      case 'Operator':
        return UNARY_DASH_OPERATORS.has(t.op);
      case 'Punct':
        if (['(', '$(', '@(', '@{', '{', '[', '!', ',', '++'].includes(t.punct)) return true;
        if (t.punct === '--') return this.text[t.end] === '$';
        if (t.punct === '-' || t.punct === '+') return isDigit(n) || (n === '.' && isDigit(this.text[at + 2] ?? ''));
        return false;
      default:
        return (isDash(c) && isDigit(n)) || isSingleQuote(c) || isDoubleQuote(c);
    }
  }

  private parseRedirections(): A.Redirection[] {
    const redirections: A.Redirection[] = [];
    for (;;) {
      const t = this.peek('argument');
      if (t.kind !== 'Redirection') return redirections;
      redirections.push(this.parseRedirection());
    }
  }

  private parseRedirection(): A.Redirection {
    const t = this.next('argument');
    if (t.kind !== 'Redirection') this.unexpected(t);
    if (t.error) throw new ParseAbort(t.error.id);
    if (t.merge) return { type: 'Redirection', stream: t.stream, merge: true, append: false, extent: this.tokenExtent(t) };
    const target = this.parseCommandArgument();
    if (!target) this.fail('MissingFileSpecification', this.afterLast());
    return { type: 'Redirection', stream: t.stream, merge: false, append: t.append, target, extent: this.extent(t.start) };
  }

  /** A command: its name (or `&`/`.` and what to call), parameters, arguments and redirections. */
  private parseCommand(): A.Command | undefined {
    const first = this.peek('argument');
    const start = first.start;
    let invocationOperator: '&' | '.' | undefined;
    let name: A.Expression | undefined;
    if (this.isPunct(first, '&', '.')) {
      this.consume(first);
      invocationOperator = first.kind === 'Punct' && first.punct === '&' ? '&' : '.';
      name = this.parseArgumentPrimary();
      if (!name) this.fail('MissingExpression', this.afterLast(), first.text);
    } else if (first.kind === 'Generic') {
      this.consume(first);
      name = first.parts ? this.expandable(first.parts, 'bare', this.tokenExtent(first)) : { type: 'StringConstant', value: first.value, quote: 'bare', extent: this.tokenExtent(first) };
    } else if (first.kind === 'Parameter') {
      this.consume(first);
      name = { type: 'StringConstant', value: first.text, quote: 'bare', extent: this.tokenExtent(first) };
    } else {
      return undefined;
    }
    const elements: A.CommandElement[] = [];
    const redirections: A.Redirection[] = [];
    let endOfParameters = false;
    for (;;) {
      const t = this.peek('argument');
      if (t.kind === 'EOF' || t.kind === 'NewLine' || this.isPunct(t, ';', '|', ')', '}', '&&', '||')) break;
      if (this.isPunct(t, '&')) this.fail('AmpersandNotAllowed', this.tokenExtent(t));
      if (t.kind === 'Redirection') {
        redirections.push(this.parseRedirection());
        continue;
      }
      if (t.kind === 'Parameter' && !endOfParameters) {
        this.consume(t);
        let argument: A.Expression | undefined;
        if (t.colon) {
          const n = this.peek('argument');
          if (!(n.kind === 'NewLine' || n.kind === 'EOF' || this.isPunct(n, ';', '|', ')', '}'))) argument = this.parseCommandArgument();
        }
        elements.push({ type: 'CommandParameter', name: t.name, argument, colon: t.colon, extent: this.extent(t.start) });
        continue;
      }
      if (t.kind === 'Parameter') {
        this.consume(t);
        elements.push({ type: 'CommandArgument', value: { type: 'StringConstant', value: t.text, quote: 'bare', extent: this.tokenExtent(t) }, splatted: false, extent: this.tokenExtent(t) });
        continue;
      }
      if (t.kind === 'Generic' && !t.parts && t.value === '--' && !endOfParameters) {
        this.consume(t);
        endOfParameters = true;
        continue;
      }
      if (t.kind === 'Splat') {
        this.consume(t);
        const v: A.Variable = { type: 'Variable', name: t.name, splatted: true, extent: this.tokenExtent(t) };
        elements.push({ type: 'CommandArgument', value: v, splatted: true, extent: v.extent });
        continue;
      }
      const value = this.parseCommandArgument();
      if (!value) this.unexpected(t);
      elements.push({ type: 'CommandArgument', value, splatted: false, extent: value.extent });
    }
    return { type: 'Command', invocationOperator, name, elements, redirections, extent: this.extent(start) };
  }
}

function isAssignable(e: A.Expression): boolean {
  switch (e.type) {
    case 'Variable':
      return !e.splatted;
    case 'MemberAccess':
    case 'Index':
      return true;
    case 'Convert':
      return isAssignable(e.operand);
    case 'ArrayLiteral':
      return e.elements.every(isAssignable);
    case 'Paren':
      return e.pipeline.type === 'Pipeline' && e.pipeline.elements.length === 1 && e.pipeline.elements[0].type === 'CommandExpression' && isAssignable(e.pipeline.elements[0].expression);
    default:
      return false;
  }
}
