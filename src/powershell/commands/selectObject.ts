/**
 * Select-Object: properties (names with wildcards, calculated @{n=…;e={…}}),
 * -ExpandProperty, -First / -Last / -Skip / -Index, -Unique. -First stops the
 * commands before it once it has enough, as PowerShell does.
 */
import { engineOf } from '../runtime/commandContext';
import type { PsCommandContext } from '../runtime/commands';
import { toStringPs } from '../runtime/conversions';
import { getProperty } from '../runtime/members';
import { valuesEqual } from '../runtime/operators';
import { hasWildcard, wildcardMatch } from '../runtime/wildcard';
import { PsHashtable, PsObject, PsScriptBlock, PSCUSTOMOBJECT_TYPES, type PsValue, typeNameOf } from '../runtime/values';
import { cmdlet, list, number, param, perInvocation, switchOn, text } from './define';

interface SelectState {
  seen: number;
  emitted: number;
  readonly kept: PsValue[];
  readonly unique: PsValue[];
}

/** The property names of a value, for `Select-Object *`. */
function propertyNames(v: PsValue): string[] {
  if (v instanceof PsObject) return v.properties.map((p) => p.name);
  if (v instanceof PsHashtable) return v.keys().map((k) => toStringPs(k));
  if (typeof v === 'string') return ['Length'];
  return [];
}

/** A calculated property's name and how to get its value. */
function calculated(spec: PsHashtable): { name: string; expression: PsValue } {
  const get = (...keys: string[]): PsValue | undefined => {
    for (const e of spec.entries()) {
      const k = toStringPs(e.key).toLowerCase();
      if (keys.some((key) => key.startsWith(k) && k.length > 0)) return e.value;
    }
    return undefined;
  };
  const expression = get('expression') ?? null;
  const name = get('name', 'label');
  return { name: name === undefined ? toStringPs(expression) : toStringPs(name), expression };
}

async function selectProperties(ctx: PsCommandContext, input: PsValue, specs: readonly PsValue[]): Promise<PsObject> {
  const props: Array<readonly [string, PsValue]> = [];
  for (const spec of specs) {
    if (spec instanceof PsHashtable) {
      const { name, expression } = calculated(spec);
      let value: PsValue;
      if (expression instanceof PsScriptBlock) {
        const out = await ctx.invokeScriptBlock(expression, input);
        value = out.length === 0 ? null : out.length === 1 ? out[0] : out;
      } else value = getProperty(input, toStringPs(expression)) ?? null;
      props.push([name, value]);
      continue;
    }
    const name = toStringPs(spec);
    if (hasWildcard(name)) {
      for (const n of propertyNames(input)) if (wildcardMatch(n, name) && !props.some(([p]) => p.toLowerCase() === n.toLowerCase())) props.push([n, getProperty(input, n) ?? null]);
    } else props.push([name, getProperty(input, name) ?? null]);
  }
  const original = input instanceof PsObject ? (input.typeNames[0] ?? 'System.Object') : typeNameOf(input);
  return new PsObject([`Selected.${original}`, ...PSCUSTOMOBJECT_TYPES], props);
}

function sameObject(a: PsValue, b: PsValue): boolean {
  if (a instanceof PsObject && b instanceof PsObject) {
    const pa = a.properties;
    const pb = b.properties;
    return pa.length === pb.length && pa.every((p, i) => p.name.toLowerCase() === pb[i].name.toLowerCase() && valuesEqual(p.value, pb[i].value, true));
  }
  return valuesEqual(a, b, true);
}

/** What one input object becomes: selected properties, an expanded property, or itself. */
async function project(ctx: PsCommandContext, input: PsValue): Promise<PsValue[]> {
  const expand = text(ctx, 'ExpandProperty');
  const props = list(ctx.bound.get('Property'));
  if (expand !== undefined) {
    const value = getProperty(input, expand);
    if (value === undefined) {
      ctx.writeError(ctx.errorRecord({ exceptionType: 'System.Management.Automation.PSArgumentException', message: `Property "${expand}" cannot be found.`, errorId: 'ExpandPropertyNotFound', category: 'InvalidArgument', targetObject: input }));
      return [];
    }
    return Array.isArray(value) ? value : [value];
  }
  if (props.length > 0) return [await selectProperties(ctx, input, props)];
  return [input];
}

export const selectObject = cmdlet(
  'Microsoft.PowerShell.Utility',
  {
    name: 'Select-Object',
    implementingType: 'Microsoft.PowerShell.Commands.SelectObjectCommand',
    aliases: ['select'],
    defaultParameterSet: 'DefaultParameter',
    parameters: [
      param('InputObject', 'object', { pipeline: true, allowNull: true }),
      param('Property', 'object[]', { position: 0, set: ['DefaultParameter', 'SkipLastParameter'] }),
      param('ExcludeProperty', 'string[]', { set: ['DefaultParameter', 'SkipLastParameter'] }),
      param('ExpandProperty', 'string', { set: ['DefaultParameter', 'SkipLastParameter'] }),
      param('Unique', 'switch'),
      param('Last', 'int', { set: 'DefaultParameter', validateRange: [0, 2147483647] }),
      param('First', 'int', { set: 'DefaultParameter', validateRange: [0, 2147483647] }),
      param('Skip', 'int', { set: 'DefaultParameter', validateRange: [0, 2147483647] }),
      param('SkipLast', 'int', { set: 'SkipLastParameter', validateRange: [0, 2147483647] }),
      param('Wait', 'switch', { set: ['DefaultParameter', 'IndexParameter'] }),
      param('Index', 'int[]', { set: 'IndexParameter' }),
    ],
  },
  {
    async process(ctx, input) {
      if (input === undefined) return;
      const s = perInvocation<SelectState>(ctx, () => ({ seen: 0, emitted: 0, kept: [], unique: [] }));
      const index = s.seen++;
      const skip = number(ctx, 'Skip') ?? 0;
      const first = number(ctx, 'First');
      const indexes = ctx.bound.get('Index');
      if (Array.isArray(indexes) && !indexes.includes(index)) return;
      if (index < skip) return;
      // -Last, -SkipLast and -Unique need the whole input: they answer in end.
      if (ctx.bound.has('Last') || ctx.bound.has('SkipLast') || switchOn(ctx, 'Unique')) {
        s.kept.push(input);
        return;
      }
      if (first !== undefined && s.emitted >= first) return;
      for (const v of await project(ctx, input)) ctx.writeObject(v);
      s.emitted++;
      if (first !== undefined && s.emitted >= first && !ctx.bound.has('Last')) engineOf(ctx).stopUpstream();
    },
    async end(ctx) {
      const s = perInvocation<SelectState>(ctx, () => ({ seen: 0, emitted: 0, kept: [], unique: [] }));
      if (s.kept.length === 0) return;
      let items = s.kept;
      const first = number(ctx, 'First');
      const last = number(ctx, 'Last');
      const skipLast = number(ctx, 'SkipLast');
      if (first !== undefined || last !== undefined) {
        const head = first !== undefined ? items.slice(0, first) : [];
        const tail = last !== undefined ? items.slice(Math.max(items.length - last, first ?? 0)) : [];
        items = [...head, ...tail];
      }
      if (skipLast !== undefined) items = items.slice(0, Math.max(0, items.length - skipLast));
      const out: PsValue[] = [];
      for (const item of items) out.push(...(await project(ctx, item)));
      for (const v of out) {
        if (switchOn(ctx, 'Unique')) {
          if (s.unique.some((u) => sameObject(u, v))) continue;
          s.unique.push(v);
        }
        ctx.writeObject(v);
      }
    },
  },
);
