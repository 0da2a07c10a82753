/**
 * ConvertTo-Json as Windows PowerShell 5.1 shapes it (ConvertToJsonCommand of that release, the
 * Full CLR branch): the input is reduced to dictionaries, lists and primitives up to -Depth
 * (default 2; anything deeper becomes its string), serialised compactly by .NET's
 * JavaScriptSerializer and, without -Compress, re-indented by the cmdlet's own pretty printer:
 * four blanks per level, two blanks after a colon, and a nested object or array indented to the
 * column after its key ("a":  {  then its members under the brace's column + 4).
 *
 * JavaScriptSerializer's rules: enums are their numbers; DateTime is "\/Date(ms since the epoch,
 * UTC)\/"; doubles use "R" (0.1 + 0.2 gives 0.30000000000000004); strings are escaped by
 * HttpUtility.JavaScriptStringEncode, so ' < > & become \u0027 \u003c \u003e \u0026.
 */
import { PsDateTime, PsEnum, PsHashtable, PsObject, PsSecureString, PsSwitch, type PsValue } from '../runtime/values';
import { longDateTime, UTC, type UtcOffset } from './dates';
import { formatDoubleR, isInt32 } from './numbers';
import { toDisplayString } from './text';

export const DEFAULT_JSON_DEPTH = 2;
/** ConvertToJsonCommand.maxDepthAllowed: a larger -Depth is refused. */
export const MAX_JSON_DEPTH = 100;

export interface ConvertToJsonOptions {
  readonly depth?: number;
  readonly compress?: boolean;
  readonly utcOffset?: UtcOffset;
  /**
   * The value came down the pipeline wrapped in a PSObject (the usual case for a top-level
   * object). 5.1 then adds the type's ETS properties: a DateTime becomes
   * {"value": "\/Date(…)\/", "DateTime": "<long date>"}. Default true.
   */
  readonly wrapped?: boolean;
}

/** A JSON value built from PowerShell values before serialisation (ProcessValue's result). */
type Json = null | boolean | string | { readonly number: string } | { readonly date: number } | readonly Json[] | ReadonlyMap<string, Json>;

/** Raised for what 5.1 refuses: a dictionary key that is not a string. */
export class JsonConversionError extends Error {
  constructor(
    message: string,
    readonly errorId: string,
  ) {
    super(message);
  }
}

/** HttpUtility.JavaScriptStringEncode inside quotes. */
export function jsonString(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (code < 0x20 || c === '"' || c === '\\' || c === "'" || c === '<' || c === '>' || c === '&' || code === 0x85 || code === 0x2028 || code === 0x2029) {
      switch (c) {
        case '\r':
          out += '\\r';
          break;
        case '\t':
          out += '\\t';
          break;
        case '"':
          out += '\\"';
          break;
        case '\\':
          out += '\\\\';
          break;
        case '\n':
          out += '\\n';
          break;
        case '\b':
          out += '\\b';
          break;
        case '\f':
          out += '\\f';
          break;
        default:
          out += `\\u${code.toString(16).padStart(4, '0')}`;
      }
    } else {
      out += c;
    }
  }
  return `${out}"`;
}

/** LanguagePrimitives.ConvertTo(value, [string]): what a value past -Depth becomes. */
function asString(value: PsValue): string {
  if (Array.isArray(value)) return value.map((v) => asString(v)).join(' ');
  return toDisplayString(value);
}

class JsonBuilder {
  constructor(
    private readonly depth: number,
    private readonly utcOffset: UtcOffset,
  ) {}

  value(v: PsValue, level: number): Json {
    if (v === null) return null;
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return { number: isInt32(v) ? String(v) : formatDoubleR(v) };
    if (v instanceof PsEnum) return { number: String(v.value) };
    if (v instanceof PsDateTime) return { date: v.date.getTime() };
    // Past -Depth, anything that is not a primitive is replaced by its string.
    if (level > this.depth) return asString(v);
    if (Array.isArray(v)) return v.map((e) => this.value(e, level + 1));
    if (v instanceof PsHashtable) {
      const map = new Map<string, Json>();
      for (const { key, value } of v.entries()) {
        if (typeof key !== 'string') {
          throw new JsonConversionError(
            `The type '${v.ordered ? 'System.Collections.Specialized.OrderedDictionary' : 'System.Collections.Hashtable'}' is not supported for serialization or deserialization of a dictionary. Keys must be strings.`,
            'NonStringKeyInDictionary',
          );
        }
        map.set(key, this.value(value, level + 1));
      }
      return map;
    }
    if (v instanceof PsObject) return new Map(v.properties.map((p) => [p.name, this.value(p.value, level + 1)]));
    // Public properties of the .NET object, for the few the value model knows.
    if (v instanceof PsSwitch) return new Map([['IsPresent', v.isPresent]]);
    if (v instanceof PsSecureString) return new Map([['Length', { number: String(v.length) }]]);
    // Script blocks, [type]s and error records: their ToString, where 5.1 would dump their .NET properties.
    return toDisplayString(v);
  }

  /** A top-level value wrapped in a PSObject carries its type's ETS properties (AddPsProperties). */
  topLevel(v: PsValue, wrapped: boolean): Json {
    if (wrapped && v instanceof PsDateTime) {
      return new Map<string, Json>([
        ['value', { date: v.date.getTime() }],
        ['DateTime', longDateTime(v, this.utcOffset)],
      ]);
    }
    return this.value(v, 0);
  }
}

function isJsonArray(json: Json): json is readonly Json[] {
  return Array.isArray(json);
}

function isJsonObject(json: Json): json is ReadonlyMap<string, Json> {
  return json instanceof Map;
}

/** JavaScriptSerializer's compact text. */
function serialize(json: Json): string {
  if (json === null) return 'null';
  if (typeof json === 'boolean') return json ? 'true' : 'false';
  if (typeof json === 'string') return jsonString(json);
  if (isJsonObject(json)) return `{${[...json].map(([k, v]) => `${jsonString(k)}:${serialize(v)}`).join(',')}}`;
  if (isJsonArray(json)) return `[${json.map((v) => serialize(v)).join(',')}]`;
  if ('number' in json) return json.number;
  return `"\\/Date(${json.date})\\/"`;
}

/**
 * ConvertToPrettyJsonString: re-indents the compact text character by character. Only text
 * starting with { or [ is touched. Inside an object, the key (with its quotes), the colon and
 * the two blanks after it add to the indentation of a nested object or array.
 */
export function prettyPrintJson(json: string): string {
  if (!json.startsWith('{') && !json.startsWith('[')) return json;
  const out: string[] = [json[0] as string];
  const skipString = (i: number): number => {
    // From just after an opening quote to its closing quote, copying.
    for (let j = i; j < json.length; j++) {
      out.push(json[j] as string);
      if (json[j] === '"') {
        let k = j;
        let escaped = false;
        while (k > 0 && json[--k] === '\\') escaped = !escaped;
        if (!escaped) return j;
      }
    }
    return json.length;
  };
  const list = (index: number, pad: string, spaces: number): number => {
    out.push('\r\n');
    const inner = pad + ' '.repeat(spaces) + '    ';
    let head = true;
    for (let i = index; i < json.length; i++) {
      const c = json[i] as string;
      if (c === '{' || c === '[') {
        out.push(inner, c);
        i = c === '{' ? dict(i + 1, inner, 0) : list(i + 1, inner, 0);
        head = false;
      } else if (c === ']') {
        out.push('\r\n', pad, ' '.repeat(spaces), c);
        return i;
      } else if (c === '"') {
        if (head) out.push(inner);
        out.push(c);
        i = skipString(i + 1);
        head = false;
      } else if (c === ',') {
        out.push(',\r\n');
        head = true;
      } else {
        if (head) out.push(inner);
        out.push(c);
        head = false;
      }
    }
    return json.length;
  };
  const dict = (index: number, pad: string, spaces: number): number => {
    out.push('\r\n');
    const inner = pad + ' '.repeat(spaces) + '    ';
    let head = true;
    let beforeQuote = true;
    let keyColumns = 0;
    for (let i = index; i < json.length; i++) {
      const c = json[i] as string;
      if (c === '{' || c === '[') {
        out.push(c);
        i = c === '{' ? dict(i + 1, inner, keyColumns) : list(i + 1, inner, keyColumns);
        head = false;
      } else if (c === '}') {
        out.push('\r\n', pad, ' '.repeat(spaces), c);
        return i;
      } else if (c === '"') {
        if (head) out.push(inner);
        out.push(c);
        const end = skipString(i + 1);
        if (beforeQuote) keyColumns += end - i + 1;
        i = end;
        head = false;
      } else if (c === ':') {
        out.push(':  ');
        keyColumns += 3;
        head = false;
        beforeQuote = false;
      } else if (c === ',') {
        out.push(',\r\n');
        head = true;
        beforeQuote = true;
        keyColumns = 0;
      } else {
        if (head) out.push(inner);
        out.push(c);
        if (beforeQuote) keyColumns += 1;
        head = false;
      }
    }
    return json.length;
  };
  if (json.startsWith('{')) dict(1, '', 0);
  else list(1, '', 0);
  return out.join('');
}

/**
 * The JSON ConvertTo-Json writes for one input (the cmdlet collects its pipeline input first:
 * several objects make one array, one object is itself, $null is dropped).
 */
export function convertToJson(value: PsValue, options: ConvertToJsonOptions = {}): string {
  const depth = options.depth ?? DEFAULT_JSON_DEPTH;
  const builder = new JsonBuilder(depth, options.utcOffset ?? UTC);
  const compact = serialize(builder.topLevel(value, options.wrapped ?? true));
  return options.compress ? compact : prettyPrintJson(compact);
}
