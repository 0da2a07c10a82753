import { SourceText } from '../../../../src/powershell/language/extent';
import { Tokenizer } from '../../../../src/powershell/language/tokenizer';
import type { ScanMode, Token } from '../../../../src/powershell/language/tokens';

/** All tokens of `text` in one mode, without the final EOF. */
function tokens(text: string, mode: ScanMode): Token[] {
  const t = new Tokenizer(new SourceText(text), text.length);
  const out: Token[] = [];
  for (let pos = 0; ; ) {
    const tok = t.scan(pos, mode);
    if (tok.kind === 'EOF') return out;
    out.push(tok);
    pos = tok.end;
  }
}

const first = (text: string, mode: ScanMode = 'expression'): Token => tokens(text, mode)[0];

describe('PowerShell tokenizer', () => {
  it('reads a dash word as an operator in expression mode and as a parameter in argument mode', () => {
    expect(first('-eq')).toMatchObject({ kind: 'Operator', op: 'eq' });
    expect(first('-CEQ')).toMatchObject({ kind: 'Operator', op: 'ceq' });
    expect(first('-Force', 'argument')).toMatchObject({ kind: 'Parameter', name: 'Force', colon: false });
    expect(first('-Force:$false', 'argument')).toMatchObject({ kind: 'Parameter', name: 'Force', colon: true });
  });

  it('reads command-mode words as barewords, numbers only when the whole word is one', () => {
    expect(first('C:\\Windows\\System32', 'argument')).toMatchObject({ kind: 'Generic', value: 'C:\\Windows\\System32' });
    expect(first('42', 'argument')).toMatchObject({ kind: 'Number', value: 42 });
    expect(first('-5', 'argument')).toMatchObject({ kind: 'Number', value: -5 });
    expect(first('1.2.3', 'argument')).toMatchObject({ kind: 'Generic', value: '1.2.3' });
    expect(first('`$x', 'argument')).toMatchObject({ kind: 'Generic', value: '$x' });
  });

  it('reads numbers with hex, exponents, the long suffix and the kb..pb multipliers', () => {
    expect(first('0x10')).toMatchObject({ value: 16 });
    expect(first('0xFFFFFFFF')).toMatchObject({ value: -1 });
    expect(first('1e3')).toMatchObject({ value: 1000 });
    expect(first('10l')).toMatchObject({ value: 10 });
    expect(first('2kb')).toMatchObject({ value: 2048 });
    expect(first('1gb')).toMatchObject({ value: 1073741824 });
    expect(first('.5')).toMatchObject({ value: 0.5 });
  });

  it('splits 1..10 into a number, the range operator and a number', () => {
    expect(tokens('1..10', 'expression').map((t) => t.text)).toEqual(['1', '..', '10']);
  });

  it('reads variables with scopes, braces and the special names', () => {
    expect(first('$env:COMPUTERNAME')).toMatchObject({ kind: 'Variable', name: 'env:COMPUTERNAME' });
    expect(first('$script:count')).toMatchObject({ kind: 'Variable', name: 'script:count' });
    expect(first('${my var}')).toMatchObject({ kind: 'Variable', name: 'my var' });
    expect(first('$_')).toMatchObject({ kind: 'Variable', name: '_' });
    expect(first('$?')).toMatchObject({ kind: 'Variable', name: '?' });
    expect(first('@params', 'argument')).toMatchObject({ kind: 'Splat', name: 'params' });
  });

  it("undoubles '' in single-quoted strings and processes backtick escapes in double-quoted ones", () => {
    expect(first("'it''s'")).toMatchObject({ kind: 'String', value: "it's" });
    const t = first('"a`tb`n`"q`" `$x ""y"""');
    expect(t).toMatchObject({ kind: 'ExpandableString', parts: [{ kind: 'text', text: 'a\tb\n"q" $x "y"' }] });
  });

  it('splits a double-quoted string into text, $variables and $( ) sub-expressions', () => {
    const t = first('"Hi $env:USERNAME, $($a.Count) items"');
    expect(t.kind).toBe('ExpandableString');
    const parts = t.kind === 'ExpandableString' ? t.parts : [];
    expect(parts.map((p) => p.kind)).toEqual(['text', 'variable', 'text', 'subexpression', 'text']);
    expect(parts[1]).toMatchObject({ name: 'env:USERNAME' });
  });

  it('keeps a quote inside $( ) from ending the string', () => {
    const t = first('"x $("a)") y" + 1');
    expect(t.text).toBe('"x $("a)") y"');
  });

  it('reads here-strings: content between the header and the terminator at column 1', () => {
    expect(first("@'\nline1\n  'x'\n'@")).toMatchObject({ kind: 'String', value: "line1\n  'x'", here: true });
    expect(first('@"\r\nv=$v\r\n"@').kind).toBe('ExpandableString');
  });

  it('reports an unterminated string from its quote to the end of the script', () => {
    const t = first('"abc');
    expect(t.error).toMatchObject({ id: 'TerminatorExpectedAtEndOfString', message: 'The string is missing the terminator: ".', extent: { start: 0, end: 4, line: 1, column: 1 } });
    expect(first("@'\nabc").error).toMatchObject({ id: 'TerminatorExpectedAtEndOfString', message: "The string is missing the terminator: '@." });
  });

  it('skips comments, block comments and line continuations, and notes the space before a token', () => {
    const toks = tokens('a <# c #> b # rest\n`\nc', 'argument');
    expect(toks.filter((t) => t.kind !== 'NewLine').map((t) => t.text)).toEqual(['a', 'b', 'c']);
    expect(toks[1].spaceBefore).toBe(true);
  });

  it('reads redirections, and refuses < as PowerShell does', () => {
    expect(first('2>&1', 'argument')).toMatchObject({ kind: 'Redirection', stream: '2', merge: true });
    expect(first('*>$null', 'argument')).toMatchObject({ kind: 'Redirection', stream: '*', merge: false });
    expect(first('>>', 'argument')).toMatchObject({ kind: 'Redirection', stream: '1', append: true });
    expect(first('<', 'argument').error).toMatchObject({ id: 'RedirectionNotSupported', message: "The '<' operator is reserved for future use." });
  });

  // No duration is asserted: a quadratic scan of a megabyte would run for minutes and fail on the timeout.
  it('scans a megabyte of text', () => {
    const text = '$x = "a $b c" + 1; # comment\n'.repeat(40_000);
    expect(tokens(text, 'expression').length).toBeGreaterThan(200_000);
  }, 60_000);
});
