/**
 * The shaping side of formatting (InnerFormatShapeCommand in FormatAndOutput/common): what
 * Format-Table, Format-List and the default formatter inside Out-Default decide for each object.
 *
 * - Collections are enumerated, dictionaries too (into DictionaryEntry objects).
 * - Scalars (strings, numbers, booleans, enums), objects without properties and error records
 *   are "out of band": printed on their own wherever they arrive, even between table rows.
 * - The first other object decides the shape of everything after it: its view (the first of
 *   its type names a view exists for), else its properties (DefaultDisplayPropertySet or all
 *   of them), as a table when there are at most 4 and as a list otherwise.
 * - Later objects that the chosen view does not apply to are printed out of band as lists.
 *   A shape chosen from properties applies to every object: a later object of another shape
 *   becomes a row of the first table, blank where it lacks the first object's properties.
 */
import { PsDateTime, PsErrorRecord, PsHashtable, PsObject, type PsValue } from '../runtime/values';
import { longDateTime } from './dates';
import { errorViewText } from './errorView';
import { formatPacketOf } from './formatObjects';
import type { FormatEntry, FormatPacket, FormatShape } from './packets';
import type { Alignment } from './tableWriter';
import { cellText, dictionaryEntry, isScalar, propertiesOf, propertyValue, toDisplayString, typeNamesOf, type DisplaySettings } from './text';
import { findView, viewApplies, type FormatView } from './views';

/** Objects shown as a table when they have at most this many display properties (PropertyCountForTable). */
export const PROPERTY_COUNT_FOR_TABLE = 4;

/** The Format-* command doing the shaping; 'default' is Out-Default's implicit formatter. */
export type FormatMode = 'default' | 'table' | 'list';

/** One entry of -Property: a name (wildcards allowed) or a calculated property. */
export interface PropertySpec {
  /** Property name; may hold wildcards (* ? [a-z]). Ignored when `expression` is given. */
  readonly name?: string;
  /** Heading or label; a calculated property without one needs the cmdlet to supply its script text. */
  readonly label?: string;
  readonly expression?: (obj: PsValue) => PsValue;
  readonly width?: number;
  readonly alignment?: Alignment;
}

export interface ShapeOptions {
  readonly mode: FormatMode;
  /** Format-Table / Format-List -Property. */
  readonly properties?: readonly PropertySpec[];
  readonly autoSize?: boolean;
  readonly hideTableHeaders?: boolean;
  readonly wrap?: boolean;
  /** Views of the loaded modules. */
  readonly views: readonly FormatView[];
  readonly display: DisplaySettings;
  /** $Host.UI.RawUI.BufferSize.Width, which the error view reads. */
  readonly bufferWidth: number;
}

interface Column {
  readonly label: string;
  readonly width: number;
  readonly alignment: Alignment | undefined;
  readonly value: (obj: PsValue) => PsValue | undefined;
}

/** The shape chosen from the first object (FormatViewManager's view generator). */
type ViewGenerator =
  | { readonly kind: 'table'; readonly view: FormatView | undefined; readonly columns: readonly Column[] }
  | { readonly kind: 'list'; readonly view: FormatView | undefined; readonly columns: readonly Column[] | undefined }
  | { readonly kind: 'dateTime' };

const WILDCARD = /[*?[]/;

function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/** A value is in the object when it has a property of that name (undefined: the column stays blank). */
function propertyColumn(name: string, label: string, width = 0, alignment?: Alignment): Column {
  return { label, width, alignment, value: (obj) => propertyValue(obj, name) };
}

/** -Property entries resolved against an object (AssociationManager.ExpandParameters). */
function expandSpecs(specs: readonly PropertySpec[], obj: PsValue): Column[] {
  const columns: Column[] = [];
  for (const spec of specs) {
    if (spec.expression) {
      const expression = spec.expression;
      columns.push({ label: spec.label ?? '', width: spec.width ?? 0, alignment: spec.alignment, value: (o) => expression(o) });
      continue;
    }
    const name = spec.name ?? '';
    if (!WILDCARD.test(name)) {
      // A plain name stays a column even when the object has no such property.
      const actual = propertiesOf(obj).find((p) => p.name.toLowerCase() === name.toLowerCase())?.name ?? name;
      columns.push(propertyColumn(name, spec.label ?? actual, spec.width, spec.alignment));
      continue;
    }
    const pattern = wildcardRegExp(name);
    for (const p of propertiesOf(obj)) {
      if (pattern.test(p.name) && !columns.some((c) => c.label.toLowerCase() === p.name.toLowerCase())) columns.push(propertyColumn(p.name, p.name, spec.width, spec.alignment));
    }
  }
  return columns;
}

/** The properties shown when nothing names them: PSStandardMembers.DefaultDisplayPropertySet, else all. */
function defaultColumns(obj: PsValue): Column[] {
  const set = obj instanceof PsObject ? obj.defaultDisplay : undefined;
  if (set && set.length > 0) return set.map((name) => propertyColumn(name, propertiesOf(obj).find((p) => p.name.toLowerCase() === name.toLowerCase())?.name ?? name));
  return propertiesOf(obj).map((p) => propertyColumn(p.name, p.name));
}

/** A property table's column alignment, from the first object's value (ComputeDefaultAlignment): scalars other than strings go right. */
function defaultAlignment(value: PsValue | undefined): Alignment | undefined {
  if (value === undefined || value === null || typeof value === 'string') return 'Left';
  return isScalar(value) ? 'Right' : 'Left';
}

function viewColumns(view: FormatView): Column[] {
  return view.columns.map((c) => ({
    label: c.label ?? c.property,
    width: c.width ?? 0,
    alignment: c.alignment,
    value: c.value ?? ((obj: PsValue) => propertyValue(obj, c.property)),
  }));
}

export class FormatShaper {
  #generator: ViewGenerator | undefined;

  constructor(private readonly options: ShapeOptions) {}

  /** Packets for a value, enumerating collections and dictionaries one level as the formatter does. */
  write(value: PsValue | undefined): FormatPacket[] {
    const out: FormatPacket[] = [];
    for (const obj of expandForFormatting(value)) out.push(...this.writeObject(obj));
    return out;
  }

  /** Packets for one object that has already been enumerated. */
  writeObject(obj: PsValue): FormatPacket[] {
    const packet = formatPacketOf(obj);
    if (packet) return [packet];
    const outOfBand = this.outOfBand(obj, false);
    if (outOfBand) return [outOfBand];
    const out: FormatPacket[] = [];
    if (this.#generator === undefined) {
      const { generator, shape } = this.initialize(obj);
      this.#generator = generator;
      out.push({ type: 'formatStart', shape }, { type: 'groupStart' });
    }
    if (!this.applies(obj)) {
      const fallback = this.outOfBand(obj, true);
      if (fallback) out.push(fallback);
      return out;
    }
    out.push({ type: 'entry', entry: this.entry(obj), outOfBand: false });
    return out;
  }

  /** Closes the table or list in progress. */
  end(): FormatPacket[] {
    if (this.#generator === undefined) return [];
    this.#generator = undefined;
    return [{ type: 'groupEnd' }, { type: 'formatEnd' }];
  }

  /**
   * An out-of-band packet for the object, or undefined when it belongs in the shape. Error
   * records, scalars and property-less objects always are; with `fallback` (an object the
   * current view does not apply to) anything else becomes a list of its properties.
   */
  private outOfBand(obj: PsValue, fallback: boolean): FormatPacket | undefined {
    const { display, bufferWidth } = this.options;
    if (obj instanceof PsErrorRecord) return { type: 'entry', entry: { kind: 'complex', text: errorViewText(obj, bufferWidth) }, outOfBand: true };
    if (isScalar(obj) || (propertiesOf(obj).length === 0 && !this.hasView(obj))) {
      return { type: 'entry', entry: { kind: 'rawText', text: toDisplayString(obj, display) }, outOfBand: true };
    }
    if (!fallback) return undefined;
    const fields = defaultColumns(obj).map((c) => ({ label: c.label, value: cellText(c.value(obj), display) }));
    return { type: 'entry', entry: { kind: 'listEntry', fields }, outOfBand: true };
  }

  /**
   * Whether a view will show the object. The value model gives DateTime and [type] no
   * properties, so without this they would count as property-less and print as ToString.
   */
  private hasView(obj: PsValue): boolean {
    const mode = this.options.mode;
    if (mode === 'default' && obj instanceof PsDateTime) return true;
    return findView(typeNamesOf(obj), this.options.views, mode === 'default' ? undefined : mode) !== undefined;
  }

  private initialize(obj: PsValue): { generator: ViewGenerator; shape: FormatShape } {
    const { mode, properties } = this.options;
    if (properties && properties.length > 0) {
      const columns = expandSpecs(properties, obj);
      return mode === 'list' ? this.list(undefined, undefined) : this.table(undefined, this.withAlignment(columns, obj));
    }
    if (mode === 'default' && obj instanceof PsDateTime) return { generator: { kind: 'dateTime' }, shape: { kind: 'complex' } };
    const view = findView(typeNamesOf(obj), this.options.views, mode === 'default' ? undefined : mode);
    if (view) return view.kind === 'table' ? this.table(view, viewColumns(view)) : this.list(view, viewColumns(view));
    const columns = defaultColumns(obj);
    if (mode === 'list' || (mode === 'default' && columns.length > PROPERTY_COUNT_FOR_TABLE)) return this.list(undefined, undefined);
    return this.table(undefined, this.withAlignment(columns, obj));
  }

  private withAlignment(columns: readonly Column[], first: PsValue): Column[] {
    return columns.map((c) => (c.alignment !== undefined ? c : { ...c, alignment: defaultAlignment(c.value(first)) }));
  }

  private table(view: FormatView | undefined, columns: readonly Column[]): { generator: ViewGenerator; shape: FormatShape } {
    const shape: FormatShape = {
      kind: 'table',
      columns: columns.map((c) => ({ label: c.label, width: c.width, alignment: c.alignment })),
      hideHeader: this.options.hideTableHeaders ?? false,
      autoSize: this.options.autoSize ?? false,
      wrap: this.options.wrap ?? false,
    };
    return { generator: { kind: 'table', view, columns }, shape };
  }

  private list(view: FormatView | undefined, columns: readonly Column[] | undefined): { generator: ViewGenerator; shape: FormatShape } {
    return { generator: { kind: 'list', view, columns }, shape: { kind: 'list' } };
  }

  /** ViewGenerator.IsObjectApplicable: a view applies to its type; a shape from properties to anything. */
  private applies(obj: PsValue): boolean {
    const g = this.#generator;
    if (g === undefined) return true;
    if (g.kind === 'dateTime') return obj instanceof PsDateTime;
    return g.view === undefined || viewApplies(g.view, typeNamesOf(obj));
  }

  private entry(obj: PsValue): FormatEntry {
    const g = this.#generator as ViewGenerator;
    const display = this.options.display;
    if (g.kind === 'dateTime') return { kind: 'complex', text: obj instanceof PsDateTime ? longDateTime(obj, display.utcOffset) : toDisplayString(obj, display) };
    if (g.kind === 'table') return { kind: 'tableRow', cells: g.columns.map((c) => ({ text: cellText(c.value(obj), display) })) };
    // A list from properties takes each object's own properties.
    const props = this.options.properties;
    const columns = g.columns ?? (props && props.length > 0 ? expandSpecs(props, obj) : defaultColumns(obj));
    return { kind: 'listEntry', fields: columns.map((c) => ({ label: c.label, value: cellText(c.value(obj), display) })) };
  }
}

/**
 * The objects the formatter sees for a value (PSObjectHelper.GetEnumerable): an array's
 * elements (nested arrays flattened), a hashtable's entries, or the value itself; $null is
 * nothing.
 */
export function* expandForFormatting(value: PsValue | undefined): Generator<PsValue> {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) yield* expandForFormatting(v);
    return;
  }
  if (value instanceof PsHashtable) {
    for (const { key, value: v } of value.entries()) yield dictionaryEntry(key, v);
    return;
  }
  yield value;
}
