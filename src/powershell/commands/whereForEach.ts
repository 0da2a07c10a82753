/**
 * Where-Object and ForEach-Object (Microsoft.PowerShell.Core), with script blocks
 * and with PowerShell 3's simplified forms (`Where-Object Name -eq 'x'`,
 * `ForEach-Object Name`). Their script blocks run in the caller's scope.
 */
import { engineOf } from '../runtime/commandContext';
import type { PsCommandContext, PsParameter } from '../runtime/commands';
import { isTrue, toStringPs } from '../runtime/conversions';
import { operatorContext } from '../runtime/expressions';
import { getProperty } from '../runtime/members';
import { invokeMethod, VOID } from '../runtime/methods';
import * as ops from '../runtime/operators';
import { PsScriptBlock, PsTypeLiteral, type PsValue } from '../runtime/values';
import { cmdlet, list, param, perInvocation, switchOn, text } from './define';

const CORE = 'Microsoft.PowerShell.Core';

/** The comparison switches of Where-Object and the operator each stands for. */
const WHERE_OPERATORS: ReadonlyArray<readonly [param: string, op: string]> = [
  ['EQ', 'eq'],
  ['NE', 'ne'],
  ['GT', 'gt'],
  ['GE', 'ge'],
  ['LT', 'lt'],
  ['LE', 'le'],
  ['Like', 'like'],
  ['NotLike', 'notlike'],
  ['Match', 'match'],
  ['NotMatch', 'notmatch'],
  ['Contains', 'contains'],
  ['NotContains', 'notcontains'],
  ['In', 'in'],
  ['NotIn', 'notin'],
  ['Is', 'is'],
  ['IsNot', 'isnot'],
  ...['EQ', 'NE', 'GT', 'GE', 'LT', 'LE', 'Like', 'NotLike', 'Match', 'NotMatch', 'Contains', 'NotContains', 'In', 'NotIn'].map((p) => [`C${p}`, `c${p.toLowerCase()}`] as const),
];

const setOf = (p: string): string => (p === 'EQ' ? 'EqualSet' : `${p}Set`);
const OPERATOR_SETS = WHERE_OPERATORS.map(([p]) => setOf(p));

const whereParameters: PsParameter[] = [
  param('InputObject', 'object', { pipeline: true, allowNull: true }),
  param('FilterScript', 'scriptblock', { position: 0, mandatory: true, set: 'ScriptBlockSet' }),
  param('Property', 'string', { position: 0, mandatory: true, set: OPERATOR_SETS }),
  param('Value', 'object', { position: 1, set: OPERATOR_SETS, allowNull: true }),
  ...WHERE_OPERATORS.map(([p]) => param(p, 'switch', { set: setOf(p), aliases: p.startsWith('C') ? undefined : [`I${p}`] })),
];

function whereMatches(ctx: PsCommandContext, input: PsValue): boolean {
  const exec = engineOf(ctx).exec;
  const property = text(ctx, 'Property') ?? '';
  const left = getProperty(input, property) ?? null;
  const operator = WHERE_OPERATORS.find(([p]) => switchOn(ctx, p));
  if (!operator) return isTrue(left);
  const right = ctx.bound.get('Value') ?? null;
  const octx = operatorContext(exec);
  const [, op] = operator;
  const { base } = ops.splitCase(op);
  switch (base) {
    case 'match':
    case 'notmatch':
      return isTrue(ops.match(octx, op, left, right));
    case 'contains':
    case 'notcontains':
      return ops.contains(op, left, right);
    case 'in':
    case 'notin':
      return ops.contains(op, right, left);
    case 'is':
    case 'isnot': {
      const type = ops.typeOperand(octx, 'is', right instanceof PsTypeLiteral ? right : toStringPs(right));
      return ops.isInstance(left, type) === (base === 'is');
    }
    default:
      return isTrue(ops.compare(octx, op, left, right));
  }
}

export const whereObject = cmdlet(
  CORE,
  { name: 'Where-Object', implementingType: 'Microsoft.PowerShell.Commands.WhereObjectCommand', aliases: ['where', '?'], defaultParameterSet: 'EqualSet', parameters: whereParameters },
  {
    async process(ctx, input) {
      if (input === undefined) return;
      const filter = ctx.bound.get('FilterScript');
      if (filter instanceof PsScriptBlock) {
        const out = await ctx.invokeScriptBlock(filter, input);
        if (isTrue(out.length === 1 ? out[0] : out)) ctx.writeObject(input);
        return;
      }
      if (whereMatches(ctx, input)) ctx.writeObject(input);
    },
  },
);

interface ForEachBlocks {
  readonly begin?: PsScriptBlock;
  readonly process: readonly PsScriptBlock[];
  readonly end?: PsScriptBlock;
}

/** How ForEach-Object reads its script blocks: one is -Process; two are begin and process; three add end. */
function blocksOf(ctx: PsCommandContext): ForEachBlocks {
  const given = list(ctx.bound.get('Process')).filter((b): b is PsScriptBlock => b instanceof PsScriptBlock);
  const remaining = list(ctx.bound.get('RemainingScripts')).filter((b): b is PsScriptBlock => b instanceof PsScriptBlock);
  const all = [...given, ...remaining];
  const beginParam = ctx.bound.get('Begin');
  const endParam = ctx.bound.get('End');
  let begin = beginParam instanceof PsScriptBlock ? beginParam : undefined;
  let end = endParam instanceof PsScriptBlock ? endParam : undefined;
  let process: PsScriptBlock[] = all;
  if (!begin && !end && all.length >= 2) {
    begin = all[0];
    process = all.length === 2 ? [all[1]] : all.slice(1, -1);
    end = all.length >= 3 ? all[all.length - 1] : undefined;
  }
  return { begin, process, end };
}

async function run(ctx: PsCommandContext, block: PsScriptBlock | undefined, input: PsValue | undefined): Promise<void> {
  if (!block) return;
  for (const v of await ctx.invokeScriptBlock(block, input)) ctx.writeObject(v);
}

export const forEachObject = cmdlet(
  CORE,
  {
    name: 'ForEach-Object',
    implementingType: 'Microsoft.PowerShell.Commands.ForEachObjectCommand',
    aliases: ['%', 'foreach'],
    defaultParameterSet: 'ScriptBlockSet',
    parameters: [
      param('InputObject', 'object', { pipeline: true, allowNull: true }),
      param('Begin', 'scriptblock', { set: 'ScriptBlockSet' }),
      param('Process', 'object[]', { position: 0, mandatory: true, set: 'ScriptBlockSet' }),
      param('End', 'scriptblock', { set: 'ScriptBlockSet' }),
      param('RemainingScripts', 'object[]', { set: 'ScriptBlockSet', remaining: true }),
      param('MemberName', 'string', { position: 0, mandatory: true, set: 'PropertyAndMethodSet' }),
      param('ArgumentList', 'object[]', { set: 'PropertyAndMethodSet', remaining: true, aliases: ['Args'] }),
    ],
  },
  {
    async begin(ctx) {
      if (ctx.bound.parameterSetName === 'PropertyAndMethodSet' || !ctx.bound.has('Process')) return;
      await run(ctx, perInvocation(ctx, () => blocksOf(ctx)).begin, undefined);
    },
    async process(ctx, input) {
      const member = text(ctx, 'MemberName');
      if (member !== undefined && !ctx.bound.has('Process')) {
        if (input === undefined) return;
        const args = list(ctx.bound.get('ArgumentList'));
        const property = getProperty(input, member);
        if (property !== undefined && args.length === 0) {
          ctx.writeObject(property, true);
          return;
        }
        const r = await invokeMethod(operatorContext(engineOf(ctx).exec), input, member, args);
        if (r !== VOID) ctx.writeObject(r, true);
        return;
      }
      const blocks = perInvocation(ctx, () => blocksOf(ctx));
      for (const block of blocks.process) await run(ctx, block, input);
    },
    async end(ctx) {
      if (ctx.bound.parameterSetName === 'PropertyAndMethodSet' || !ctx.bound.has('Process')) return;
      await run(ctx, perInvocation(ctx, () => blocksOf(ctx)).end, undefined);
    },
  },
);

