/**
 * Format views: a module's PsFormatView (commands.ts) plus what a .format.ps1xml can say
 * beyond property columns, a column computed by a script (ServerManager's "[X] Display Name").
 * Built-in views stand for the parts of PowerShell's own format files the emulator's values
 * meet: hashtable entries (DotNetTypes.format.ps1xml "Dictionary") and [type] literals.
 */
import type { PsFormatView } from '../runtime/commands';
import { PsTypeLiteral, type PsValue } from '../runtime/values';
import { DICTIONARY_ENTRY_TYPES } from './text';

export interface FormatViewColumn {
  /** The property shown; also the heading or label when `label` is absent. */
  readonly property: string;
  readonly label?: string;
  /** Table column width in cells; absent: sized by the writer. */
  readonly width?: number;
  readonly alignment?: 'Left' | 'Right';
  /** A ScriptBlock column: computes the value from the object instead of reading `property`. */
  readonly value?: (obj: PsValue) => PsValue;
}

/** A view; every PsFormatView is one. */
export interface FormatView extends PsFormatView {
  readonly columns: readonly FormatViewColumn[];
}

const VALUE_TYPE_BASES = new Set(['System.Int32', 'System.Int64', 'System.Boolean', 'System.Double', 'System.DateTime', 'System.Char', 'System.Byte', 'System.Decimal', 'System.Guid', 'System.TimeSpan', 'System.UInt16', 'System.UInt32', 'System.UInt64', 'System.Int16', 'System.Single', 'System.SByte']);

/** RuntimeType's BaseType for the types a script is likely to print ([int], [string], [pscredential]). */
function baseTypeOf(fullName: string): string {
  if (VALUE_TYPE_BASES.has(fullName)) return 'System.ValueType';
  if (fullName.endsWith('[]')) return 'System.Array';
  return 'System.Object';
}

export const BUILTIN_VIEWS: readonly FormatView[] = [
  {
    typeName: DICTIONARY_ENTRY_TYPES[0] as string,
    kind: 'table',
    columns: [{ property: 'Name', width: 30 }, { property: 'Value' }],
  },
  {
    typeName: 'System.RuntimeType',
    kind: 'table',
    columns: [
      { property: 'IsPublic', width: 8, value: () => true },
      { property: 'IsSerial', width: 8, value: () => true },
      { property: 'Name', width: 40, value: (t) => (t instanceof PsTypeLiteral ? t.fullName.slice(t.fullName.lastIndexOf('.') + 1) : null) },
      { property: 'BaseType', value: (t) => (t instanceof PsTypeLiteral ? baseTypeOf(t.fullName) : null) },
    ],
  },
];

/**
 * The view for an object: the first of its type names (most derived first) that a view is
 * registered for, the loaded modules' views before the built-in ones; `kind` limits the
 * search to table views (Format-Table) or list views (Format-List).
 */
export function findView(typeNames: readonly string[], views: readonly FormatView[], kind?: 'table' | 'list'): FormatView | undefined {
  const all = [...views, ...BUILTIN_VIEWS];
  for (const name of typeNames) {
    const lower = name.toLowerCase();
    const view = all.find((v) => v.typeName.toLowerCase() === lower && (kind === undefined || v.kind === kind));
    if (view) return view;
  }
  return undefined;
}

/** True when a view applies to an object with these type names (ViewGenerator.IsObjectApplicable). */
export function viewApplies(view: FormatView, typeNames: readonly string[]): boolean {
  const lower = view.typeName.toLowerCase();
  return typeNames.some((t) => t.toLowerCase() === lower || t.toLowerCase() === `deserialized.${lower}`);
}
