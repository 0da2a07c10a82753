/**
 * How PowerShell 5.1 turns a single value into text: ToString as PSObject.ToString gives it,
 * the text of a table cell or list value (PSObjectHelper.SmartToString: collections as
 * "{a, b, c...}"), and the .NET type names and properties the formatter selects views and
 * columns by.
 */
import { PsDateTime, PsEnum, PsErrorRecord, PsHashtable, PsObject, PsScriptBlock, PsSecureString, PsSwitch, PsTypeLiteral, typeNameOf, type PsProperty, type PsValue } from '../runtime/values';
import { shortDateTime, UTC, type UtcOffset } from './dates';
import { formatNumber } from './numbers';

/** What the session decides about display: $FormatEnumerationLimit and the host's time zone. */
export interface DisplaySettings {
  /** $FormatEnumerationLimit: how many elements of a collection a cell shows before "...". */
  readonly enumerationLimit: number;
  readonly utcOffset: UtcOffset;
}

export const DEFAULT_DISPLAY: DisplaySettings = { enumerationLimit: 4, utcOffset: UTC };

export const DICTIONARY_ENTRY_TYPES: readonly string[] = ['System.Collections.DictionaryEntry', 'System.ValueType', 'System.Object'];

/**
 * A hashtable entry as the formatter sees it once it has enumerated the table
 * (PSObjectHelper.GetEnumerable enumerates dictionaries, unlike the pipeline): a
 * System.Collections.DictionaryEntry with its ETS alias Name before Key and Value.
 */
export function dictionaryEntry(key: PsValue, value: PsValue): PsObject {
  return new PsObject(DICTIONARY_ENTRY_TYPES, [['Name', key], ['Key', key], ['Value', value]], { text: DICTIONARY_ENTRY_TYPES[0] });
}

/** PSObject.ToString() of a value, as Out-Default prints a scalar and as a cell shows an object. */
export function toDisplayString(value: PsValue, settings: DisplaySettings = DEFAULT_DISPLAY): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return formatNumber(value);
  // Object[].ToString() is its type name; joining with $OFS is the language's string conversion, not ToString.
  if (Array.isArray(value)) return 'System.Object[]';
  if (value instanceof PsObject) {
    if (value.text !== undefined) return value.text;
    if (value.isCustom) return `@{${value.properties.map((p) => `${p.name}=${toDisplayString(p.value, settings)}`).join('; ')}}`;
    return value.typeNames[0] ?? '';
  }
  if (value instanceof PsEnum) return value.name;
  if (value instanceof PsDateTime) return shortDateTime(value, settings.utcOffset);
  if (value instanceof PsSwitch) return value.isPresent ? 'True' : 'False';
  if (value instanceof PsScriptBlock) return value.text;
  if (value instanceof PsTypeLiteral) return value.fullName;
  if (value instanceof PsErrorRecord) return value.toString();
  if (value instanceof PsSecureString) return value.toString();
  return typeNameOf(value);
}

/** An element of a collection in a cell: PSObjectHelper.GetObjectName shows a null element as "$null". */
function elementName(value: PsValue, settings: DisplaySettings): string {
  return value === null ? '$null' : toDisplayString(value, settings);
}

/**
 * The text of a table cell or list value (PSObjectHelper.SmartToString): collections and
 * dictionaries enumerate as "{a, b, c, d...}" up to $FormatEnumerationLimit elements (a
 * dictionary's elements are its entries, which show their key); anything else is ToString.
 */
export function cellText(value: PsValue | undefined, settings: DisplaySettings = DEFAULT_DISPLAY): string {
  if (value === undefined || value === null) return '';
  let elements: PsValue[] | undefined;
  if (Array.isArray(value)) elements = value;
  else if (value instanceof PsHashtable) elements = value.keys();
  if (elements === undefined) return toDisplayString(value, settings);
  const limit = settings.enumerationLimit;
  let text = '{';
  for (let i = 0; i < elements.length; i++) {
    // The limit cuts with "..." right after the last shown element, no comma: "{1, 2, 3, 4...}".
    if (limit >= 0 && i === limit) {
      text += '...';
      break;
    }
    if (i > 0) text += ', ';
    text += elementName(elements[i] as PsValue, settings);
  }
  return `${text}}`;
}

/** PSObject.TypeNames of a value, most derived first. */
export function typeNamesOf(value: PsValue): readonly string[] {
  if (value === null) return [];
  if (value instanceof PsObject) return value.typeNames;
  if (Array.isArray(value)) return ['System.Object[]', 'System.Array', 'System.Object'];
  if (value instanceof PsEnum) return [value.typeName, 'System.Enum', 'System.ValueType', 'System.Object'];
  if (value instanceof PsTypeLiteral) return ['System.RuntimeType', 'System.Reflection.TypeInfo', 'System.Type', 'System.Reflection.MemberInfo', 'System.Object'];
  const name = typeNameOf(value);
  const valueType = typeof value === 'number' || typeof value === 'boolean' || value instanceof PsDateTime || value instanceof PsSwitch;
  return valueType ? [name, 'System.ValueType', 'System.Object'] : [name, 'System.Object'];
}

/** The last segment of the value's type name, as CategoryInfo's TargetType shows it ("String"). */
export function shortTypeName(value: PsValue): string {
  const full = typeNamesOf(value)[0] ?? '';
  return full.slice(full.lastIndexOf('.') + 1);
}

/** The properties the formatter can display, in their order. */
export function propertiesOf(value: PsValue): readonly PsProperty[] {
  if (value instanceof PsObject) return value.properties;
  if (value instanceof PsSwitch) return [{ name: 'IsPresent', value: value.isPresent }];
  return [];
}

/** A property's value by name (case-insensitive); undefined when the object has none of that name. */
export function propertyValue(value: PsValue, name: string): PsValue | undefined {
  const lower = name.toLowerCase();
  return propertiesOf(value).find((p) => p.name.toLowerCase() === lower)?.value;
}

/**
 * DefaultScalarTypes (String, the numeric types, Boolean, SecureString, …) and enums: printed
 * with ToString wherever they arrive, and right-aligned in a property table unless a string.
 */
export function isScalar(value: PsValue): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof PsEnum || value instanceof PsSecureString;
}
