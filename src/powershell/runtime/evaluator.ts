/**
 * Evaluation of statements. Each statement of a block runs under PowerShell's
 * statement-level error handling (ExceptionHandlingOps.CheckActionPreference): a
 * terminating error that no try encloses is recorded in $Error, sets $? to false,
 * and then, by $ErrorActionPreference, is reported and the next statement runs
 * (Continue), is swallowed (SilentlyContinue, Ignore), or ends the script (Stop,
 * `throw`, -ErrorAction Stop).
 */
import type * as A from '../language/ast';
import { isTrue, toNumber, toStringPs, ConversionFailure } from './conversions';
import {
  BreakSignal,
  ContinueSignal,
  ExitSignal,
  PsRuntimeError,
  ReturnSignal,
  catchMatches,
  invocationAt,
  withPosition,
} from './errors';
import { at, collected, type Emit, type Exec, preference, setVariable } from './exec';
import { assignTo, compoundAssign, evalExpr, operatorContext } from './expressions';
import { defineFunction, invokeScriptBlockValue } from './functions';
import { dotNetRegex, valuesEqual } from './operators';
import { runPipeline } from './pipeline';
import { wildcardMatch } from './wildcard';
import { PsErrorRecord, PsHashtable, PsObject, PsScriptBlock, type PsValue } from './values';

export async function execStatements(block: A.StatementBlock | undefined, exec: Exec, emit: Emit): Promise<void> {
  if (!block) return;
  for (const statement of block.statements) {
    const pause = exec.engine.tick();
    if (pause) await pause;
    try {
      await execStatement(statement, exec, emit);
    } catch (e) {
      if (!(e instanceof PsRuntimeError)) throw e;
      handleStatementError(e, exec, statement);
    }
  }
}

/** What happens to a terminating error at the statement that raised it (see the file comment). */
export function handleStatementError(e: PsRuntimeError, exec: Exec, statement: A.Statement): void {
  // An error without a position gets the statement's (ExceptionHandlingOps: UpdateExceptionErrorRecordPosition).
  e.record = withPosition(e.record, at(exec, statement));
  exec.engine.recordError(e);
  exec.engine.questionMark = false;
  if (exec.tryDepth > 0 || e.options.stop) throw e;
  const pref = preference(exec, 'ErrorActionPreference', 'Continue');
  if (pref === 'SilentlyContinue' || pref === 'Ignore') return;
  if (pref === 'Stop') throw e.asStop();
  if (e.options.fromThrow) throw e;
  // Reported: the pipeline that contains this statement (a function's caller) did not succeed.
  exec.engine.errorsWritten++;
  exec.sink.error(e.record);
}

export async function execStatement(s: A.Statement, exec: Exec, emit: Emit): Promise<void> {
  switch (s.type) {
    case 'Pipeline':
      return runPipeline(s, exec, emit);
    case 'Assignment':
      await execAssignment(s, exec);
      return;
    case 'If':
      for (const clause of s.clauses) {
        if (isTrue(await statementValue(clause.condition, exec))) return execStatements(clause.body, exec, emit);
      }
      return execStatements(s.elseBody, exec, emit);
    case 'While':
      return loop(s.label, exec, async () => isTrue(await statementValue(s.condition, exec)), () => execStatements(s.body, exec, emit));
    case 'DoLoop': {
      let first = true;
      return loop(
        s.label,
        exec,
        async () => {
          if (first) {
            first = false;
            return true;
          }
          const v = isTrue(await statementValue(s.condition, exec));
          return s.until ? !v : v;
        },
        () => execStatements(s.body, exec, emit),
      );
    }
    case 'For': {
      if (s.initializer) await runQuiet(s.initializer, exec);
      let started = false;
      return loop(
        s.label,
        exec,
        async () => {
          if (started && s.iterator) await runQuiet(s.iterator, exec);
          started = true;
          return s.condition ? isTrue(await statementValue(s.condition, exec)) : true;
        },
        () => execStatements(s.body, exec, emit),
      );
    }
    case 'ForEach':
      return execForEach(s, exec, emit);
    case 'Switch':
      return execSwitch(s, exec, emit);
    case 'Try':
      return execTry(s, exec, emit);
    case 'FunctionDefinition':
      defineFunction(s, exec);
      return;
    case 'Return':
      if (s.value) await execStatement(s.value, exec, emit);
      throw new ReturnSignal();
    case 'Exit': {
      const v = s.value ? await statementValue(s.value, exec) : 0;
      const n = toNumber(v);
      const code = n instanceof ConversionFailure ? 0 : Math.trunc(n);
      exec.scope.global.set('LASTEXITCODE', code);
      throw new ExitSignal(code);
    }
    case 'Throw':
      throw await throwError(s, exec);
    case 'Break':
      throw new BreakSignal(s.label);
    case 'Continue':
      throw new ContinueSignal(s.label);
  }
}

/** A statement's output as one value (what `$x = …`, conditions and `( )` see). */
export async function statementValue(s: A.Statement, exec: Exec): Promise<PsValue> {
  if (s.type === 'Assignment') return execAssignment(s, exec);
  if (s.type === 'Pipeline' && s.elements.length === 1 && s.elements[0].type === 'CommandExpression' && s.elements[0].redirections.length === 0) {
    const value = await evalExpr(s.elements[0].expression, exec);
    exec.engine.questionMark = true;
    return value;
  }
  const out: PsValue[] = [];
  await execStatement(s, exec, (v) => out.push(v));
  return collected(out);
}

async function runQuiet(s: A.Statement, exec: Exec): Promise<void> {
  await execStatement(s, exec, () => undefined);
}

export async function execAssignment(s: A.Assignment, exec: Exec): Promise<PsValue> {
  const value = await statementValue(s.value, exec);
  if (s.operator === '=') {
    await assignTo(s.target, value, exec);
    return value;
  }
  return compoundAssign(s.target, s.operator, value, exec, at(exec, s));
}

function labelMatches(signal: BreakSignal | ContinueSignal, label: string | undefined): boolean {
  return signal.label === undefined || (label !== undefined && signal.label.toLowerCase() === label.toLowerCase());
}

/** Runs `body` while `condition` holds, handling break/continue (with labels) and yielding. */
async function loop(label: string | undefined, exec: Exec, condition: () => Promise<boolean>, body: () => Promise<void>): Promise<void> {
  for (;;) {
    const pause = exec.engine.tick();
    if (pause) await pause;
    if (!(await condition())) return;
    try {
      await body();
    } catch (e) {
      if (e instanceof BreakSignal && labelMatches(e, label)) return;
      if (e instanceof ContinueSignal && labelMatches(e, label)) continue;
      throw e;
    }
  }
}

/** What `foreach` iterates: ranges lazily (`foreach ($i in 1..1e9)`), arrays by element, $null not at all. */
async function iterationSource(iterable: A.Pipeline | A.Assignment, exec: Exec): Promise<Iterable<PsValue>> {
  if (iterable.type === 'Pipeline' && iterable.elements.length === 1 && iterable.elements[0].type === 'CommandExpression') {
    const e = iterable.elements[0].expression;
    if (e.type === 'Binary' && e.operator === '..') {
      const from = toNumber(await evalExpr(e.left, exec));
      const to = toNumber(await evalExpr(e.right, exec));
      if (!(from instanceof ConversionFailure) && !(to instanceof ConversionFailure)) return lazyRange(Math.trunc(from), Math.trunc(to));
    }
  }
  const value = await statementValue(iterable, exec);
  if (value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function* lazyRange(from: number, to: number): Generator<PsValue> {
  if (from <= to) for (let i = from; i <= to; i++) yield i;
  else for (let i = from; i >= to; i--) yield i;
}

async function execForEach(s: A.ForEach, exec: Exec, emit: Emit): Promise<void> {
  const items = (await iterationSource(s.iterable, exec))[Symbol.iterator]();
  await loop(
    s.label,
    exec,
    async () => {
      const next = items.next();
      if (next.done) return false;
      setVariable(exec, s.variable.name, next.value, at(exec, s.variable));
      return true;
    },
    () => execStatements(s.body, exec, emit),
  );
}

async function execSwitch(s: A.Switch, exec: Exec, emit: Emit): Promise<void> {
  const value = await statementValue(s.value, exec);
  const items = Array.isArray(value) ? value : [value];
  const saved = exec.scope.local('_');
  try {
    for (const item of items) {
      const pause = exec.engine.tick();
      if (pause) await pause;
      exec.scope.set('_', item);
      let matched = false;
      try {
        for (const clause of s.clauses) {
          if (await switchClauseMatches(s, clause.condition, item, exec)) {
            matched = true;
            await execStatements(clause.body, exec, emit);
          }
        }
        if (!matched && s.defaultBody) await execStatements(s.defaultBody, exec, emit);
      } catch (e) {
        if (e instanceof ContinueSignal && labelMatches(e, s.label)) continue;
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof BreakSignal && labelMatches(e, s.label)) return;
    throw e;
  } finally {
    if (saved) exec.scope.set('_', saved.value);
  }
}

async function switchClauseMatches(s: A.Switch, condition: A.Expression, item: PsValue, exec: Exec): Promise<boolean> {
  if (condition.type === 'ScriptBlockExpression') {
    const block = (await evalExpr(condition, exec)) as PsScriptBlock;
    const r = await invokeScriptBlockValue(exec, block, { dollarUnder: item, args: [], dotSource: true });
    return isTrue(collected(r));
  }
  const pattern = await evalExpr(condition, exec);
  if (s.flags.regex) {
    const m = dotNetRegex(operatorContext(exec, at(exec, condition)), toStringPs(pattern), s.flags.caseSensitive).exec(toStringPs(item));
    if (m) {
      const table = new PsHashtable();
      m.forEach((g, i) => g !== undefined && table.set(i, g));
      exec.scope.set('Matches', table);
    }
    return m !== null;
  }
  if (s.flags.wildcard) return wildcardMatch(toStringPs(item), toStringPs(pattern), s.flags.caseSensitive);
  return valuesEqual(typeof pattern === 'string' ? toStringPs(item) : item, pattern, s.flags.caseSensitive);
}

async function execTry(s: A.Try, exec: Exec, emit: Emit): Promise<void> {
  try {
    await execStatements(s.body, { ...exec, tryDepth: exec.tryDepth + 1 }, emit);
  } catch (e) {
    if (!(e instanceof PsRuntimeError)) throw e;
    const handler = s.catches.find((c) => c.typeNames.length === 0 || c.typeNames.some((t) => catchMatches(e, t)));
    if (!handler) throw e;
    const saved = exec.scope.local('_');
    exec.scope.set('_', e.record);
    try {
      await execStatements(handler.body, exec, emit);
    } finally {
      if (saved) exec.scope.set('_', saved.value);
      else exec.scope.remove('_');
    }
  } finally {
    if (s.finallyBody) {
      exec.engine.finallyDepth++;
      try {
        await execStatements(s.finallyBody, exec, emit);
      } finally {
        exec.engine.finallyDepth--;
      }
    }
  }
}

/** The error `throw` raises (ExceptionHandlingOps.ConvertToException). */
async function throwError(s: A.FlowControl, exec: Exec): Promise<PsRuntimeError> {
  const position = at(exec, s);
  if (!s.value) {
    // A bare `throw` in a catch block rethrows what it caught.
    const current = exec.scope.lookup('_')?.value;
    if (current instanceof PsErrorRecord) return new PsRuntimeError(current, { fromThrow: true });
  }
  const value = s.value ? await statementValue(s.value, exec) : null;
  if (value instanceof PsErrorRecord) return new PsRuntimeError(withPosition(value, position), { fromThrow: true });
  if (value instanceof PsObject && value.typeNames.includes('System.Exception')) {
    const message = toStringPs(value.get('Message') ?? null);
    const inner = value.get('ErrorRecord');
    if (inner instanceof PsErrorRecord) return new PsRuntimeError(withPosition(inner, position), { fromThrow: true });
    const record = new PsErrorRecord({ exceptionType: value.typeNames[0], message, errorId: message, category: 'OperationStopped', invocation: invocationAt(position) });
    return new PsRuntimeError(record, { fromThrow: true });
  }
  const message = value === null ? 'ScriptHalted' : toStringPs(value);
  const record = new PsErrorRecord({
    exceptionType: 'System.Management.Automation.RuntimeException',
    message,
    errorId: message,
    category: 'OperationStopped',
    targetObject: value,
    invocation: invocationAt(position),
  });
  return new PsRuntimeError(record, { fromThrow: true, innerExceptionType: 'System.Management.Automation.RuntimeException' });
}

