import { MofSyntaxError, parseMof } from '../../../src/cim/mof/parser';
import { qualifier, type CimClassDecl, type QualifierValue } from '../../../src/cim/types';

const parseOne = (text: string): CimClassDecl => {
  const decls = parseMof(text, 'test.mof');
  expect(decls).toHaveLength(1);
  return decls[0];
};

/** The qualifier value of a one-qualifier class `[<q>] class C {};`. */
const classQualifier = (q: string, name: string): QualifierValue | undefined =>
  qualifier(parseOne(`[${q}] class C { };`).qualifiers, name);

/** The MofSyntaxError thrown for `text`, so tests can assert message, line and column. */
function syntaxError(text: string, fileName = 'ipam.mof'): MofSyntaxError {
  try {
    parseMof(text, fileName);
  } catch (e) {
    if (e instanceof MofSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a MofSyntaxError');
}

function expectSyntaxError(text: string, line: number, column: number, reason: string): void {
  const err = syntaxError(text);
  expect(err.message).toBe(`ipam.mof:${line}:${column}: ${reason}`);
  expect({ fileName: err.fileName, line: err.line, column: err.column, reason: err.reason }).toEqual({
    fileName: 'ipam.mof',
    line,
    column,
    reason,
  });
}

describe('parseMof: classes', () => {
  it('reads a class with a superclass, keeping name case', () => {
    const [base, sub] = parseMof('class CIM_Base { };\nclass MSFT_Sub : CIM_Base { };', 'x.mof');
    expect(base).toMatchObject({ name: 'CIM_Base', properties: [], methods: [] });
    expect(base.superclass).toBeUndefined();
    expect(sub).toMatchObject({ name: 'MSFT_Sub', superclass: 'CIM_Base' });
  });

  it('accepts the class keyword in any case and returns nothing for an empty file', () => {
    expect(parseOne('CLASS C { };').name).toBe('C');
    expect(parseMof('', 'empty.mof')).toEqual([]);
    expect(parseMof('// only a comment\n', 'empty.mof')).toEqual([]);
  });

  it('skips line comments, block comments and #pragma lines', () => {
    const decls = parseMof(
      [
        '#pragma locale ("en_US")',
        '#pragma include ("cim.mof")',
        '/* a block',
        '   comment */ class /* inline */ C // trailing',
        '{ uint32 /* between */ X; };',
      ].join('\n'),
      'x.mof',
    );
    expect(decls.map((d) => d.name)).toEqual(['C']);
    expect(decls[0].properties.map((p) => p.name)).toEqual(['X']);
  });
});

describe('parseMof: qualifiers', () => {
  it('stores qualifiers keyed by lower-case name with the written name kept', () => {
    const c = parseOne('[Key, Abstract, ClassVersion("1.0.0")] class C { };');
    expect([...c.qualifiers.keys()]).toEqual(['key', 'abstract', 'classversion']);
    expect(c.qualifiers.get('classversion')).toEqual({ name: 'ClassVersion', value: '1.0.0' });
    expect(qualifier(c.qualifiers, 'CLASSVERSION')).toBe('1.0.0');
  });

  it('treats a qualifier without a value as boolean true, and accepts any identifier', () => {
    const names = ['Key', 'Static', 'In', 'Out', 'Required', 'Dynamic', 'Abstract', 'Association', 'Indication'];
    const c = parseOne(`[${[...names, 'Write', 'Read', 'MyVendorThing'].join(', ')}] class C { };`);
    for (const n of [...names, 'Write', 'Read', 'MyVendorThing']) expect(qualifier(c.qualifiers, n)).toBe(true);
  });

  it('reads string, integer, real, boolean and null values', () => {
    expect(classQualifier('Description("a")', 'description')).toBe('a');
    expect(classQualifier('Provider("P")', 'provider')).toBe('P');
    expect(classQualifier('EmbeddedInstance("CIM_Error")', 'embeddedinstance')).toBe('CIM_Error');
    expect(classQualifier('Override("X")', 'override')).toBe('X');
    expect(classQualifier('MaxLen(64)', 'maxlen')).toBe(64);
    expect(classQualifier('MaxLen(-64)', 'maxlen')).toBe(-64);
    expect(classQualifier('MaxLen(+7)', 'maxlen')).toBe(7);
    expect(classQualifier('Max(1.5)', 'max')).toBe(1.5);
    expect(classQualifier('Max(-.25e2)', 'max')).toBe(-25);
    expect(classQualifier('In(false)', 'in')).toBe(false);
    expect(classQualifier('In(TRUE)', 'in')).toBe(true);
    expect(classQualifier('In(False)', 'in')).toBe(false);
    expect(classQualifier('Units(NULL)', 'units')).toBeNull();
  });

  it('reads hex, binary and octal integers', () => {
    expect(classQualifier('V(0x1F)', 'v')).toBe(31);
    expect(classQualifier('V(0XfF)', 'v')).toBe(255);
    expect(classQualifier('V(-0x10)', 'v')).toBe(-16);
    expect(classQualifier('V(101b)', 'v')).toBe(5);
    expect(classQualifier('V(11B)', 'v')).toBe(3);
    expect(classQualifier('V(017)', 'v')).toBe(15);
    expect(classQualifier('V(0)', 'v')).toBe(0);
    expect(classQualifier('V(-0)', 'v')).toBe(0);
  });

  it('keeps safe 64-bit integers as numbers', () => {
    expect(classQualifier('V(9007199254740991)', 'v')).toBe(Number.MAX_SAFE_INTEGER);
    expect(classQualifier('V(-9007199254740991)', 'v')).toBe(-Number.MAX_SAFE_INTEGER);
  });

  it('concatenates adjacent string literals, across lines and comments', () => {
    expect(classQualifier('Description("a" "b"\n  /* c */ "c")', 'description')).toBe('abc');
  });

  it('decodes C escapes in strings', () => {
    const text = String.raw`Description("tab\tnl\nq\"bs\\x\x41u\u0041b\bf\fr\rs\'")`;
    expect(classQualifier(text, 'description')).toBe('tab\tnl\nq"bs\\xAuAb\bf\fr\rs\'');
    // \x takes up to four hex digits, greedily (DSP0004).
    expect(classQualifier(String.raw`D("\x263A!")`, 'd')).toBe('\u263A!');
  });

  it('reads array values, including empty arrays', () => {
    expect(classQualifier('ValueMap{"0", "1", ".."}', 'valuemap')).toEqual(['0', '1', '..']);
    expect(classQualifier('Values{"A" "x", "B"}', 'values')).toEqual(['Ax', 'B']);
    expect(classQualifier('Deprecated{"CIM_X.Y"}', 'deprecated')).toEqual(['CIM_X.Y']);
    expect(classQualifier('Mixed{1, -2.5, true, null, \'c\'}', 'mixed')).toEqual([1, -2.5, true, null, 'c']);
    expect(classQualifier('Empty{}', 'empty')).toEqual([]);
  });

  it('accepts and ignores flavors after a qualifier', () => {
    const c = parseOne(
      '[Key : ToSubclass DisableOverride, Description("d") : Translatable ToSubclass EnableOverride Restricted ToInstance] class C { };',
    );
    expect(qualifier(c.qualifiers, 'key')).toBe(true);
    expect(qualifier(c.qualifiers, 'description')).toBe('d');
  });
});

describe('parseMof: properties', () => {
  it('reads intrinsic types in any case, stored lower-case', () => {
    const types = ['boolean', 'string', 'char16', 'datetime', 'uint8', 'sint8', 'uint16', 'sint16'];
    const more = ['uint32', 'sint32', 'uint64', 'sint64', 'real32', 'real64'];
    const all = [...types, ...more];
    const body = all.map((t, i) => `${i % 2 === 0 ? t.toUpperCase() : t} P${i};`).join('\n');
    const c = parseOne(`class C { ${body} };`);
    expect(c.properties.map((p) => p.mofType)).toEqual(all);
    expect(c.properties.every((p) => !p.isArray)).toBe(true);
  });

  it('reads arrays, fixed-size arrays, references and qualifiers', () => {
    const c = parseOne(`class C {
      [Key, MaxLen(64)] string Name;
      string Tags[];
      uint8 Mac[6];
      CIM_Job REF Job;
    };`);
    const [name, tags, mac, job] = c.properties;
    expect(name).toMatchObject({ name: 'Name', mofType: 'string', isArray: false });
    expect(qualifier(name.qualifiers, 'maxlen')).toBe(64);
    expect(tags).toMatchObject({ name: 'Tags', mofType: 'string', isArray: true });
    expect(tags.arraySize).toBeUndefined();
    expect(mac).toMatchObject({ name: 'Mac', mofType: 'uint8', isArray: true, arraySize: 6 });
    expect(job).toMatchObject({ name: 'Job', mofType: 'reference', refClass: 'CIM_Job', isArray: false });
    expect(name.refClass).toBeUndefined();
    expect(name.defaultValue).toBeUndefined();
  });

  it('reads default values, typed like qualifier values', () => {
    const c = parseOne(`class C {
      uint16 Port = 48885;
      sint8 Delta = -0x80;
      boolean Enabled = TRUE;
      string Name = "a" "b";
      char16 Sep = ',';
      real64 Ratio = 0.5;
      datetime When = "20240101000000.000000+000";
      string Nothing = null;
      string States[] = {"Up", "Down"};
      uint8 Bytes[2] = {1, 0x2};
      uint32 None[] = {};
      CIM_Job REF Job = null;
    };`);
    expect(Object.fromEntries(c.properties.map((p) => [p.name, p.defaultValue]))).toEqual({
      Port: 48885,
      Delta: -128,
      Enabled: true,
      Name: 'ab',
      Sep: ',',
      Ratio: 0.5,
      When: '20240101000000.000000+000',
      Nothing: null,
      States: ['Up', 'Down'],
      Bytes: [1, 2],
      None: [],
      Job: null,
    });
  });
});

describe('parseMof: methods', () => {
  it('reads methods with qualified scalar, array and reference parameters', () => {
    const c = parseOne(`class C {
      [Static, Description("Provisions the server.")]
      uint32 InvokeIpamServerProvisioning(
        [In] string ProvisioningMethod,
        [In, Out] string Names[],
        [Out] CIM_ConcreteJob REF Job,
        [In] CIM_ManagedElement REF Targets[]);
      UInt32 Stop();
    };`);
    const [invoke, stop] = c.methods;
    expect(invoke).toMatchObject({ name: 'InvokeIpamServerProvisioning', returnType: 'uint32' });
    expect(qualifier(invoke.qualifiers, 'static')).toBe(true);
    expect(invoke.parameters).toMatchObject([
      { name: 'ProvisioningMethod', mofType: 'string', isArray: false },
      { name: 'Names', mofType: 'string', isArray: true },
      { name: 'Job', mofType: 'reference', refClass: 'CIM_ConcreteJob', isArray: false },
      { name: 'Targets', mofType: 'reference', refClass: 'CIM_ManagedElement', isArray: true },
    ]);
    expect(qualifier(invoke.parameters[1].qualifiers, 'out')).toBe(true);
    expect(stop).toMatchObject({ name: 'Stop', returnType: 'uint32', parameters: [] });
  });

  it('keeps properties and methods in declaration order, apart', () => {
    const c = parseOne('class C { string A; uint32 M(); string B; boolean N(); };');
    expect(c.properties.map((p) => p.name)).toEqual(['A', 'B']);
    expect(c.methods.map((m) => m.name)).toEqual(['M', 'N']);
  });
});

describe('parseMof: syntax errors carry file, line and column', () => {
  it('names the file in the message and as a field', () => {
    const err = syntaxError('class C { uint32 Port }', 'custom.mof');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('MofSyntaxError');
    expect(err.fileName).toBe('custom.mof');
    expect(err.message.startsWith('custom.mof:1:23: ')).toBe(true);
  });

  it.each([
    ['missing ; after a property', 'class C {\n  uint32 Port\n  string Name;\n};', 3, 3, "expected ';' after property 'Port', found 'string'"],
    ['missing ; after a class', 'class C { };\nclass D { }', 2, 12, "expected ';' after class 'D', found end of file"],
    ['missing ; between classes', 'class C { }\nclass D { };', 2, 1, "expected ';' after class 'C', found 'class'"],
    ['missing ; after a method', 'class C { uint32 M() };', 1, 22, "expected ';' after method 'M', found '}'"],
    ['unclosed class', 'class C {\n  string A;\n', 3, 1, "expected '}' to close class 'C', found end of file"],
    ['missing class body', 'class C : B ;', 1, 13, "expected '{' to open the body of class 'C', found ';'"],
    ['missing class name', 'class { };', 1, 7, "expected a class name after 'class', found '{'"],
    ['missing superclass name', 'class C : { };', 1, 11, "expected a superclass name for class 'C', found '{'"],
    ['instance of', 'instance of C { };', 1, 1, "'instance of' declarations are not supported (only 'class' declarations are)"],
    ['qualifier declaration', 'Qualifier Key : boolean = false;', 1, 1, "'qualifier' declarations are not supported (only 'class' declarations are)"],
    ['enumeration', '[X] enumeration E : uint32 { };', 1, 5, "'enumeration' declarations are not supported (only 'class' declarations are)"],
    ['unknown top-level word', 'klass C { };', 1, 1, "expected 'class', found 'klass'"],
    ['unknown type', 'class C { int32 X; };', 1, 11, "unknown type 'int32' (a reference is written 'int32 REF name')"],
    ['REF on an intrinsic type', 'class C { string REF X; };', 1, 11, "'string' is an intrinsic type and cannot be used with REF"],
    ['reference return type', 'class C { CIM_Job REF Start(); };', 1, 11, "method 'Start' must return an intrinsic type, not a reference"],
    ['array return type', 'class C { uint32 Start[](); };', 1, 25, "method 'Start' cannot return an array"],
    ['reference array property', 'class C { CIM_Job REF Jobs[]; };', 1, 23, "reference property 'Jobs' cannot be an array (MOF v2 allows reference arrays only as parameters)"],
    ['bad array size', 'class C { uint8 X[0]; };', 1, 19, "array size of property 'X' must be a positive integer, found '0'"],
    ['missing parameter separator', 'class C { uint32 M(string A string B); };', 1, 29, "expected ',' or ')' after parameter 'A', found 'string'"],
    ['missing parameter name', 'class C { uint32 M(string); };', 1, 26, "expected a parameter name in method 'M', found ')'"],
    ['missing qualifier separator', '[Key Abstract] class C { };', 1, 6, "expected ',' or ']' after qualifier 'Key', found 'Abstract'"],
    ['empty qualifier list', '[] class C { };', 1, 2, "expected a qualifier name, found ']'"],
    ['missing ) after qualifier value', '[MaxLen(64] class C { };', 1, 11, "expected ')' after the value of qualifier 'MaxLen', found ']'"],
    ['bad qualifier value', '[MaxLen(Key)] class C { };', 1, 9, "expected a literal value for qualifier 'MaxLen', found 'Key'"],
    ['bad array value', '[Values{"A" "B"; }] class C { };', 1, 16, "expected ',' or '}' in the array value of qualifier 'Values', found ';'"],
    ['unknown flavor', '[Key : Inheritable] class C { };', 1, 8, "unknown qualifier flavor 'Inheritable'"],
    ['duplicate qualifier', '[Key, key] class C { };', 1, 7, "duplicate qualifier 'key'"],
    ['duplicate property', 'class C {\n  string Name;\n  uint32 NAME;\n};', 3, 10, "duplicate property 'NAME' in class 'C'"],
    ['duplicate method', 'class C { uint32 M(); uint32 m(); };', 1, 30, "duplicate method 'm' in class 'C'"],
    ['property and method clash', 'class C { string Stop; uint32 stop(); };', 1, 31, "'stop' is declared as both a property and a method in class 'C'"],
    ['duplicate parameter', 'class C { uint32 M(string A, uint32 a); };', 1, 37, "duplicate parameter 'a' in method 'M' of class 'C'"],
    ['feature expected', 'class C { [Key] };', 1, 17, "expected a property or method declaration in class 'C', found '}'"],
    ['scalar default on array', 'class C { string X[] = "a"; };', 1, 24, "array property 'X' needs a '{…}' default value"],
    ['array default on scalar', 'class C { string X = {"a"}; };', 1, 22, "scalar property 'X' cannot have an array default value"],
    ['default out of range', 'class C { uint8 X = 256; };', 1, 21, "default value 256 is not a valid uint8 for property 'X'"],
    ['default of the wrong kind', 'class C { boolean B = 1; };', 1, 23, "default value 1 is not a valid boolean for property 'B'"],
    ['bad char16 default', 'class C { char16 S = "ab"; };', 1, 22, 'default value "ab" is not a valid char16 for property \'S\''],
    ['too many array defaults', 'class C { uint8 X[1] = {1, 2}; };', 1, 24, "default value of property 'X' has 2 elements but the array size is 1"],
  ])('%s', (_name, text, line, column, reason) => {
    expectSyntaxError(text, line, column, reason);
  });
});

describe('parseMof: lexical errors', () => {
  it.each([
    ['unterminated string', 'class C {\n  [Description("abc)]\n};', 2, 16, 'unterminated string literal'],
    ['unterminated comment', 'class C { };\n  /* never closed', 2, 3, 'unterminated comment'],
    ['unknown escape', '[D("a\\qb")] class C { };', 1, 6, "unknown escape sequence '\\q'"],
    ['empty \\x escape', '[D("\\xZ")] class C { };', 1, 5, "escape '\\x' needs 1 to 4 hex digits"],
    ['unexpected character', 'class C { uint32 X@; };', 1, 19, "unexpected character '@'"],
    ['unsupported directive', '#include "cim.mof"\n', 1, 1, "unsupported directive '#include'"],
    ['malformed number', '[V(12ab)] class C { };', 1, 4, "malformed number '12ab'"],
    ['invalid binary', '[V(102b)] class C { };', 1, 4, "invalid binary literal '102b'"],
    ['invalid octal', '[V(089)] class C { };', 1, 4, "invalid octal literal '089'"],
    ['unsafe integer', '[V(9223372036854775807)] class C { };', 1, 4, "integer literal '9223372036854775807' is outside the safe integer range"],
    ['unsafe hex integer', '[V(-0x20000000000000)] class C { };', 1, 4, "integer literal '-0x20000000000000' is outside the safe integer range"],
    ['real out of range', '[V(1.0e999)] class C { };', 1, 4, "real literal '1.0e999' is out of range"],
    ['bad char literal', "[V('ab')] class C { };", 1, 4, 'a char16 literal holds exactly one character'],
  ])('%s', (_name, text, line, column, reason) => {
    expectSyntaxError(text, line, column, reason);
  });
});
