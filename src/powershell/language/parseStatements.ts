/**
 * Keyword statements: if, foreach, for, while, do, switch, try, function,
 * return/exit/throw/break/continue. Keywords PowerShell has but the engine does
 * not run (class, enum, trap, data, workflow, …) are refused with
 * ReservedKeywordNotAllowed at the keyword.
 */
import type * as A from './ast';
import { ExpressionParser } from './parseExpressions';
import type { Token } from './tokens';

const LOOP_KEYWORDS: ReadonlySet<string> = new Set(['foreach', 'for', 'while', 'do', 'switch']);

/** Keywords the subset refuses (PowerShell's own text: "The 'class' keyword is not supported in this version of the language."). */
const REFUSED_KEYWORDS: ReadonlySet<string> = new Set([
  'trap',
  'class',
  'enum',
  'data',
  'using',
  'workflow',
  'configuration',
  'parallel',
  'sequence',
  'inlinescript',
  'dynamicparam',
  'hidden',
  'static',
  'define',
  'from',
  'var',
]);

/** Keywords that cannot start a statement. */
const MISPLACED_KEYWORDS: ReadonlySet<string> = new Set(['else', 'elseif', 'catch', 'finally', 'until', 'in', 'param', 'default']);

export const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'if',
  'function',
  'filter',
  'try',
  'return',
  'exit',
  'throw',
  'break',
  'continue',
  ...LOOP_KEYWORDS,
  ...REFUSED_KEYWORDS,
  ...MISPLACED_KEYWORDS,
]);

type Condition = A.Pipeline | A.Assignment;

export abstract class StatementParser extends ExpressionParser {
  protected abstract parseStatementBlock(onMissing: () => never): A.StatementBlock;
  protected abstract parseParameterList(): A.Parameter[];

  /** The statement a keyword (or a `:label`) starts; `token` is the keyword, not yet consumed. */
  protected parseKeywordStatement(kw: string, token: Token): A.Statement {
    let label: string | undefined;
    if (kw.startsWith(':')) {
      label = kw.slice(1);
      this.consume(token);
      const next = this.peekKeyword();
      if (!next || !LOOP_KEYWORDS.has(next)) this.unexpected(this.peek('argument'));
      return this.parseLoop(next, this.peek('argument'), label, token.start);
    }
    if (REFUSED_KEYWORDS.has(kw)) this.fail('ReservedKeywordNotAllowed', this.tokenExtent(token), kw);
    if (MISPLACED_KEYWORDS.has(kw)) this.unexpected(token);
    switch (kw) {
      case 'if':
        return this.parseIf(token);
      case 'function':
      case 'filter':
        return this.parseFunction(token, kw === 'filter');
      case 'try':
        return this.parseTry(token);
      case 'return':
      case 'exit':
      case 'throw':
      case 'break':
      case 'continue':
        return this.parseFlowControl(token, kw);
      default:
        return this.parseLoop(kw, token, undefined, token.start);
    }
  }

  private parseLoop(kw: string, token: Token, label: string | undefined, start: number): A.Statement {
    switch (kw) {
      case 'foreach':
        return this.parseForEach(token, label, start);
      case 'for':
        return this.parseFor(token, label, start);
      case 'while':
        return this.parseWhile(token, label, start);
      case 'do':
        return this.parseDo(token, label, start);
      default:
        return this.parseSwitch(token, label, start);
    }
  }

  /** `( condition )` after a keyword, with PowerShell's errors for each missing piece. */
  private parseParenCondition(errors: { open: () => never; missing: () => never; close: () => never }): Condition {
    if (!this.accept('(')) errors.open();
    this.enter();
    try {
      this.skipNewLines();
      const condition = this.parsePipelineOrAssignment();
      if (!condition) {
        const t = this.peek('expression');
        if (t.error) this.unexpected(t);
        errors.missing();
      }
      this.skipNewLines();
      if (!this.accept(')')) {
        const t = this.peek('expression');
        if (t.kind !== 'EOF' && !t.error) this.unexpected(t);
        errors.close();
      }
      return condition;
    } finally {
      this.leave();
    }
  }

  private parseIf(token: Token): A.If {
    this.consume(token);
    const clauses: Array<{ condition: Condition; body: A.StatementBlock }> = [];
    let keyword = 'if';
    let elseBody: A.StatementBlock | undefined;
    for (;;) {
      const kw = keyword;
      const condition = this.parseParenCondition({
        open: () => this.fail('MissingOpenParenthesisInIfStatement', this.afterLast(), kw),
        missing: () => this.fail('IfStatementMissingCondition', this.afterLast(), kw),
        close: () => this.fail('MissingEndParenthesisAfterStatement', this.afterLast(), kw),
      });
      this.skipNewLines();
      const body = this.parseStatementBlock(() => this.fail('MissingStatementBlock', this.afterLast(), kw));
      clauses.push({ condition, body });
      const m = this.mark();
      this.skipNewLines();
      const next = this.peekKeyword();
      if (next === 'elseif') {
        this.next('argument');
        keyword = 'elseif';
        continue;
      }
      if (next === 'else') {
        this.next('argument');
        this.skipNewLines();
        elseBody = this.parseStatementBlock(() => this.fail('MissingStatementBlockAfterElse', this.afterLast()));
        break;
      }
      this.reset(m);
      break;
    }
    return { type: 'If', clauses, elseBody, extent: this.extent(token.start) };
  }

  private parseForEach(token: Token, label: string | undefined, start: number): A.ForEach {
    this.consume(token);
    const flag = this.peek('argument');
    if (flag.kind === 'Parameter') this.fail('ReservedKeywordNotAllowed', this.tokenExtent(flag), `foreach -${flag.name}`);
    if (!this.accept('(')) this.fail('MissingOpenParenthesisAfterKeyword', this.afterLast(), 'foreach');
    let variable: A.Variable;
    let iterable: Condition | undefined;
    this.enter();
    try {
      this.skipNewLines();
      const v = this.peek('expression');
      if (v.kind !== 'Variable') this.fail('MissingVariableNameAfterForeach', this.afterLast());
      this.consume(v);
      variable = { type: 'Variable', name: v.name, splatted: false, extent: this.tokenExtent(v) };
      this.skipNewLines();
      if (this.peekKeyword() !== 'in') this.fail('MissingInInForeach', this.afterLast());
      this.next('argument');
      this.skipNewLines();
      iterable = this.parsePipelineOrAssignment();
      if (!iterable) this.fail('MissingForeachExpression', this.afterLast());
      this.skipNewLines();
      if (!this.accept(')')) this.fail('MissingEndParenthesisAfterForeach', this.afterLast());
    } finally {
      this.leave();
    }
    this.skipNewLines();
    const body = this.parseStatementBlock(() => this.fail('MissingForeachStatement', this.afterLast()));
    return { type: 'ForEach', label, variable, iterable, body, extent: this.extent(start) };
  }

  private parseFor(token: Token, label: string | undefined, start: number): A.For {
    this.consume(token);
    if (!this.accept('(')) this.fail('MissingOpenParenthesisAfterKeyword', this.afterLast(), 'for');
    const parts: Array<Condition | undefined> = [];
    this.enter();
    try {
      for (let i = 0; i < 3; i++) {
        this.skipNewLines();
        const t = this.peek('expression');
        if (this.isPunct(t, ';', ')')) parts.push(undefined);
        else parts.push(this.parsePipelineOrAssignment());
        if (i < 2) {
          const sep = this.peek('expression');
          if (this.isPunct(sep, ';') || sep.kind === 'NewLine') this.consume(sep);
        }
      }
      this.skipNewLines();
      if (!this.accept(')')) {
        const t = this.peek('expression');
        if (t.kind !== 'EOF') this.unexpected(t);
        this.fail('MissingEndParenthesisAfterStatement', this.afterLast(), 'for');
      }
    } finally {
      this.leave();
    }
    this.skipNewLines();
    const body = this.parseStatementBlock(() => this.fail('MissingLoopStatement', this.afterLast(), 'for'));
    return { type: 'For', label, initializer: parts[0], condition: parts[1], iterator: parts[2], body, extent: this.extent(start) };
  }

  private parseWhile(token: Token, label: string | undefined, start: number): A.While {
    this.consume(token);
    const condition = this.parseParenCondition({
      open: () => this.fail('MissingOpenParenthesisAfterKeyword', this.afterLast(), 'while'),
      missing: () => this.fail('MissingExpressionAfterKeyword', this.afterLast(), 'while'),
      close: () => this.fail('MissingEndParenthesisAfterStatement', this.afterLast(), 'while'),
    });
    this.skipNewLines();
    const body = this.parseStatementBlock(() => this.fail('MissingLoopStatement', this.afterLast(), 'while'));
    return { type: 'While', label, condition, body, extent: this.extent(start) };
  }

  private parseDo(token: Token, label: string | undefined, start: number): A.DoLoop {
    this.consume(token);
    this.skipNewLines();
    const body = this.parseStatementBlock(() => this.fail('MissingLoopStatement', this.afterLast(), 'do'));
    this.skipNewLines();
    const kw = this.peekKeyword();
    if (kw !== 'while' && kw !== 'until') this.fail('MissingWhileOrUntilInDoWhile', this.afterLast());
    this.next('argument');
    const condition = this.parseParenCondition({
      open: () => this.fail('MissingOpenParenthesisAfterKeyword', this.afterLast(), kw),
      missing: () => this.fail('MissingExpressionAfterKeyword', this.afterLast(), kw),
      close: () => this.fail('MissingEndParenthesisAfterStatement', this.afterLast(), kw),
    });
    return { type: 'DoLoop', label, body, until: kw === 'until', condition, extent: this.extent(start) };
  }

  private parseSwitch(token: Token, label: string | undefined, start: number): A.Switch {
    this.consume(token);
    const flags = { regex: false, wildcard: false, exact: false, caseSensitive: false };
    for (;;) {
      const t = this.peek('argument');
      if (t.kind !== 'Parameter') break;
      this.consume(t);
      const name = t.name.toLowerCase();
      if (name === 'regex') flags.regex = true;
      else if (name === 'wildcard') flags.wildcard = true;
      else if (name === 'exact') flags.exact = true;
      else if (name === 'casesensitive') flags.caseSensitive = true;
      // -file reads a file, which this engine has none of; -parallel is workflow syntax.
      else this.fail('InvalidSwitchFlag', this.tokenExtent(t), t.text);
    }
    this.skipNewLines();
    if (!this.isPunct(this.peek('expression'), '(')) this.fail('PipelineValueRequired', this.afterLast());
    const value = this.parseParenCondition({
      open: () => this.fail('PipelineValueRequired', this.afterLast()),
      missing: () => this.fail('MissingSwitchValueExpression', this.afterLast()),
      close: () => this.fail('MissingEndParenthesisInSwitchStatement', this.afterLast()),
    });
    this.skipNewLines();
    const open = this.peek('expression');
    if (!this.isPunct(open, '{')) this.fail('MissingCurlyBraceInSwitchStatement', this.afterLast());
    this.consume(open);
    const clauses: Array<{ condition: A.Expression; body: A.StatementBlock }> = [];
    let defaultBody: A.StatementBlock | undefined;
    this.enter();
    try {
      for (;;) {
        this.skipSeparators();
        const t = this.peek('argument');
        if (this.isPunct(t, '}')) {
          this.consume(t);
          break;
        }
        if (t.kind === 'EOF') this.fail('MissingEndCurlyBrace', this.tokenExtent(open));
        if (t.kind === 'Generic' && !t.parts && t.value.toLowerCase() === 'default') {
          this.consume(t);
          if (defaultBody) this.fail('MultipleSwitchDefaultClauses', this.tokenExtent(t));
          this.skipNewLines();
          defaultBody = this.parseStatementBlock(() => this.fail('MissingSwitchStatementClause', this.afterLast()));
          continue;
        }
        const condition = this.parseArgumentPrimary();
        if (!condition) this.fail('MissingSwitchConditionExpression', this.tokenExtent(t));
        this.skipNewLines();
        const body = this.parseStatementBlock(() => this.fail('MissingSwitchStatementClause', this.afterLast()));
        clauses.push({ condition, body });
      }
    } finally {
      this.leave();
    }
    return { type: 'Switch', label, flags, value, clauses, defaultBody, extent: this.extent(start) };
  }

  private parseTry(token: Token): A.Try {
    this.consume(token);
    this.skipNewLines();
    const body = this.parseStatementBlock(() => this.fail('MissingTryStatementBlock', this.afterLast()));
    const catches: Array<{ typeNames: string[]; body: A.StatementBlock; extent: A.StatementBlock['extent'] }> = [];
    let finallyBody: A.StatementBlock | undefined;
    let catchAll: Token | undefined;
    for (;;) {
      const m = this.mark();
      this.skipNewLines();
      const kw = this.peekKeyword();
      if (kw === 'catch') {
        const catchToken = this.next('argument');
        if (catchAll) this.fail('EmptyCatchNotLast', this.tokenExtent(catchAll));
        const typeNames: string[] = [];
        while (this.isPunct(this.peek('expression'), '[')) {
          const type = this.parseAttributeOrType();
          if (type.type !== 'TypeExpression') this.unexpected(this.peek('expression'));
          typeNames.push(type.typeName);
          if (!this.accept(',')) break;
          this.skipNewLines();
        }
        if (typeNames.length === 0) catchAll = catchToken;
        this.skipNewLines();
        const catchBody = this.parseStatementBlock(() => this.fail('MissingCatchHandlerBlock', this.afterLast()));
        catches.push({ typeNames, body: catchBody, extent: this.extent(catchToken.start) });
        continue;
      }
      if (kw === 'finally') {
        this.next('argument');
        this.skipNewLines();
        finallyBody = this.parseStatementBlock(() => this.fail('MissingFinallyStatementBlock', this.afterLast()));
        break;
      }
      this.reset(m);
      break;
    }
    if (catches.length === 0 && !finallyBody) this.fail('MissingCatchOrFinally', this.afterLast());
    return { type: 'Try', body, catches, finallyBody, extent: this.extent(token.start) };
  }

  protected abstract parseAttributeOrType(): A.Attribute | A.TypeExpression;

  private parseFunction(token: Token, isFilter: boolean): A.FunctionDefinition {
    this.consume(token);
    const nameToken = this.peek('argument');
    if (nameToken.kind !== 'Generic' || nameToken.parts) this.fail('MissingNameAfterKeyword', this.afterLast(), token.text);
    this.consume(nameToken);
    this.skipNewLines();
    let parameters: A.Parameter[] | undefined;
    if (this.accept('(')) {
      parameters = this.parseParameterList();
      this.skipNewLines();
    }
    if (!this.isPunct(this.peek('expression'), '{')) this.fail('MissingFunctionBody', this.afterLast());
    const body = this.parseScriptBlockLiteral();
    return { type: 'FunctionDefinition', name: nameToken.value, isFilter, parameters, body, extent: this.extent(token.start) };
  }

  private parseFlowControl(token: Token, kw: string): A.FlowControl {
    this.consume(token);
    const type = (kw[0].toUpperCase() + kw.slice(1)) as A.FlowControl['type'];
    const t = this.peek('argument');
    const ends = t.kind === 'EOF' || t.kind === 'NewLine' || this.isPunct(t, ';', '}', ')', '|');
    if (ends) return { type, extent: this.extent(token.start) };
    if (type === 'Break' || type === 'Continue') {
      if (t.kind === 'Generic' && !t.parts) {
        this.consume(t);
        return { type, label: t.value, extent: this.extent(token.start) };
      }
      this.unexpected(t);
    }
    const value = this.parsePipelineOrAssignment();
    return { type, value, extent: this.extent(token.start) };
  }
}
