import type * as A from '../../../../src/powershell/language/ast';
import { PsParseError } from '../../../../src/powershell/language/parseErrors';
import { parseScript } from '../../../../src/powershell/language/parser';
import { MAX_NESTING_DEPTH } from '../../../../src/powershell/language/parserBase';

const statements = (text: string): readonly A.Statement[] => parseScript(text).ast.end?.statements ?? [];
const only = (text: string): A.Statement => {
  const s = statements(text);
  expect(s).toHaveLength(1);
  return s[0];
};
const expression = (text: string): A.Expression => {
  const s = only(text);
  if (s.type !== 'Pipeline' || s.elements[0].type !== 'CommandExpression') throw new Error(`not an expression statement: ${s.type}`);
  return s.elements[0].expression;
};

function parseError(text: string): PsParseError {
  try {
    parseScript(text);
  } catch (e) {
    if (e instanceof PsParseError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

describe('PowerShell parser: the tree', () => {
  it('parses a command with named, colon, switch and positional arguments and splatting', () => {
    const s = only('Get-Item -Path C:\\x -Force:$false -Recurse foo @rest');
    expect(s.type).toBe('Pipeline');
    const cmd = (s as A.Pipeline).elements[0] as A.Command;
    expect(cmd.name).toMatchObject({ type: 'StringConstant', value: 'Get-Item' });
    expect(cmd.elements.map((e) => (e.type === 'CommandParameter' ? `-${e.name}${e.colon ? ':' : ''}` : e.splatted ? '@' : 'arg'))).toEqual(['-Path', 'arg', '-Force:', '-Recurse', 'arg', '@']);
  });

  it('parses a pipeline whose head is an expression', () => {
    const s = only('1,2,3 | ForEach-Object { $_ * 2 } | Select-Object -First 1') as A.Pipeline;
    expect(s.elements.map((e) => e.type)).toEqual(['CommandExpression', 'Command', 'Command']);
    expect((s.elements[0] as A.CommandExpression).expression.type).toBe('ArrayLiteral');
  });

  it('follows operator precedence: comma binds tighter than +, * tighter than +, -and loosest', () => {
    const e = expression('1 + 2 * 3 -eq 7 -and $true') as A.Binary;
    expect(e.operator).toBe('and');
    const eq = e.left as A.Binary;
    expect(eq.operator).toBe('eq');
    expect((eq.left as A.Binary).operator).toBe('+');
    expect(((eq.left as A.Binary).right as A.Binary).operator).toBe('*');
    const arr = expression('1,2 + 3') as A.Binary;
    expect(arr.left.type).toBe('ArrayLiteral');
  });

  it('folds a negative literal and parses unary operators', () => {
    expect(expression('-5')).toMatchObject({ type: 'Constant', value: -5 });
    expect(expression('-not $x')).toMatchObject({ type: 'Unary', operator: '-not' });
    expect(expression('!$x')).toMatchObject({ type: 'Unary', operator: '!' });
    expect(expression(',1')).toMatchObject({ type: 'Unary', operator: ',' });
  });

  it('parses member access, method calls, static members, indexes and casts', () => {
    expect(expression('$s.Trim().Length')).toMatchObject({ type: 'MemberAccess', target: { type: 'InvokeMember', member: { value: 'Trim' } } });
    expect(expression('[pscredential]::new("u", $p)')).toMatchObject({ type: 'InvokeMember', isStatic: true, target: { type: 'TypeExpression', typeName: 'pscredential' }, args: [{}, {}] });
    expect(expression('$a[-1]')).toMatchObject({ type: 'Index', index: { type: 'Constant', value: -1 } });
    expect(expression('[int]"5"')).toMatchObject({ type: 'Convert', typeName: 'int' });
    expect(expression('[ordered]@{a=1}')).toMatchObject({ type: 'Convert', typeName: 'ordered', operand: { type: 'Hashtable' } });
  });

  it('parses hashtables with bareword, quoted and expression keys, and statements as values', () => {
    const h = expression("@{a=1; 'b c'=2\n(1+1)=Get-Date}") as A.Hashtable;
    expect(h.pairs.map((p) => p.key.type)).toEqual(['StringConstant', 'StringConstant', 'Paren']);
    expect(h.pairs[2].value).toMatchObject({ type: 'Pipeline', elements: [{ type: 'Command' }] });
  });

  it('parses assignments, compound assignments and typed variables', () => {
    expect(only('$x = Get-Date')).toMatchObject({ type: 'Assignment', operator: '=', value: { type: 'Pipeline' } });
    expect(only('$x += 1')).toMatchObject({ type: 'Assignment', operator: '+=' });
    expect(only('[int]$n = "5"')).toMatchObject({ type: 'Assignment', target: { type: 'Convert', typeName: 'int' } });
    expect(only('$a, $b = 1, 2')).toMatchObject({ type: 'Assignment', target: { type: 'ArrayLiteral' } });
  });

  it('parses if/elseif/else across lines, loops with labels, switch and try/catch/finally', () => {
    expect(only('if ($a) { 1 }\nelseif ($b) { 2 }\nelse { 3 }')).toMatchObject({ type: 'If', clauses: [{}, {}], elseBody: {} });
    expect(only(':outer foreach ($i in 1..3) { break outer }')).toMatchObject({ type: 'ForEach', label: 'outer' });
    expect(only('for ($i = 0; $i -lt 3; $i++) { }')).toMatchObject({ type: 'For', initializer: {}, condition: {}, iterator: {} });
    expect(only('do { } until ($x)')).toMatchObject({ type: 'DoLoop', until: true });
    expect(only('switch -regex ($x) { "^a" { 1 } default { 2 } }')).toMatchObject({ type: 'Switch', flags: { regex: true }, clauses: [{}], defaultBody: {} });
    expect(only('try { } catch [System.Net.WebException], [System.IO.IOException] { } catch { } finally { }')).toMatchObject({
      type: 'Try',
      catches: [{ typeNames: ['System.Net.WebException', 'System.IO.IOException'] }, { typeNames: [] }],
      finallyBody: {},
    });
  });

  it('parses functions with param blocks and attributes', () => {
    const f = only('function Get-Thing {\n [CmdletBinding(SupportsShouldProcess)]\n param([Parameter(Mandatory, Position=0)][string]$Name, [switch]$Force = $false)\n "x"\n}') as A.FunctionDefinition;
    expect(f.name).toBe('Get-Thing');
    expect(f.body.param?.attributes[0]).toMatchObject({ name: 'CmdletBinding', named: [{ name: 'SupportsShouldProcess' }] });
    expect(f.body.param?.parameters.map((p) => [p.name, p.typeName])).toEqual([
      ['Name', 'string'],
      ['Force', 'switch'],
    ]);
  });

  it('gives every node its start line and column', () => {
    const s = statements('$a = 1\n  Write-Output $a');
    expect(s[1].extent).toMatchObject({ line: 2, column: 3 });
    const cmd = (s[1] as A.Pipeline).elements[0] as A.Command;
    expect(cmd.elements[0].extent).toMatchObject({ line: 2, column: 16 });
  });
});

describe('PowerShell parser: errors as PowerShell reports them', () => {
  it.each([
    ['"abc', 'TerminatorExpectedAtEndOfString', 'The string is missing the terminator: ".', 1, 1],
    ["echo 'abc", 'TerminatorExpectedAtEndOfString', "The string is missing the terminator: '.", 1, 6],
    ['@"\nabc', 'TerminatorExpectedAtEndOfString', 'The string is missing the terminator: "@.', 1, 1],
    ['if ($x) {\n  1', 'MissingEndCurlyBrace', "Missing closing '}' in statement block or type definition.", 1, 9],
    ['(1 + 2', 'MissingEndParenthesisInExpression', "Missing closing ')' in expression.", 1, 7],
    ['$(1', 'MissingEndParenthesisInSubexpression', "Missing closing ')' in subexpression.", 1, 4],
    ['1 +', 'ExpectedValueExpression', "You must provide a value expression following the '+' operator.", 1, 4],
    ['1 2', 'UnexpectedToken', "Unexpected token '2' in expression or statement.", 1, 3],
    ['-not', 'MissingExpressionAfterOperator', "Missing expression after unary operator '-not'.", 1, 5],
    ['$x.Foo(1,', 'MissingExpressionAfterToken', "Missing expression after ','.", 1, 10],
    ['$a[', 'MissingArrayIndexExpression', 'Array index expression is missing or not valid.', 1, 4],
    ['@{a=1; a=2}', 'DuplicateKeyInHashLiteral', "Duplicate keys 'a' are not allowed in hash literals.", 1, 8],
    ['@{a 1}', 'MissingEqualsInHashLiteral', "Missing '=' operator after key in hash literal.", 1, 4],
    ['Get-Foo |', 'EmptyPipeElement', 'An empty pipe element is not allowed.', 1, 9],
    ['Get-Foo | 1', 'ExpressionsMustBeFirstInPipeline', 'Expressions are only allowed as the first element of a pipeline.', 1, 11],
    ['a && b', 'InvalidEndOfLine', "The token '&&' is not a valid statement separator in this version.", 1, 3],
    ['if $x { }', 'MissingOpenParenthesisInIfStatement', "Missing '(' after 'if' in if statement.", 1, 3],
    ['if ($x) 1', 'MissingStatementBlock', 'Missing statement block after if ( condition ).', 1, 8],
    ['foreach ($x $y) { }', 'MissingInInForeach', "Missing 'in' after variable in foreach loop.\nThe correct form is: foreach ($a in $b) {...}", 1, 12],
    ['try { }', 'MissingCatchOrFinally', 'The Try statement is missing its Catch or Finally block.', 1, 8],
    ['function { }', 'MissingNameAfterKeyword', 'Missing name after function keyword.', 1, 9],
    ['class Foo { }', 'ReservedKeywordNotAllowed', "The 'class' keyword is not supported in this version of the language.", 1, 1],
    ['trap { }', 'ReservedKeywordNotAllowed', "The 'trap' keyword is not supported in this version of the language.", 1, 1],
    ['Get-Foo &', 'AmpersandNotAllowed', 'The ampersand (&) character is not allowed. The & operator is reserved for future use; wrap an ampersand in double quotation marks ("&") to pass it as part of a string.', 1, 9],
    ['$x = @a', 'SplattingNotPermitted', "The splatting operator '@' cannot be used to reference variables in an expression. '@a' can be used only as an argument to a command. To reference variables in an expression use '$a'.", 1, 6],
    ['1 = 2', 'InvalidLeftHandSide', 'The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.', 1, 1],
  ])('%j → %s', (text, id, message, line, column) => {
    const e = parseError(text);
    expect(e.errors[0]).toMatchObject({ id, message, extent: { line, column } });
  });

  it('builds the ErrorRecord powershell.exe shows: the position, the squiggle, then the message', () => {
    const record = parseError('echo "abc').toErrorRecord();
    expect(record.message).toBe('At line:1 char:6\n+ echo "abc\n+      ~~~~\nThe string is missing the terminator: ".');
    expect(record.init).toMatchObject({ errorId: 'TerminatorExpectedAtEndOfString', category: 'ParserError', reason: 'ParentContainsErrorRecordException', exceptionType: 'System.Management.Automation.ParseException' });
    expect(record.init.invocation).toBeUndefined();
    expect(record.fullyQualifiedErrorId).toBe('TerminatorExpectedAtEndOfString');
  });

  it('lists each of several errors with its position; the id is the first one', () => {
    const e = parseError('if ($x) { "abc }');
    expect(e.errors.map((x) => x.id)).toEqual(['TerminatorExpectedAtEndOfString', 'MissingEndCurlyBrace']);
    expect(e.toErrorRecord().message).toBe(
      'At line:1 char:11\n+ if ($x) { "abc }\n+           ~~~~~~\nThe string is missing the terminator: ".\n\nAt line:1 char:9\n+ if ($x) { "abc }\n+         ~\nMissing closing \'}\' in statement block or type definition.',
    );
    expect(e.toErrorRecord().init.errorId).toBe('TerminatorExpectedAtEndOfString');
  });

  it('cuts a long line around the error with "..." as Windows PowerShell 5.1 does', () => {
    const line = `Write-Output ${'x'.repeat(80)} "abc`;
    const [at, shown, squiggle] = parseError(line).toErrorRecord().message.split('\n');
    expect(at).toBe('At line:1 char:95');
    expect(shown).toBe(`+ ... ${'x'.repeat(64)} "abc`);
    expect(squiggle).toBe(`+ ${' '.repeat(69)}~~~~`);
  });
});

describe('PowerShell parser: bounds', () => {
  const deep = 10_000;
  it.each([
    ['parentheses', '('.repeat(deep) + '1' + ')'.repeat(deep)],
    ['script blocks', '{'.repeat(deep) + '}'.repeat(deep)],
    ['statement blocks', 'if (1) {'.repeat(deep) + '}'.repeat(deep)],
    ['sub-expressions', '$('.repeat(deep) + '1' + ')'.repeat(deep)],
    ['array expressions', '@('.repeat(deep) + ')'.repeat(deep)],
    ['hashtables', '@{a='.repeat(deep) + '1' + '}'.repeat(deep)],
    ['strings in sub-expressions', '"$('.repeat(deep) + '1' + ')"'.repeat(deep)],
    ['casts', '[int]'.repeat(deep) + '1'],
    ['unary operators', '!'.repeat(deep) + '1'],
    ['unary commas', ','.repeat(deep) + '1'],
    ['indexes', '$a' + '[0]'.repeat(deep)],
    ['member accesses', '$a' + '.b'.repeat(deep)],
    ['an operator chain', '1' + '+1'.repeat(deep)],
  ])('%s nested 10,000 deep give ScriptTooComplicated, not a crash', (_kind, text) => {
    const e = parseError(text);
    expect(e.errors[0]).toMatchObject({ id: 'ScriptTooComplicated', message: 'Processing was stopped because the script is too complex.' });
  });

  it(`accepts nesting up to the documented depth (${MAX_NESTING_DEPTH})`, () => {
    const n = MAX_NESTING_DEPTH - 5;
    expect(() => parseScript('('.repeat(n) + '1' + ')'.repeat(n))).not.toThrow();
  });

  // No duration is asserted: a quadratic parse of a megabyte would run for minutes and fail on the timeout.
  it('parses a megabyte of ordinary statements', () => {
    const line = 'if ($x -gt 5) { $y = "value $x" } else { Write-Output (1 + 2) }\n';
    const text = line.repeat(Math.ceil((1024 * 1024) / line.length));
    expect(statements(text).length).toBeGreaterThan(15_000);
  }, 60_000);
});
