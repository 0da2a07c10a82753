/**
 * Microsoft.PowerShell.Utility cmdlets besides Write-* and Select-Object:
 * Sort-Object, Measure-Object, Start-Sleep, New-Object, Get-Date, Get-Variable,
 * Set-Variable.
 */
import { engineOf } from '../runtime/commandContext';
import type { PsCommand, PsCommandContext } from '../runtime/commands';
import { ConversionFailure, toNumber, toStringPs } from '../runtime/conversions';
import { formatDate } from '../runtime/dateFormat';
import { hasVariable, getVariable, setVariable } from '../runtime/exec';
import { invokeScriptBlockValue, scriptBlockFromText } from '../runtime/functions';
import { getProperty } from '../runtime/members';
import { construct } from '../runtime/objects';
import { compareValues } from '../runtime/operators';
import { hasWildcard, wildcardMatch } from '../runtime/wildcard';
import { PsRuntimeError } from '../runtime/errors';
import { PsDateTime, PsHashtable, PsObject, PsScriptBlock, type PsValue } from '../runtime/values';
import { machineNow } from '../runtime/staticMembers';
import { cmdlet, list, number, param, perInvocation, switchOn, text } from './define';

const UTILITY = 'Microsoft.PowerShell.Utility';

interface SortKey {
  readonly get: (ctx: PsCommandContext, v: PsValue) => Promise<PsValue>;
  readonly descending?: boolean;
}

function sortKeys(ctx: PsCommandContext): SortKey[] {
  return list(ctx.bound.get('Property')).map((spec): SortKey => {
    if (spec instanceof PsScriptBlock) return { get: async (c, v) => (await c.invokeScriptBlock(spec, v))[0] ?? null };
    if (spec instanceof PsHashtable) {
      const entry = (name: string): PsValue | undefined => spec.entries().find((e) => name.startsWith(toStringPs(e.key).toLowerCase()))?.value;
      const expression = entry('expression') ?? null;
      const descending = entry('descending');
      return {
        get: async (c, v) => (expression instanceof PsScriptBlock ? ((await c.invokeScriptBlock(expression, v))[0] ?? null) : (getProperty(v, toStringPs(expression)) ?? null)),
        descending: descending === undefined ? undefined : descending === true,
      };
    }
    const name = toStringPs(spec);
    return { get: async (_c, v) => getProperty(v, name) ?? null };
  });
}

const sortObject = cmdlet(
  UTILITY,
  {
    name: 'Sort-Object',
    implementingType: 'Microsoft.PowerShell.Commands.SortObjectCommand',
    aliases: ['sort'],
    parameters: [
      param('Property', 'object[]', { position: 0 }),
      param('Descending', 'switch'),
      param('Unique', 'switch'),
      param('CaseSensitive', 'switch'),
      param('InputObject', 'object', { pipeline: true, allowNull: true }),
    ],
  },
  {
    process(ctx, input) {
      if (input !== undefined) perInvocation(ctx, () => [] as PsValue[]).push(input);
    },
    async end(ctx) {
      const items = perInvocation(ctx, () => [] as PsValue[]);
      const keys = sortKeys(ctx);
      const descending = switchOn(ctx, 'Descending');
      const cs = switchOn(ctx, 'CaseSensitive');
      const rows: Array<{ v: PsValue; keys: PsValue[] }> = [];
      for (const v of items) rows.push({ v, keys: keys.length ? await Promise.all(keys.map((k) => k.get(ctx, v))) : [v] });
      const cmp = (a: PsValue, b: PsValue): number => {
        const c = compareValues(a, b, cs);
        return c instanceof ConversionFailure ? toStringPs(a).localeCompare(toStringPs(b), 'en-US') : Math.sign(c);
      };
      rows.sort((a, b) => {
        for (let i = 0; i < a.keys.length; i++) {
          const c = cmp(a.keys[i], b.keys[i]);
          if (c !== 0) return (keys[i]?.descending ?? descending) ? -c : c;
        }
        return 0;
      });
      let previous: PsValue[] | undefined;
      for (const row of rows) {
        if (switchOn(ctx, 'Unique') && previous && previous.every((k, i) => cmp(k, row.keys[i]) === 0)) continue;
        previous = row.keys;
        ctx.writeObject(row.v);
      }
    },
  },
);

interface MeasureState {
  count: number;
  sum: number;
  min?: PsValue;
  max?: PsValue;
}

const measureObject = cmdlet(
  UTILITY,
  {
    name: 'Measure-Object',
    implementingType: 'Microsoft.PowerShell.Commands.MeasureObjectCommand',
    aliases: ['measure'],
    parameters: [
      param('Property', 'string[]', { position: 0 }),
      param('Sum', 'switch'),
      param('Average', 'switch'),
      param('Maximum', 'switch'),
      param('Minimum', 'switch'),
      param('InputObject', 'object', { pipeline: true, allowNull: true }),
    ],
  },
  {
    process(ctx, input) {
      if (input === undefined) return;
      const s = perInvocation<MeasureState>(ctx, () => ({ count: 0, sum: 0 }));
      const property = list(ctx.bound.get('Property'))[0];
      const value = property === undefined ? input : (getProperty(input, toStringPs(property)) ?? null);
      s.count++;
      if (switchOn(ctx, 'Sum') || switchOn(ctx, 'Average')) {
        const n = toNumber(value, 'System.Double');
        if (!(n instanceof ConversionFailure)) s.sum += n;
      }
      const c = (a: PsValue, b: PsValue): number => {
        const r = compareValues(a, b, false);
        return r instanceof ConversionFailure ? 0 : r;
      };
      if (s.min === undefined || c(value, s.min) < 0) s.min = value;
      if (s.max === undefined || c(value, s.max) > 0) s.max = value;
    },
    end(ctx) {
      const s = perInvocation<MeasureState>(ctx, () => ({ count: 0, sum: 0 }));
      const property = list(ctx.bound.get('Property'))[0];
      ctx.writeObject(
        new PsObject(
          ['Microsoft.PowerShell.Commands.GenericMeasureInfo', 'Microsoft.PowerShell.Commands.MeasureInfo', 'System.Object'],
          [
            ['Count', s.count],
            ['Average', switchOn(ctx, 'Average') && s.count > 0 ? s.sum / s.count : null],
            ['Sum', switchOn(ctx, 'Sum') ? s.sum : null],
            ['Maximum', switchOn(ctx, 'Maximum') ? (s.max ?? null) : null],
            ['Minimum', switchOn(ctx, 'Minimum') ? (s.min ?? null) : null],
            ['Property', property === undefined ? null : toStringPs(property)],
          ],
        ),
      );
    },
  },
);

/** Waits `ms`, or until the command is stopped (then the engine reports the stop). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('stopped'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error('stopped'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const startSleep = cmdlet(
  UTILITY,
  {
    name: 'Start-Sleep',
    implementingType: 'Microsoft.PowerShell.Commands.StartSleepCommand',
    aliases: ['sleep'],
    defaultParameterSet: 'Seconds',
    parameters: [
      param('Seconds', 'int', { position: 0, mandatory: true, set: 'Seconds', pipeline: true, byPropertyName: true, validateRange: [0, 2147483] }),
      param('Milliseconds', 'int', { mandatory: true, set: 'Milliseconds', byPropertyName: true, validateRange: [0, 2147483647] }),
    ],
  },
  {
    async process(ctx) {
      const ms = ctx.bound.has('Milliseconds') ? (number(ctx, 'Milliseconds') ?? 0) : (number(ctx, 'Seconds') ?? 0) * 1000;
      if (ctx.machine.time) {
        await ctx.machine.time.sleep(ms, ctx.signal);
        if (ctx.signal.aborted) throw new Error('stopped');
      } else await sleep(ms, ctx.signal);
    },
  },
);

const newObject = cmdlet(
  UTILITY,
  {
    name: 'New-Object',
    implementingType: 'Microsoft.PowerShell.Commands.NewObjectCommand',
    defaultParameterSet: 'Net',
    parameters: [
      param('TypeName', 'string', { position: 0, mandatory: true, set: 'Net' }),
      param('ArgumentList', 'object[]', { position: 1, set: 'Net', aliases: ['Args'] }),
      param('ComObject', 'string', { position: 0, mandatory: true, set: 'Com' }),
      param('Property', 'hashtable'),
      param('Strict', 'switch', { set: 'Com' }),
    ],
  },
  {
    process(ctx) {
      const typeName = text(ctx, 'TypeName');
      if (typeName === undefined) {
        throw new PsRuntimeError(ctx.errorRecord({ exceptionType: 'System.Management.Automation.PSNotSupportedException', message: 'COM objects are not available on this host.', errorId: 'NoCOMClassIdentified', category: 'ResourceUnavailable', targetObject: text(ctx, 'ComObject') ?? null }));
      }
      const type = engineOf(ctx).exec.engine.types.resolve(typeName);
      if (!type) {
        throw new PsRuntimeError(
          ctx.errorRecord({ exceptionType: 'System.Management.Automation.PSArgumentException', message: `Cannot find type [${typeName}]: verify that the assembly containing this type is loaded.`, errorId: 'TypeNotFound', category: 'InvalidType', targetObject: null }),
        );
      }
      const args = list(ctx.bound.get('ArgumentList'));
      const made = construct(type.fullName, args);
      if (made !== null && typeof made === 'object' && 'kind' in made && !(made instanceof PsObject)) {
        const short = type.fullName.slice(type.fullName.lastIndexOf('.') + 1);
        const message = made.kind === 'noType' ? `A constructor was not found. Cannot find an appropriate constructor for type ${type.fullName}.` : `Cannot find an overload for "${short}" and the argument count: "${args.length}".`;
        throw new PsRuntimeError(
          ctx.errorRecord({ exceptionType: 'System.Management.Automation.MethodException', message, errorId: made.kind === 'noType' ? 'CannotFindAppropriateCtor' : 'ConstructorInvokedThrowException', category: made.kind === 'noType' ? 'ObjectNotFound' : 'InvalidOperation' }),
        );
      }
      const value = made as PsValue;
      const props = ctx.bound.get('Property');
      if (props instanceof PsHashtable) {
        for (const e of props.entries()) {
          if (value instanceof PsObject) value.set(toStringPs(e.key), e.value);
          else if (value instanceof PsHashtable) value.set(e.key, e.value);
        }
      }
      ctx.writeObject(value);
    },
  },
);

const getDate = cmdlet(
  UTILITY,
  {
    name: 'Get-Date',
    implementingType: 'Microsoft.PowerShell.Commands.GetDateCommand',
    defaultParameterSet: 'net',
    parameters: [
      param('Date', 'datetime', { position: 0, pipeline: true, byPropertyName: true, aliases: ['LastWriteTime'] }),
      param('Format', 'string', { set: 'net' }),
      param('UFormat', 'string', { set: 'UFormat' }),
      param('Year', 'int'),
      param('Month', 'int'),
      param('Day', 'int'),
      param('Hour', 'int'),
      param('Minute', 'int'),
      param('Second', 'int'),
      param('Millisecond', 'int'),
      param('DisplayHint', { enum: 'Microsoft.PowerShell.Commands.DisplayHintType', values: [['Date', 0], ['Time', 1], ['DateTime', 2]] }),
    ],
  },
  {
    process(ctx) {
      const given = ctx.bound.get('Date');
      const d = new Date(given instanceof PsDateTime ? given.date.getTime() : machineNow(ctx.machine).getTime());
      const setters: Array<[string, (n: number) => void]> = [
        ['Year', (n) => d.setFullYear(n)],
        ['Month', (n) => d.setMonth(n - 1)],
        ['Day', (n) => d.setDate(n)],
        ['Hour', (n) => d.setHours(n)],
        ['Minute', (n) => d.setMinutes(n)],
        ['Second', (n) => d.setSeconds(n)],
        ['Millisecond', (n) => d.setMilliseconds(n)],
      ];
      for (const [name, set] of setters) {
        const n = number(ctx, name);
        if (n !== undefined) set(n);
      }
      const value = new PsDateTime(d, given instanceof PsDateTime ? given.kind : 'Local');
      const format = text(ctx, 'Format');
      if (format !== undefined) ctx.writeObject(formatDate(value, format));
      else ctx.writeObject(value);
    },
  },
);

function variableObject(name: string, value: PsValue): PsObject {
  return new PsObject(['System.Management.Automation.PSVariable', 'System.Object'], [['Name', name], ['Value', value], ['Description', ''], ['Options', 'None']], { defaultDisplay: ['Name', 'Value'] });
}

const getVariableCommand = cmdlet(
  UTILITY,
  {
    name: 'Get-Variable',
    implementingType: 'Microsoft.PowerShell.Commands.GetVariableCommand',
    aliases: ['gv'],
    parameters: [param('Name', 'string[]', { position: 0, pipeline: true, byPropertyName: true }), param('ValueOnly', 'switch'), param('Scope', 'string')],
  },
  {
    process(ctx) {
      const exec = engineOf(ctx).exec;
      const names = list(ctx.bound.get('Name')).map((n) => toStringPs(n));
      const all = (): Array<{ name: string }> => {
        const seen = new Map<string, { name: string }>();
        for (let s: typeof exec.scope | undefined = exec.scope; s; s = s.parent) for (const v of s.variables()) if (!seen.has(v.name.toLowerCase())) seen.set(v.name.toLowerCase(), v);
        return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
      };
      const emit = (name: string): void => ctx.writeObject(switchOn(ctx, 'ValueOnly') ? getVariable(exec, name) : variableObject(name, getVariable(exec, name)));
      if (names.length === 0) {
        for (const v of all()) emit(v.name);
        return;
      }
      for (const name of names) {
        if (hasWildcard(name)) {
          for (const v of all()) if (wildcardMatch(v.name, name)) emit(v.name);
          continue;
        }
        if (!hasVariable(exec, name)) {
          ctx.writeError(ctx.errorRecord({ exceptionType: 'System.Management.Automation.ItemNotFoundException', message: `Cannot find a variable with the name '${name}'.`, errorId: 'VariableNotFound', category: 'ObjectNotFound', targetObject: name }));
          continue;
        }
        emit(name);
      }
    },
  },
);

const setVariableCommand = cmdlet(
  UTILITY,
  {
    name: 'Set-Variable',
    implementingType: 'Microsoft.PowerShell.Commands.SetVariableCommand',
    aliases: ['set', 'sv'],
    parameters: [param('Name', 'string[]', { position: 0, mandatory: true, byPropertyName: true }), param('Value', 'object', { position: 1, pipeline: true, byPropertyName: true, allowNull: true }), param('Scope', 'string'), param('PassThru', 'switch')],
  },
  {
    process(ctx) {
      const exec = engineOf(ctx).exec;
      const scope = text(ctx, 'Scope');
      for (const name of list(ctx.bound.get('Name')).map((n) => toStringPs(n))) {
        const qualified = scope && /^(global|script|local)$/i.test(scope) ? `${scope}:${name}` : name;
        setVariable(exec, qualified, ctx.bound.get('Value') ?? null);
        if (switchOn(ctx, 'PassThru')) ctx.writeObject(variableObject(name, getVariable(exec, qualified)));
      }
    },
  },
);

const invokeExpression = cmdlet(
  UTILITY,
  { name: 'Invoke-Expression', implementingType: 'Microsoft.PowerShell.Commands.InvokeExpressionCommand', aliases: ['iex'], parameters: [param('Command', 'string', { position: 0, mandatory: true, pipeline: true })] },
  {
    async process(ctx) {
      let block;
      try {
        block = scriptBlockFromText(text(ctx, 'Command') ?? '');
      } catch (e) {
        // The parse error, attributed to Invoke-Expression ("Invoke-Expression : At line:1 char:…").
        if (!(e instanceof PsRuntimeError)) throw e;
        const { invocation: _none, commandName: _source, ...init } = e.record.init;
        throw new PsRuntimeError(ctx.errorRecord({ ...init, activity: 'Invoke-Expression', reason: 'ParseException' }));
      }
      // The text runs in the caller's scope, as if it were written there.
      for (const v of await invokeScriptBlockValue(engineOf(ctx).exec, block, { args: [], dotSource: true })) ctx.writeObject(v);
    },
  },
);

export const UTILITY_COMMANDS: readonly PsCommand[] = [invokeExpression, sortObject, measureObject, startSleep, newObject, getDate, getVariableCommand, setVariableCommand];
