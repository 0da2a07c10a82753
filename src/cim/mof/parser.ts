/**
 * MOF class declarations → CimClassDecl (DSP0004 v2 Annex A, class subset).
 *
 * Only what our schemas need: qualifier lists, classes, properties, references
 * and methods. Qualifier *declarations*, instances and the MOF v3 forms are
 * refused with a clear error rather than half-parsed. Inheritance is not
 * resolved here; that is the registry's job.
 */
import {
  CIM_INTRINSIC_TYPES,
  type CimClassDecl,
  type CimIntrinsicType,
  type CimMethodDecl,
  type CimParameterDecl,
  type CimPropertyDecl,
  type CimQualifier,
  type QualifierScalar,
  type QualifierValue,
} from '../types';
import { MofSyntaxError, tokenize, type Punctuator, type Token } from './lexer';

export { MofSyntaxError } from './lexer';

export function parseMof(text: string, fileName: string): CimClassDecl[] {
  return new MofParser(tokenize(text, fileName), fileName).parseDeclarations();
}

/** Top-level MOF keywords we know but deliberately do not implement. */
const UNSUPPORTED_DECLARATIONS: ReadonlyMap<string, string> = new Map([
  ['instance', 'instance of'],
  ['qualifier', 'qualifier'],
  ['enumeration', 'enumeration'],
  ['structure', 'structure'],
  ['association', 'association'],
  ['indication', 'indication'],
  ['interface', 'interface'],
]);

/** DSP0004 v2 flavors; they only matter to a repository, so they are checked and dropped. */
const FLAVORS: ReadonlySet<string> = new Set([
  'enableoverride',
  'disableoverride',
  'restricted',
  'tosubclass',
  'toinstance',
  'translatable',
]);

const INTRINSIC_TYPES: ReadonlyMap<string, CimIntrinsicType> = new Map(CIM_INTRINSIC_TYPES.map((t) => [t, t]));

const INTEGER_RANGES: Readonly<Partial<Record<CimIntrinsicType, readonly [number, number]>>> = {
  uint8: [0, 0xff],
  sint8: [-0x80, 0x7f],
  uint16: [0, 0xffff],
  sint16: [-0x8000, 0x7fff],
  uint32: [0, 0xffffffff],
  sint32: [-0x80000000, 0x7fffffff],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  sint64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

type FeatureType = { readonly mofType: CimIntrinsicType } | { readonly mofType: 'reference'; readonly refClass: string };
interface ArraySuffix {
  readonly isArray: boolean;
  readonly arraySize?: number;
}
type QualifierMap = Map<string, CimQualifier>;

const describe = (tok: Token): string => (tok.kind === 'eof' ? 'end of file' : `'${tok.text}'`);

/** True when `value` may initialise a scalar of `type` (null always may: it is CIM NULL). */
function fitsType(type: CimIntrinsicType | 'reference', value: QualifierScalar): boolean {
  if (value === null) return true;
  const range = INTEGER_RANGES[type as CimIntrinsicType];
  if (range !== undefined) {
    return typeof value === 'number' && Number.isInteger(value) && value >= range[0] && value <= range[1];
  }
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'real32':
    case 'real64':
      return typeof value === 'number';
    case 'char16':
      return typeof value === 'string' && value.length === 1;
    default:
      // string, datetime and reference (an object path) are all written as strings.
      return typeof value === 'string';
  }
}

class MofParser {
  private pos = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly fileName: string,
  ) {}

  parseDeclarations(): CimClassDecl[] {
    const decls: CimClassDecl[] = [];
    while (this.peek().kind !== 'eof') decls.push(this.parseDeclaration());
    return decls;
  }

  // -- token helpers --------------------------------------------------------

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.pos++;
    return tok;
  }

  private fail(tok: Token, reason: string): never {
    throw new MofSyntaxError(this.fileName, tok.line, tok.column, reason);
  }

  private isPunct(p: Punctuator, tok = this.peek()): boolean {
    return tok.kind === 'punct' && tok.text === p;
  }

  private acceptPunct(p: Punctuator): boolean {
    if (!this.isPunct(p)) return false;
    this.pos++;
    return true;
  }

  private expectPunct(p: Punctuator, context: string): void {
    if (!this.acceptPunct(p)) this.fail(this.peek(), `expected '${p}' ${context}, found ${describe(this.peek())}`);
  }

  private expectIdentifier(what: string): Token {
    const tok = this.peek();
    if (tok.kind !== 'identifier') this.fail(tok, `expected ${what}, found ${describe(tok)}`);
    return this.next();
  }

  // -- declarations ---------------------------------------------------------

  private parseDeclaration(): CimClassDecl {
    const qualifiers = this.parseQualifierList();
    const tok = this.peek();
    if (tok.kind === 'identifier') {
      const keyword = tok.text.toLowerCase();
      if (keyword === 'class') return this.parseClass(qualifiers);
      const unsupported = UNSUPPORTED_DECLARATIONS.get(keyword);
      if (unsupported !== undefined) {
        this.fail(tok, `'${unsupported}' declarations are not supported (only 'class' declarations are)`);
      }
    }
    return this.fail(tok, `expected 'class', found ${describe(tok)}`);
  }

  private parseClass(qualifiers: QualifierMap): CimClassDecl {
    this.next();
    const name = this.expectIdentifier("a class name after 'class'").text;
    let superclass: string | undefined;
    if (this.acceptPunct(':')) superclass = this.expectIdentifier(`a superclass name for class '${name}'`).text;
    this.expectPunct('{', `to open the body of class '${name}'`);
    const properties: CimPropertyDecl[] = [];
    const methods: CimMethodDecl[] = [];
    // One name scope for properties and methods: both become child elements of
    // the class on the wire, so a clash would be ambiguous.
    const names = new Map<string, 'property' | 'method'>();
    while (!this.acceptPunct('}')) {
      if (this.peek().kind === 'eof') this.fail(this.peek(), `expected '}' to close class '${name}', found end of file`);
      this.parseFeature(name, names, properties, methods);
    }
    this.expectPunct(';', `after class '${name}'`);
    return { name, ...(superclass !== undefined && { superclass }), qualifiers, properties, methods };
  }

  private parseFeature(
    className: string,
    names: Map<string, 'property' | 'method'>,
    properties: CimPropertyDecl[],
    methods: CimMethodDecl[],
  ): void {
    const qualifiers = this.parseQualifierList();
    const typeTok = this.peek();
    const type = this.parseType(`a property or method declaration in class '${className}'`);
    const nameTok = this.expectIdentifier(`a property or method name in class '${className}'`);
    const name = nameTok.text;
    const isMethod = this.isPunct('(');
    const kind = isMethod ? 'method' : 'property';
    const previous = names.get(name.toLowerCase());
    if (previous === kind) this.fail(nameTok, `duplicate ${kind} '${name}' in class '${className}'`);
    if (previous !== undefined) {
      this.fail(nameTok, `'${name}' is declared as both a property and a method in class '${className}'`);
    }
    names.set(name.toLowerCase(), kind);

    if (isMethod) {
      if (type.mofType === 'reference') {
        this.fail(typeTok, `method '${name}' must return an intrinsic type, not a reference`);
      }
      methods.push(this.parseMethod(className, name, type.mofType, qualifiers));
      return;
    }
    const array = this.parseArraySuffix(`property '${name}'`);
    if (this.isPunct('(')) this.fail(this.peek(), `method '${name}' cannot return an array`);
    if (type.mofType === 'reference' && array.isArray) {
      this.fail(nameTok, `reference property '${name}' cannot be an array (MOF v2 allows reference arrays only as parameters)`);
    }
    let defaultValue: QualifierValue | undefined;
    if (this.acceptPunct('=')) defaultValue = this.parseDefaultValue(name, type, array);
    this.expectPunct(';', `after property '${name}'`);
    properties.push({
      name,
      ...type,
      ...array,
      qualifiers,
      ...(defaultValue !== undefined && { defaultValue }),
    });
  }

  /** `uint32`, or `ClassName REF`. */
  private parseType(what: string): FeatureType {
    const tok = this.expectIdentifier(what);
    const next = this.peek();
    if (next.kind === 'identifier' && next.text.toLowerCase() === 'ref') {
      if (INTRINSIC_TYPES.has(tok.text.toLowerCase())) {
        this.fail(tok, `'${tok.text}' is an intrinsic type and cannot be used with REF`);
      }
      this.next();
      return { mofType: 'reference', refClass: tok.text };
    }
    const intrinsic = INTRINSIC_TYPES.get(tok.text.toLowerCase());
    if (intrinsic === undefined) {
      this.fail(tok, `unknown type '${tok.text}' (a reference is written '${tok.text} REF name')`);
    }
    return { mofType: intrinsic };
  }

  /** `[]` or `[4]` after a property or parameter name. */
  private parseArraySuffix(owner: string): ArraySuffix {
    if (!this.acceptPunct('[')) return { isArray: false };
    if (this.acceptPunct(']')) return { isArray: true };
    const sizeTok = this.next();
    if (sizeTok.kind !== 'integer' || sizeTok.value <= 0) {
      this.fail(sizeTok, `array size of ${owner} must be a positive integer, found ${describe(sizeTok)}`);
    }
    this.expectPunct(']', `after the array size of ${owner}`);
    return { isArray: true, arraySize: sizeTok.value };
  }

  private parseDefaultValue(name: string, type: FeatureType, array: ArraySuffix): QualifierValue {
    const tok = this.peek();
    if (array.isArray !== this.isPunct('{')) {
      this.fail(
        tok,
        array.isArray
          ? `array property '${name}' needs a '{…}' default value`
          : `scalar property '${name}' cannot have an array default value`,
      );
    }
    const value = array.isArray ? this.parseArrayLiteral(`property '${name}'`) : this.parseLiteral(`for property '${name}'`);
    const members = Array.isArray(value) ? value : [value];
    const bad = members.find((m) => !fitsType(type.mofType, m));
    if (bad !== undefined) {
      this.fail(tok, `default value ${JSON.stringify(bad)} is not a valid ${type.mofType} for property '${name}'`);
    }
    if (array.arraySize !== undefined && members.length > array.arraySize) {
      this.fail(tok, `default value of property '${name}' has ${members.length} elements but the array size is ${array.arraySize}`);
    }
    return value;
  }

  private parseMethod(
    className: string,
    name: string,
    returnType: CimIntrinsicType,
    qualifiers: QualifierMap,
  ): CimMethodDecl {
    this.next();
    const parameters: CimParameterDecl[] = [];
    const seen = new Set<string>();
    if (!this.acceptPunct(')')) {
      for (;;) {
        const paramQualifiers = this.parseQualifierList();
        const type = this.parseType(`a parameter type in method '${name}'`);
        const paramTok = this.expectIdentifier(`a parameter name in method '${name}'`);
        const key = paramTok.text.toLowerCase();
        if (seen.has(key)) {
          this.fail(paramTok, `duplicate parameter '${paramTok.text}' in method '${name}' of class '${className}'`);
        }
        seen.add(key);
        const array = this.parseArraySuffix(`parameter '${paramTok.text}'`);
        parameters.push({ name: paramTok.text, ...type, ...array, qualifiers: paramQualifiers });
        if (this.acceptPunct(')')) break;
        if (!this.acceptPunct(',')) {
          this.fail(this.peek(), `expected ',' or ')' after parameter '${paramTok.text}', found ${describe(this.peek())}`);
        }
      }
    }
    this.expectPunct(';', `after method '${name}'`);
    return { name, returnType, parameters, qualifiers };
  }

  // -- qualifiers and literals ----------------------------------------------

  private parseQualifierList(): QualifierMap {
    const set: QualifierMap = new Map();
    if (!this.acceptPunct('[')) return set;
    for (;;) {
      const nameTok = this.expectIdentifier('a qualifier name');
      const name = nameTok.text;
      const key = name.toLowerCase();
      if (set.has(key)) this.fail(nameTok, `duplicate qualifier '${name}'`);
      let value: QualifierValue = true;
      if (this.acceptPunct('(')) {
        value = this.parseLiteral(`for qualifier '${name}'`);
        this.expectPunct(')', `after the value of qualifier '${name}'`);
      } else if (this.isPunct('{')) {
        value = this.parseArrayLiteral(`qualifier '${name}'`);
      }
      if (this.acceptPunct(':')) {
        do {
          const flavor = this.expectIdentifier(`a flavor after qualifier '${name}'`);
          if (!FLAVORS.has(flavor.text.toLowerCase())) this.fail(flavor, `unknown qualifier flavor '${flavor.text}'`);
        } while (this.peek().kind === 'identifier');
      }
      set.set(key, { name, value });
      if (this.acceptPunct(']')) return set;
      if (!this.acceptPunct(',')) {
        this.fail(this.peek(), `expected ',' or ']' after qualifier '${name}', found ${describe(this.peek())}`);
      }
    }
  }

  /** A scalar literal; adjacent string literals concatenate, as in C. */
  private parseLiteral(context: string): QualifierScalar {
    const tok = this.next();
    switch (tok.kind) {
      case 'string': {
        let value = tok.value;
        for (let t = this.peek(); t.kind === 'string'; t = this.peek()) {
          value += t.value;
          this.next();
        }
        return value;
      }
      case 'char':
      case 'integer':
      case 'real':
        return tok.value;
      case 'identifier': {
        const word = tok.text.toLowerCase();
        if (word === 'true') return true;
        if (word === 'false') return false;
        if (word === 'null') return null;
        break;
      }
      default:
        break;
    }
    return this.fail(tok, `expected a literal value ${context}, found ${describe(tok)}`);
  }

  /** `{ literal, … }`, possibly empty. */
  private parseArrayLiteral(owner: string): QualifierScalar[] {
    this.expectPunct('{', `to open the array value of ${owner}`);
    const values: QualifierScalar[] = [];
    if (this.acceptPunct('}')) return values;
    for (;;) {
      values.push(this.parseLiteral(`in the array value of ${owner}`));
      if (this.acceptPunct('}')) return values;
      if (!this.acceptPunct(',')) {
        this.fail(this.peek(), `expected ',' or '}' in the array value of ${owner}, found ${describe(this.peek())}`);
      }
    }
  }
}
