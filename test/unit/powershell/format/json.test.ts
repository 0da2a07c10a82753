import { PsDateTime, PsEnum, PsHashtable, PsObject, PsSecureString, PsSwitch, type PsValue } from '../../../../src/powershell/runtime/values';
import { convertToJson, JsonConversionError, jsonString } from '../../../../src/powershell/format/json';

const obj = (...props: Array<[string, PsValue]>): PsObject => PsObject.custom(props);
const table = (...entries: Array<[PsValue, PsValue]>): PsHashtable => {
  const h = new PsHashtable();
  for (const [k, v] of entries) h.set(k, v);
  return h;
};

describe('ConvertTo-Json as 5.1 indents it', () => {
  it('four blanks per level and two blanks after the colon', () => {
    expect(convertToJson(obj(['a', 1], ['b', 'x']))).toBe('{\r\n    "a":  1,\r\n    "b":  "x"\r\n}');
  });

  it('indents a nested object or array to the column after its key', () => {
    expect(convertToJson(table(['a', table(['b', 1])]))).toBe('{\r\n    "a":  {\r\n              "b":  1\r\n          }\r\n}');
    expect(convertToJson(obj(['Name', [1, 2]]))).toBe('{\r\n    "Name":  [\r\n                 1,\r\n                 2\r\n             ]\r\n}');
  });

  it('puts the objects of an array at the array indentation + 4', () => {
    expect(convertToJson([obj(['a', 1]), obj(['a', 2])])).toBe('[\r\n    {\r\n        "a":  1\r\n    },\r\n    {\r\n        "a":  2\r\n    }\r\n]');
    expect(convertToJson([1, 2])).toBe('[\r\n    1,\r\n    2\r\n]');
  });

  it('leaves a blank line inside an empty object or array', () => {
    expect(convertToJson(obj())).toBe('{\r\n\r\n}');
    expect(convertToJson([])).toBe('[\r\n\r\n]');
  });

  it('does not mistake braces, colons and commas inside strings for structure', () => {
    expect(convertToJson(obj(['a', 'x:{y},[z]"'], ['b', 'c:\\']))).toBe('{\r\n    "a":  "x:{y},[z]\\"",\r\n    "b":  "c:\\\\"\r\n}');
  });

  it('writes scalars as they are and -Compress writes one line', () => {
    expect(convertToJson('abc')).toBe('"abc"');
    expect(convertToJson(42)).toBe('42');
    expect(convertToJson(obj(['a', 1], ['b', [true, null]]), { compress: true })).toBe('{"a":1,"b":[true,null]}');
  });
});

describe('ConvertTo-Json values (JavaScriptSerializer)', () => {
  it('enums are their numbers, doubles round-trip, DateTime is \\/Date(ms)\\/', () => {
    const when = new PsDateTime(new Date(Date.UTC(2026, 11, 7, 17, 19, 4)));
    expect(convertToJson(obj(['m', new PsEnum('Microsoft.Windows.Ipam.ProvisioningMethod', 'Manual', 2)], ['d', 0.1 + 0.2], ['t', when]), { compress: true })).toBe(
      '{"m":2,"d":0.30000000000000004,"t":"\\/Date(1796663944000)\\/"}',
    );
  });

  it("a DateTime piped on its own carries its ETS DateTime property", () => {
    const when = new PsDateTime(new Date(Date.UTC(2026, 11, 7, 17, 19, 4)));
    expect(convertToJson(when)).toBe('{\r\n    "value":  "\\/Date(1796663944000)\\/",\r\n    "DateTime":  "Monday, December 7, 2026 5:19:04 PM"\r\n}');
    expect(convertToJson(when, { wrapped: false })).toBe('"\\/Date(1796663944000)\\/"');
  });

  it("escapes ' < > & as \\u0027 \\u003c \\u003e \\u0026, and control characters", () => {
    expect(jsonString(`it's <b> & "q" \\ \n\t\u0001\u2028`)).toBe('"it\\u0027s \\u003cb\\u003e \\u0026 \\"q\\" \\\\ \\n\\t\\u0001\\u2028"');
  });

  it('replaces objects below -Depth (default 2) by their string', () => {
    const deep = obj(['a', obj(['b', obj(['c', obj(['d', 1])])])]);
    expect(convertToJson(deep, { compress: true })).toBe('{"a":{"b":{"c":"@{d=1}"}}}');
    expect(convertToJson(table(['a', table(['b', table(['c', table(['d', 1])])])]), { compress: true })).toBe('{"a":{"b":{"c":"System.Collections.Hashtable"}}}');
    expect(convertToJson(obj(['a', obj(['b', obj(['c', [1, 2, 3]])])]), { compress: true })).toBe('{"a":{"b":{"c":"1 2 3"}}}');
    expect(convertToJson(deep, { compress: true, depth: 5 })).toBe('{"a":{"b":{"c":{"d":1}}}}');
    expect(convertToJson(deep, { compress: true, depth: 1 })).toBe('{"a":{"b":"@{c=@{d=1}}"}}');
  });

  it('gives a switch and a SecureString their public properties', () => {
    expect(convertToJson(obj(['s', new PsSwitch(true)], ['p', new PsSecureString('abc')]), { compress: true })).toBe('{"s":{"IsPresent":true},"p":{"Length":3}}');
  });

  it('refuses a dictionary key that is not a string', () => {
    expect(() => convertToJson(table([1, 'x']))).toThrow(JsonConversionError);
  });
});
