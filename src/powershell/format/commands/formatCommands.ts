/**
 * Format-Table and Format-List (Microsoft.PowerShell.Utility). They write format objects
 * (formatObjects.ts), never text: Out-Default, Out-Host or Out-String lay them out.
 *
 * -Property takes names (wildcards allowed), script blocks and hashtables with Expression /
 * Label (or Name) / Width / Alignment, each key abbreviable (@{e={…}; l='x'}). Not
 * implemented: -GroupBy, -View (the default view is used), -Expand, -ShowError, -DisplayError,
 * -Force, and a calculated property's FormatString.
 */
import type { PsCommand, PsCommandContext, PsParameter } from '../../runtime/commands';
import { PsHashtable, PsScriptBlock, type PsValue } from '../../runtime/values';
import { formatObject } from '../formatObjects';
import { expandForFormatting, FormatShaper, type PropertySpec } from '../shaper';
import type { Alignment } from '../tableWriter';
import { DEFAULT_DISPLAY } from '../text';
import { inputOf, InvocationState, sessionViews, switchOn, type FormatCommandsHost } from './support';

const UTILITY = 'Microsoft.PowerShell.Utility';

const COMMON_FORMAT_PARAMETERS: readonly PsParameter[] = [
  { name: 'Property', type: 'object[]', sets: { __AllParameterSets: { position: 0 } } },
  { name: 'GroupBy', type: 'object' },
  { name: 'View', type: 'string' },
  { name: 'ShowError', type: 'switch' },
  { name: 'DisplayError', type: 'switch' },
  { name: 'Force', type: 'switch' },
  { name: 'Expand', type: 'string', validateSet: ['CoreOnly', 'EnumOnly', 'Both'] },
  { name: 'InputObject', type: 'object', sets: { __AllParameterSets: { valueFromPipeline: true } } },
];

/** A calculated property whose script block is evaluated per object before shaping. */
interface ScriptedSpec {
  readonly index: number;
  readonly block: PsValue;
}

interface ParsedProperties {
  readonly specs: PropertySpec[];
  readonly scripted: ScriptedSpec[];
  /** Script block results for the object being shaped, by spec index. */
  readonly current: Map<number, PsValue>;
}

const HASH_KEYS = ['expression', 'label', 'name', 'width', 'alignment', 'formatstring'] as const;

/** The canonical key a (possibly abbreviated) hashtable key stands for. */
function hashKey(key: PsValue): (typeof HASH_KEYS)[number] | undefined {
  if (typeof key !== 'string' || key === '') return undefined;
  const lower = key.toLowerCase();
  return HASH_KEYS.find((k) => k.startsWith(lower));
}

function parseProperties(raw: PsValue | undefined): ParsedProperties | undefined {
  if (raw === undefined || raw === null) return undefined;
  const items = Array.isArray(raw) ? raw : [raw];
  const specs: PropertySpec[] = [];
  const scripted: ScriptedSpec[] = [];
  const current = new Map<number, PsValue>();
  const scriptSpec = (block: PsScriptBlock, extra: Omit<PropertySpec, 'expression'>): PropertySpec => {
    const index = specs.length;
    scripted.push({ index, block });
    return { label: block.text, ...extra, expression: () => current.get(index) ?? null };
  };
  for (const item of items) {
    if (item instanceof PsScriptBlock) {
      specs.push(scriptSpec(item, {}));
    } else if (item instanceof PsHashtable) {
      let expression: PsValue = null;
      let label: string | undefined;
      let width: number | undefined;
      let alignment: Alignment | undefined;
      for (const { key, value } of item.entries()) {
        switch (hashKey(key)) {
          case 'expression':
            expression = value;
            break;
          case 'label':
          case 'name':
            label = value === null ? undefined : String(value);
            break;
          case 'width':
            width = typeof value === 'number' ? value : Number(value);
            break;
          case 'alignment': {
            const a = String(value).toLowerCase();
            alignment = a === 'right' ? 'Right' : a === 'center' ? 'Center' : 'Left';
            break;
          }
          default:
            break;
        }
      }
      const extra = { ...(label !== undefined ? { label } : {}), ...(width !== undefined ? { width } : {}), ...(alignment ? { alignment } : {}) };
      specs.push(expression instanceof PsScriptBlock ? scriptSpec(expression, extra) : { name: String(expression ?? ''), ...extra });
    } else if (item !== null) {
      specs.push({ name: String(item) });
    }
  }
  return { specs, scripted, current };
}

interface FormatState {
  readonly shaper: FormatShaper;
  readonly properties: ParsedProperties | undefined;
}

function formatCommand(name: 'Format-Table' | 'Format-List', host: FormatCommandsHost): PsCommand {
  const mode = name === 'Format-Table' ? 'table' : 'list';
  const states = new InvocationState<FormatState>((ctx) => {
    const properties = parseProperties(ctx.bound.get('Property'));
    const shaper = new FormatShaper({
      mode,
      properties: properties?.specs,
      autoSize: switchOn(ctx, 'AutoSize'),
      hideTableHeaders: switchOn(ctx, 'HideTableHeaders'),
      wrap: switchOn(ctx, 'Wrap'),
      views: sessionViews(host, ctx),
      display: { enumerationLimit: host.enumerationLimit?.(ctx) ?? DEFAULT_DISPLAY.enumerationLimit, utcOffset: host.utcOffset ?? DEFAULT_DISPLAY.utcOffset },
      bufferWidth: host.bufferWidth(ctx),
    });
    return { shaper, properties };
  });
  const tableParameters: readonly PsParameter[] =
    mode === 'table'
      ? [
          { name: 'AutoSize', type: 'switch' },
          { name: 'HideTableHeaders', type: 'switch' },
          { name: 'Wrap', type: 'switch' },
        ]
      : [];
  return {
    metadata: {
      name,
      module: UTILITY,
      commandType: 'Cmdlet',
      parameters: [...COMMON_FORMAT_PARAMETERS, ...tableParameters],
      aliases: [mode === 'table' ? 'ft' : 'fl'],
    },
    async process(ctx: PsCommandContext, input: PsValue | undefined): Promise<void> {
      const state = states.get(ctx);
      for (const obj of expandForFormatting(inputOf(ctx, input))) {
        const props = state.properties;
        if (props) {
          for (const { index, block } of props.scripted) {
            const results = await ctx.invokeScriptBlock(block, obj);
            props.current.set(index, results.length === 0 ? null : results.length === 1 ? (results[0] as PsValue) : results);
          }
        }
        for (const packet of state.shaper.writeObject(obj)) ctx.writeObject(formatObject(packet));
      }
    },
    end(ctx: PsCommandContext): void {
      const state = states.get(ctx);
      states.delete(ctx);
      for (const packet of state.shaper.end()) ctx.writeObject(formatObject(packet));
    },
  };
}

export function formatTableCommand(host: FormatCommandsHost): PsCommand {
  return formatCommand('Format-Table', host);
}

export function formatListCommand(host: FormatCommandsHost): PsCommand {
  return formatCommand('Format-List', host);
}
