/**
 * Running a pipeline: commands are resolved and their arguments bound first (so a
 * binding error or an unknown command stops the statement before anything runs),
 * then every command's begin, the input (the head expression's values, or one call
 * of the first command), every command's end. What a command writes is passed on
 * after each call returns; Select-Object -First ends the commands before it.
 */
import type * as A from '../language/ast';
import type { BindArgument } from './binder';
import { commandNotFound, resolveCommand } from './commandLookup';
import { ConversionFailure, toNumber, toStringPs } from './conversions';
import { StopUpstreamSignal } from './errors';
import { at, type Emit, type Exec, getVariable, preference } from './exec';
import { evalExpr, evalExpressionStatement, scriptBlockBody } from './expressions';
import { lazyRange } from './evaluator';
import { scriptBlockFunction } from './functions';
import { CmdletProcessor, FunctionProcessor, NativeProcessor, type Processor } from './processors';
import { redirectedSink } from './streams';
import { PsHashtable, PsObject, PsScriptBlock, type PsValue } from './values';

const discardsOutput = (r: A.Redirection): boolean => !r.merge && (r.stream === '1' || r.stream === '*');

export async function runPipeline(p: A.Pipeline, exec: Exec, emit: Emit): Promise<void> {
  const engine = exec.engine;
  const errorsBefore = engine.errorsWritten;
  const first = p.elements[0];
  if (p.elements.length === 1 && first.type === 'CommandExpression') {
    const out = first.redirections.some(discardsOutput) ? () => undefined : emit;
    await evalExpressionStatement(first.expression, exec, out);
    engine.questionMark = engine.errorsWritten === errorsBefore;
    return;
  }
  const processors: Processor[] = [];
  let failed = false;
  try {
    for (let i = 0; i < p.elements.length; i++) {
      const el = p.elements[i];
      if (el.type === 'Command') processors.push(await createProcessor(el, exec, i > 0));
    }
    await drive(processors, first.type === 'CommandExpression' ? first : undefined, exec, emit);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    for (const proc of processors) {
      proc.dispose();
      if (proc.failed) failed = true;
    }
    engine.questionMark = !failed && engine.errorsWritten === errorsBefore;
  }
}

/** The values a head expression feeds the pipeline: a range lazily, an array by element. */
async function headValues(head: A.CommandExpression, exec: Exec): Promise<Iterable<PsValue>> {
  const e = head.expression;
  if (e.type === 'Binary' && e.operator === '..') {
    const from = toNumber(await evalExpr(e.left, exec));
    const to = toNumber(await evalExpr(e.right, exec));
    if (!(from instanceof ConversionFailure) && !(to instanceof ConversionFailure)) return lazyRange(Math.trunc(from), Math.trunc(to));
  }
  const values: PsValue[] = [];
  await evalExpressionStatement(e, exec, (v) => values.push(v));
  return head.redirections.some(discardsOutput) ? [] : values;
}

async function drive(processors: Processor[], head: A.CommandExpression | undefined, exec: Exec, emit: Emit): Promise<void> {
  const n = processors.length;
  const feed = async (i: number, value: PsValue): Promise<void> => {
    if (i === n) {
      emit(value);
      return;
    }
    await processors[i].process(value);
    await drain(i);
  };
  const drain = async (i: number): Promise<void> => {
    const proc = processors[i];
    while (proc.output.length > 0) {
      const batch = proc.output.splice(0);
      for (const v of batch) await feed(i + 1, v);
    }
    if (proc.stopRequested) throw new StopUpstreamSignal(i);
  };
  let from = 0;
  try {
    for (const proc of processors) await proc.begin();
    for (let i = 0; i < n; i++) await drain(i);
    if (head) {
      for (const v of await headValues(head, exec)) {
        const pause = exec.engine.tick();
        if (pause) await pause;
        await feed(0, v);
      }
    } else {
      await processors[0].process(undefined);
      await drain(0);
    }
  } catch (e) {
    if (!(e instanceof StopUpstreamSignal)) throw e;
    from = e.processorIndex;
  }
  for (let i = from; i < n; i++) {
    await processors[i].end();
    try {
      await drain(i);
    } catch (e) {
      if (!(e instanceof StopUpstreamSignal)) throw e;
    }
  }
}

/** The arguments of a command, evaluated, with splatting expanded. */
async function evaluateArguments(elements: readonly A.CommandElement[], exec: Exec): Promise<BindArgument[]> {
  const args: BindArgument[] = [];
  for (const el of elements) {
    if (el.type === 'CommandParameter') {
      const value = el.argument ? await evalExpr(el.argument, exec) : undefined;
      args.push({ kind: 'parameter', name: el.name, value, hasValue: el.colon, at: at(exec, el), valueAt: el.argument ? at(exec, el.argument) : undefined });
      continue;
    }
    if (el.splatted && el.value.type === 'Variable') {
      const value = getVariable(exec, el.value.name);
      if (value instanceof PsHashtable) {
        for (const entry of value.entries()) args.push({ kind: 'parameter', name: toStringPs(entry.key), value: entry.value, hasValue: true, at: at(exec, el) });
      } else if (Array.isArray(value)) {
        for (const v of value) args.push({ kind: 'value', value: v, at: at(exec, el) });
      } else if (value !== null) args.push({ kind: 'value', value, at: at(exec, el) });
      continue;
    }
    args.push({ kind: 'value', value: await evalExpr(el.value, exec), at: at(exec, el) });
  }
  return args;
}

/** The command a name or `& <expression>` stands for, with its arguments bound. */
async function createProcessor(cmd: A.Command, exec: Exec, expectsInput: boolean): Promise<Processor> {
  const position = at(exec, cmd);
  const namePosition = at(exec, cmd.name);
  const named = await evalExpr(cmd.name, exec);
  let name = '';
  let block: PsScriptBlock | undefined;
  if (named instanceof PsScriptBlock) block = named;
  else if (named instanceof PsObject && named.get('Name') !== undefined) name = toStringPs(named.get('Name') ?? null);
  else name = toStringPs(named);
  const output: PsValue[] = [];
  let proc: Processor | undefined;
  const args = await evaluateArguments(cmd.elements, exec);
  const sinkFor = (p: Processor): void => {
    p.sink = redirectedSink(exec.sink, cmd.redirections, p.push);
    if (cmd.redirections.some(discardsOutput)) p.discardOutput = true;
  };
  if (block) {
    const body = scriptBlockBody(block);
    const fn = scriptBlockFunction(block, exec);
    proc = new FunctionProcessor(fn, { ...exec, source: body.source }, position, args, expectsInput, exec.sink, cmd.invocationOperator === '.');
    sinkFor(proc);
    return proc;
  }
  if (name === '') throw commandNotFound(name, namePosition);
  const coreModules = exec.engine.coreModules;
  const resolved = resolveCommand(exec, coreModules, name, {
    onAutoload: () => {
      if (preference(exec, 'ProgressPreference', 'Continue') !== 'Continue') return;
      // What Windows PowerShell writes the first time it loads a module for a command (winrs-shell.md §3).
      exec.sink.progress(1, { activityId: 0, parentActivityId: -1, activity: 'Preparing modules for first use.', statusDescription: ' ', percentComplete: -1, secondsRemaining: -1, recordType: 'Completed' });
    },
  });
  switch (resolved.kind) {
    case 'cmdlet': {
      // The sink needs the processor's output, which exists only once it is constructed: bind through a forwarder.
      const holder: { target?: Processor } = {};
      const sink = redirectedSink(exec.sink, cmd.redirections, (v) => (holder.target ? holder.target.push(v) : output.push(v)));
      const p = new CmdletProcessor(resolved.command, resolved.module, exec, position, args, expectsInput, sink, coreModules);
      holder.target = p;
      if (cmd.redirections.some(discardsOutput)) p.discardOutput = true;
      return p;
    }
    case 'function':
      proc = new FunctionProcessor(resolved.fn, exec, position, args, expectsInput, exec.sink, cmd.invocationOperator === '.');
      sinkFor(proc);
      return proc;
    case 'native':
      proc = new NativeProcessor(resolved.name, resolved.invokedAs, exec, position, namePosition, args, exec.sink);
      sinkFor(proc);
      return proc;
  }
}
