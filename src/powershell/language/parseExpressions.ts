/**
 * Expressions: operators by PowerShell's precedence (Parser.cs BinaryExpressionRule,
 * ArrayLiteralRule, UnaryExpressionRule, PrimaryExpressionRule), literals,
 * strings with their embedded variables and sub-expressions, member access,
 * indexing, casts, hashtables, and command arguments.
 */
import type * as A from './ast';
import { type Extent, span } from './extent';
import { MAX_NESTING_DEPTH, ParserBase } from './parserBase';
import type { StringPart, Token } from './tokens';

/** Binary precedence, low to high (PowerShell's TokenFlags.BinaryPrecedence*). */
const LOGICAL = 1;
const BITWISE = 2;
const COMPARISON = 3;
const ADDITIVE = 4;
const MULTIPLICATIVE = 5;
const FORMAT = 6;
const RANGE = 7;

function binaryOperator(t: Token): { op: string; prec: number } | undefined {
  if (t.kind === 'Operator') {
    switch (t.op) {
      case 'and':
      case 'or':
      case 'xor':
        return { op: t.op, prec: LOGICAL };
      case 'band':
      case 'bor':
      case 'bxor':
        return { op: t.op, prec: BITWISE };
      case 'f':
        return { op: t.op, prec: FORMAT };
      case 'not':
      case 'bnot':
        return undefined;
      default:
        return { op: t.op, prec: COMPARISON };
    }
  }
  if (t.kind === 'Punct') {
    switch (t.punct) {
      case '+':
      case '-':
        return { op: t.punct, prec: ADDITIVE };
      case '*':
      case '/':
      case '%':
        return { op: t.punct, prec: MULTIPLICATIVE };
      case '..':
        return { op: t.punct, prec: RANGE };
    }
  }
  return undefined;
}

const ASSIGNABLE: ReadonlySet<string> = new Set(['Variable', 'MemberAccess', 'Index']);

export abstract class ExpressionParser extends ParserBase {
  /** A statement (pipeline, assignment, or keyword statement); undefined when none starts here. */
  protected abstract parseStatement(): A.Statement | undefined;
  /** A pipeline or assignment (what `( )` and conditions hold). */
  protected abstract parsePipelineOrAssignment(): A.Pipeline | A.Assignment | undefined;
  /** Statements up to `closer` (not consumed), or to the end of input. */
  protected abstract parseStatementList(closer: ')' | '}' | undefined): A.StatementBlock;
  /** A `{ … }` script block literal; the `{` is next. */
  protected abstract parseScriptBlockLiteral(): A.ScriptBlock;
  /** A parser for the text between `from` and `to` (a $( ) inside a string), sharing errors and depth. */
  protected abstract subParser(from: number, to: number): ExpressionParser;

  // ---- operators -------------------------------------------------------------------------

  /** An expression; `noComma` inside method-call arguments, where commas separate arguments. */
  parseExpression(noComma = false): A.Expression | undefined {
    return this.parseBinary(LOGICAL, noComma);
  }

  private parseBinary(minPrec: number, noComma: boolean): A.Expression | undefined {
    let left = noComma ? this.parseUnary() : this.parseArrayLiteral();
    if (!left) return undefined;
    let chain = 0;
    for (;;) {
      const t = this.peek('expression');
      const bin = binaryOperator(t);
      if (!bin || bin.prec < minPrec) return left;
      this.consume(t);
      // Each link of a chain is one more level for the evaluator.
      if (++chain + this.depth > MAX_NESTING_DEPTH) this.fail('ScriptTooComplicated', this.tokenExtent(t));
      this.skipNewLines();
      const right = this.parseBinary(bin.prec + 1, noComma);
      if (!right) {
        const next = this.peek('expression');
        if (next.error) this.unexpected(next);
        this.fail('ExpectedValueExpression', this.afterLast(), t.text);
      }
      left = { type: 'Binary', operator: bin.op, left, right, operatorExtent: this.tokenExtent(t), extent: span(left.extent, right.extent) };
    }
  }

  /** `a, b, c` (the comma binds tighter than every binary operator). */
  private parseArrayLiteral(): A.Expression | undefined {
    const first = this.parseUnary();
    if (!first) return undefined;
    if (!this.isPunct(this.peek('expression'), ',')) return first;
    const elements = [first];
    while (this.accept(',')) {
      this.skipNewLines();
      const e = this.parseUnary();
      if (!e) this.fail('MissingExpressionAfterToken', this.afterLast(), ',');
      elements.push(e);
    }
    return { type: 'ArrayLiteral', elements, extent: span(first.extent, elements[elements.length - 1].extent) };
  }

  protected parseUnary(): A.Expression | undefined {
    const t = this.peek('expression');
    let operator: A.UnaryOperator | undefined;
    if (t.kind === 'Operator' && ['not', 'bnot', 'split', 'isplit', 'csplit', 'join'].includes(t.op)) operator = `-${t.op}` as A.UnaryOperator;
    else if (t.kind === 'Punct') {
      if (t.punct === '!' || t.punct === '-' || t.punct === '+' || t.punct === ',') operator = t.punct;
      else if (t.punct === '++' || t.punct === '--') operator = `${t.punct}pre` as A.UnaryOperator;
      else if (t.punct === '[') return this.parseTypeLiteralOrCast();
    }
    if (!operator) {
      const primary = this.parsePrimary();
      return primary && this.parsePostfix(primary);
    }
    this.consume(t);
    this.enter();
    try {
      if (operator !== ',' && operator !== '-' && operator !== '+') this.skipNewLines();
      const operand = this.parseUnary();
      if (!operand) {
        const next = this.peek('expression');
        if (next.error) this.unexpected(next);
        this.fail('MissingExpressionAfterOperator', this.afterLast(), t.text);
      }
      const extent = this.extent(t.start, operand.extent.end);
      // A negative number literal is a constant, as PowerShell folds it.
      if (operator === '-' && operand.type === 'Constant' && typeof operand.value === 'number' && operand.extent.start === t.end) {
        return { type: 'Constant', value: -operand.value, extent };
      }
      if ((operator === '++pre' || operator === '--pre') && !ASSIGNABLE.has(operand.type)) this.fail('OperatorRequiresVariableOrProperty', this.tokenExtent(t), t.text);
      return { type: 'Unary', operator, operand, extent };
    } finally {
      this.leave();
    }
  }

  /** `[type]` alone, `[type]::Member`, or a cast `[type]operand`. */
  private parseTypeLiteralOrCast(): A.Expression {
    const open = this.next('expression');
    const { name, end } = this.tokenizer.scanTypeName(open.end);
    if (name.trim() === '') this.fail('MissingTypename', this.source.extent(open.end, open.end));
    if (this.text[end] !== ']' || end >= this.tokenizer.limit) this.fail('EndSquareBracketExpectedAtEndOfAttribute', this.source.extent(open.start, end));
    this.pos = end + 1;
    this.lastEnd = end + 1;
    const typeExpr: A.TypeExpression = { type: 'TypeExpression', typeName: name.trim(), extent: this.extent(open.start) };
    const next = this.peek('expression');
    if (this.startsOperand(next)) {
      this.enter();
      try {
        const operand = this.parseUnary();
        if (!operand) this.unexpected(this.peek('expression'));
        return { type: 'Convert', typeName: typeExpr.typeName, operand, extent: this.extent(open.start, operand.extent.end) };
      } finally {
        this.leave();
      }
    }
    return this.parsePostfix(typeExpr);
  }

  /** Whether a token can start the operand of a cast (and is not an operator or member access). */
  private startsOperand(t: Token): boolean {
    switch (t.kind) {
      case 'Variable':
      case 'Number':
      case 'String':
      case 'ExpandableString':
        return true;
      case 'Operator':
        return ['not', 'bnot', 'split', 'join'].includes(t.op);
      case 'Punct':
        return ['(', '$(', '@(', '@{', '{', '[', '!', '-', '+', '++', '--', ','].includes(t.punct);
      default:
        return false;
    }
  }

  // ---- primaries ------------------------------------------------------------------------

  protected parsePrimary(): A.Expression | undefined {
    const t = this.peek('expression');
    switch (t.kind) {
      case 'Variable':
        this.consume(t);
        return { type: 'Variable', name: t.name, splatted: false, extent: this.tokenExtent(t) };
      case 'Splat':
        return this.fail('SplattingNotPermitted', this.tokenExtent(t), t.name);
      case 'Number':
        this.consume(t);
        return { type: 'Constant', value: t.value, extent: this.tokenExtent(t) };
      case 'String':
        this.consume(t);
        return { type: 'StringConstant', value: t.value, quote: t.here ? 'here' : 'single', extent: this.tokenExtent(t) };
      case 'ExpandableString':
        this.consume(t);
        return this.expandable(t.parts, t.here ? 'here' : 'double', this.tokenExtent(t));
      case 'Punct':
        switch (t.punct) {
          case '(':
            return this.parseParen();
          case '$(':
          case '@(':
            return this.parseSubExpression(t.punct);
          case '@{':
            return this.parseHashtable();
          case '{': {
            const block = this.parseScriptBlockLiteral();
            return { type: 'ScriptBlockExpression', block, extent: block.extent };
          }
        }
        return undefined;
      default:
        return undefined;
    }
  }

  /** An expandable string's parts as expressions; one without variables is a constant. */
  protected expandable(parts: readonly StringPart[], quote: 'double' | 'bare' | 'here', extent: Extent): A.Expression {
    const out: Array<string | A.Expression> = [];
    for (const p of parts) {
      if (p.kind === 'text') out.push(p.text);
      else if (p.kind === 'variable') out.push({ type: 'Variable', name: p.name, splatted: false, extent: this.source.extent(p.start, p.end) });
      else {
        const sub = this.subParser(p.innerStart, p.innerEnd);
        sub.enter();
        const body = sub.parseStatementList(undefined);
        out.push({ type: 'SubExpression', body, extent: this.source.extent(p.start, p.end) });
      }
    }
    if (out.every((p) => typeof p === 'string')) {
      return { type: 'StringConstant', value: (out as string[]).join(''), quote: quote === 'here' ? 'here' : quote, extent };
    }
    return { type: 'ExpandableString', parts: out, quote, extent };
  }

  private parseParen(): A.Expression {
    const open = this.next('expression');
    this.enter();
    try {
      this.skipNewLines();
      const close = this.peek('expression');
      if (this.isPunct(close, ')')) this.fail('ExpectedExpression', this.afterLast());
      const pipeline = this.parsePipelineOrAssignment();
      if (!pipeline) this.unexpected(this.peek('expression'));
      this.skipNewLines();
      if (!this.accept(')')) {
        const t = this.peek('expression');
        if (t.kind === 'EOF' || t.error) this.fail('MissingEndParenthesisInExpression', this.afterLast());
        this.unexpected(t);
      }
      return { type: 'Paren', pipeline, extent: this.extent(open.start) };
    } finally {
      this.leave();
    }
  }

  private parseSubExpression(kind: '$(' | '@('): A.Expression {
    const open = this.next('expression');
    this.enter();
    try {
      const body = this.parseStatementList(')');
      if (!this.accept(')')) this.fail('MissingEndParenthesisInSubexpression', this.afterLast());
      return { type: kind === '$(' ? 'SubExpression' : 'ArrayExpression', body, extent: this.extent(open.start) };
    } finally {
      this.leave();
    }
  }

  private parseHashtable(): A.Hashtable {
    const open = this.next('expression');
    this.enter();
    try {
      const pairs: Array<{ key: A.Expression; value: A.Statement }> = [];
      const seen = new Set<string>();
      for (;;) {
        this.skipSeparators();
        const t = this.peek('expression');
        if (this.isPunct(t, '}')) {
          this.consume(t);
          break;
        }
        if (t.kind === 'EOF') this.fail('MissingEndCurlyBrace', this.tokenExtent(open));
        if (this.isPunct(t, '=')) this.fail('MissingKeyInHashLiteral', this.tokenExtent(t));
        const key = this.parseHashKey();
        if (!this.accept('=')) this.fail('MissingEqualsInHashLiteral', this.afterLast());
        this.skipNewLines();
        const value = this.parseStatement();
        if (!value) this.fail('MissingStatementInHashLiteral', this.afterLast());
        if (key.type === 'StringConstant' || key.type === 'Constant') {
          const text = String(key.value).toLowerCase();
          if (seen.has(text)) this.softError('DuplicateKeyInHashLiteral', key.extent, String(key.value));
          seen.add(text);
        }
        pairs.push({ key, value });
        const after = this.peek('expression');
        if (!(after.kind === 'NewLine' || this.isPunct(after, ';', '}'))) {
          if (after.kind === 'EOF') this.fail('MissingEndCurlyBrace', this.tokenExtent(open));
          this.unexpected(after);
        }
      }
      return { type: 'Hashtable', pairs, extent: this.extent(open.start) };
    } finally {
      this.leave();
    }
  }

  private parseHashKey(): A.Expression {
    const bare = this.tokenizer.scanHashKey(this.pos);
    if (bare && bare.kind === 'Generic') {
      this.consume(bare);
      return { type: 'StringConstant', value: bare.value, quote: 'bare', extent: this.tokenExtent(bare) };
    }
    const key = this.parseUnary();
    if (!key) this.unexpected(this.peek('expression'));
    return key;
  }

  // ---- postfix: members, methods, indexes ------------------------------------------------------

  protected parsePostfix(target: A.Expression): A.Expression {
    let expr = target;
    let chain = 0;
    for (;;) {
      const t = this.peek('expression');
      if (t.spaceBefore && !(t.kind === 'Punct' && (t.punct === '++' || t.punct === '--'))) return expr;
      if (t.kind !== 'Punct') return expr;
      if (t.punct !== '.' && t.punct !== '::' && t.punct !== '[' && t.punct !== '++' && t.punct !== '--') return expr;
      if (++chain + this.depth > MAX_NESTING_DEPTH) this.fail('ScriptTooComplicated', this.tokenExtent(t));
      if (t.punct === '++' || t.punct === '--') {
        if (!ASSIGNABLE.has(expr.type)) return expr;
        this.consume(t);
        expr = { type: 'Unary', operator: `${t.punct}post` as A.UnaryOperator, operand: expr, extent: this.extent(expr.extent.start) };
        continue;
      }
      this.consume(t);
      if (t.punct === '[') {
        expr = this.parseIndex(expr);
        continue;
      }
      const isStatic = t.punct === '::';
      const member = this.parseMemberName();
      if (this.text[this.pos] === '(' && this.pos < this.tokenizer.limit) {
        const args = this.parseMethodArguments();
        expr = { type: 'InvokeMember', target: expr, member, args, isStatic, extent: this.extent(expr.extent.start) };
      } else {
        expr = { type: 'MemberAccess', target: expr, member, isStatic, extent: this.extent(expr.extent.start) };
      }
    }
  }

  private parseMemberName(): A.Expression {
    const t = this.peek('member');
    if (t.spaceBefore || t.kind === 'NewLine' || t.kind === 'EOF') this.fail('MissingPropertyName', this.afterLast());
    if (t.kind === 'Member') {
      this.consume(t);
      return { type: 'StringConstant', value: t.name, quote: 'bare', extent: this.tokenExtent(t) };
    }
    if (t.kind === 'Variable' || t.kind === 'String' || t.kind === 'ExpandableString' || this.isPunct(t, '(', '$(')) {
      const e = this.parsePrimary();
      if (e) return e;
    }
    this.fail('MissingPropertyName', this.afterLast());
  }

  private parseMethodArguments(): A.Expression[] {
    this.next('expression'); // (
    this.enter();
    try {
      const args: A.Expression[] = [];
      this.skipNewLines();
      if (this.accept(')')) return args;
      for (;;) {
        this.skipNewLines();
        const arg = this.parseExpression(true);
        if (!arg) {
          const t = this.peek('expression');
          if (t.kind === 'EOF' || this.isPunct(t, ')', ',')) this.fail('MissingExpressionAfterToken', this.afterLast(), args.length ? ',' : '(');
          this.unexpected(t);
        }
        args.push(arg);
        this.skipNewLines();
        if (this.accept(',')) continue;
        if (this.accept(')')) return args;
        const t = this.peek('expression');
        if (t.kind === 'EOF') this.fail('MissingEndParenthesisInMethodCall', this.afterLast());
        this.unexpected(t);
      }
    } finally {
      this.leave();
    }
  }

  private parseIndex(target: A.Expression): A.Expression {
    this.enter();
    try {
      this.skipNewLines();
      const index = this.parseExpression();
      if (!index) {
        const t = this.peek('expression');
        if (t.error) this.unexpected(t);
        this.fail('MissingArrayIndexExpression', this.afterLast());
      }
      this.skipNewLines();
      if (!this.accept(']')) {
        const t = this.peek('expression');
        if (t.kind === 'EOF') this.fail('MissingEndSquareBracket', this.afterLast());
        this.unexpected(t);
      }
      return { type: 'Index', target, index, extent: this.extent(target.extent.start) };
    } finally {
      this.leave();
    }
  }

  // ---- command arguments ---------------------------------------------------------------------

  /**
   * One command argument in command mode: a bareword, a quoted string, a number, a
   * variable with member access or indexing glued to it, a bracketed expression, a
   * script block; `a,b,c` makes an array. Binary operators are not operators here.
   */
  protected parseCommandArgument(): A.Expression | undefined {
    const first = this.parseArgumentPrimary();
    if (!first) return undefined;
    if (!this.isPunct(this.peek('argument'), ',')) return first;
    const elements = [first];
    while (this.accept(',', 'argument')) {
      this.skipNewLines();
      const e = this.parseArgumentPrimary();
      if (!e) this.fail('MissingExpressionAfterToken', this.afterLast(), ',');
      elements.push(e);
    }
    return { type: 'ArrayLiteral', elements, extent: span(first.extent, elements[elements.length - 1].extent) };
  }

  protected parseArgumentPrimary(): A.Expression | undefined {
    const t = this.peek('argument');
    switch (t.kind) {
      case 'Generic':
        this.consume(t);
        return t.parts ? this.expandable(t.parts, 'bare', this.tokenExtent(t)) : { type: 'StringConstant', value: t.value, quote: 'bare', extent: this.tokenExtent(t) };
      case 'Number':
        this.consume(t);
        return { type: 'Constant', value: t.value, extent: this.tokenExtent(t) };
      case 'Variable':
      case 'String':
      case 'ExpandableString': {
        const e = this.parsePrimary();
        return e && this.parsePostfix(e);
      }
      case 'Punct':
        if (['(', '$(', '@(', '@{', '{'].includes(t.punct)) {
          const e = this.parsePrimary();
          return e && this.parsePostfix(e);
        }
        return undefined;
      default:
        return undefined;
    }
  }
}
