import { PsHashtable, PsObject } from '../../../../src/powershell/runtime/values';
import { lines, onlyError, run } from '../harness';

const out = async (script: string): Promise<string[]> => lines(script);

describe('evaluator: operators and conversions', () => {
  it.each([
    ['1 + 2 * 3', ['7']],
    ['7 / 2', ['3.5']],
    ['10 / 5', ['2']],
    ['7 % 3', ['1']],
    ['"5" + 1', ['51']],
    ['5 + "1"', ['6']],
    ['"5" - 1', ['4']],
    ['"ab" * 3', ['ababab']],
    ['0.1 + 0.2', ['0.3']],
    ['1 / 3', ['0.333333333333333']],
    ['[int]2.5; [int]3.5; [int]"0x10"; [int]" 42 "', ['2', '4', '16', '42']],
    ['[double]"1e3"; 1kb; [long]2gb', ['1000', '1024', '2147483648']],
    ['"{0} and {1:N2} and {2,5}|" -f "a", 1234.567, 7', ['a and 1,234.57 and     7|']],
    ['"{0:D3}-{1:X}-{2:P0}" -f 7, 255, 0.5', ['007-FF-50 %']],
    ['-join ("a", "b"); (1, 2, 3) -join "-"', ['ab', '1-2-3']],
    ['"a1b22c" -replace "\\d+", "#"; "John Smith" -replace "(\\w+) (\\w+)", \'$2, $1\'', ['a#b#c', 'Smith, John']],
    ['("a,b,,c" -split ",").Count; ("a,b,c" -split ",", 2)[1]', ['4', 'b,c']],
    ['1..4 -join ","; 3..1 -join ","', ['1,2,3,4', '3,2,1']],
    ['5 -band 3; 5 -bor 3; 5 -bxor 3; -bnot 0; 1 -shl 4', ['1', '7', '6', '-1', '16']],
  ])('%s', async (script, expected) => {
    expect(await out(script)).toEqual(expected);
  });

  it('compares with the right side converted to the left side\'s type', async () => {
    expect(await out('1 -eq "1.0"; "1.0" -eq 1; "abc" -eq "ABC"; "abc" -ceq "ABC"; $true -eq "false"; 0 -eq ""; $null -eq 0; 2 -gt "10"; "2" -gt "10"')).toEqual([
      'True',
      'False',
      'True',
      'False',
      'True',
      'True',
      'False',
      'False',
      'True',
    ]);
  });

  it('filters an array on the left of a comparison', async () => {
    expect(await out('(1, 2, 3, 2 -eq 2).Count; 1, 2, 3 -gt 1; "a", "b" -like "a*"; ($null, 1 -ne $null).Count')).toEqual(['2', '2', '3', 'a', '1']);
  });

  it('tests membership and types', async () => {
    expect(await out('1, 2 -contains "2"; 3 -notin 1, 2; 5 -is [int]; "x" -isnot [string]; "5" -as [int]; "x" -as [int]; ($null -eq ("x" -as [int]))')).toEqual([
      'True',
      'True',
      'True',
      'False',
      '5',
      '',
      'True',
    ]);
  });

  it('reports a comparison PowerShell cannot make', async () => {
    const e = await onlyError('5 -gt "abc"');
    expect(e.message).toBe('Could not compare "5" to "abc". Error: "Cannot convert value "abc" to type "System.Int32". Error: "Input string was not in a correct format.""');
    expect(e.init.errorId).toBe('ComparisonFailure');
  });

  it('sets $Matches after a successful -match', async () => {
    expect(await out('if ("IPAM1.contoso.com" -match "^(?<host>[^.]+)\\.(.*)$") { $Matches.host; $Matches[2] }')).toEqual(['IPAM1', 'contoso.com']);
  });

  it('decides truth as PowerShell does', async () => {
    const cases = ['$false', '0', '""', '$null', '@()', '@(0)', '@(1)', '@(0, 0)', '"false"', '" "', '[pscustomobject]@{}'];
    expect(await out(cases.map((c) => `[bool](${c})`).join('; '))).toEqual(['False', 'False', 'False', 'False', 'False', 'False', 'True', 'True', 'True', 'True', 'True']);
  });

  it('adds arrays and hashtables and reports a duplicate key', async () => {
    expect(await out('$a = 1, 2; $a += 3; $a.Count; (@{a = 1} + @{b = 2}).Count')).toEqual(['3', '2']);
    const e = await onlyError('@{a = 1} + @{a = 2}');
    expect(e.message).toBe("Item has already been added. Key in dictionary: 'a'  Key being added: 'a'");
    expect(e.init).toMatchObject({ errorId: 'System.ArgumentException', category: 'OperationStopped' });
  });

  it('reports division by zero as PowerShell does, at its position', async () => {
    const e = await onlyError('$x = 1\n$y = $x / 0');
    expect(e.message).toBe('Attempted to divide by zero.');
    expect(e.init).toMatchObject({ errorId: 'RuntimeException', category: 'NotSpecified', reason: 'RuntimeException' });
    expect(e.init.invocation).toMatchObject({ line: 2, column: 6, length: 6, lineText: '$y = $x / 0' });
  });

  it('reports a failed cast with the conversion text', async () => {
    const e = await onlyError('[int]"abc"');
    expect(e.message).toBe('Cannot convert value "abc" to type "System.Int32". Error: "Input string was not in a correct format."');
    expect(e.init).toMatchObject({ errorId: 'InvalidCastFromStringToInteger', category: 'InvalidArgument' });
  });
});

describe('evaluator: strings, variables and scopes', () => {
  it('expands variables, $env:, ${name} and $( ) in double-quoted strings but not member access', async () => {
    expect(await out('$n = "x"; $a = 1, 2; "v=$n ${n}y $($a.Count) $a $env:COMPUTERNAME $n.Length"')).toEqual(['v=x xy 2 1 2 IPAM1 x.Length']);
  });

  it('keeps single-quoted and here-strings literal or expanding as written', async () => {
    expect(await out("$x = 1; '$x'; @'\n$x\n'@; @\"\n$x\n\"@")).toEqual(['$x', '$x', '1']);
  });

  it('creates variables in the function scope; $script: and $global: reach outward', async () => {
    expect(await out('$x = 1; function f { $x = 2; $script:y = 3; $global:z = 4; $x }; f; $x; $y; $z')).toEqual(['2', '1', '3', '4']);
  });

  it('keeps a type constraint on a variable', async () => {
    expect(await out('[int]$n = "5"; $n = "6"; $n + 1')).toEqual(['7']);
    const e = await onlyError('[int]$n = 1; $n = "abc"');
    expect(e.message).toBe('Cannot convert value "abc" to type "System.Int32". Error: "Input string was not in a correct format."');
  });

  it('reads and writes $env: from the session environment', async () => {
    expect(await out('$env:TEMP; $env:FOO = "bar"; $env:FOO; $env:USERDOMAIN')).toEqual(['C:\\Users\\Administrator\\AppData\\Local\\Temp', 'bar', 'CONTOSO']);
  });

  it('refuses to overwrite $true', async () => {
    expect((await onlyError('$true = 1')).message).toBe('Cannot overwrite variable true because it is read-only or constant.');
  });

  it('assigns several variables from one array', async () => {
    expect(await out('$a, $b, $c = 1, 2, 3, 4; $a; $c -join "+"')).toEqual(['1', '3+4']);
  });

  it('increments and decrements without writing output as statements', async () => {
    expect(await out('$i = 1; $i++; ++$i; $i; ($i--); $i')).toEqual(['3', '3', '2']);
  });
});

describe('evaluator: objects, members and methods', () => {
  it('calls the string methods scripts use', async () => {
    expect(await out('$s = "  Hello World  "; $s.Trim().ToUpper(); $s.Trim().Split(" ")[1]; "abc".Replace("b", "x"); "abc".Contains("B"); "abc".StartsWith("a"); "abc".Substring(1); "a,b;c".Split(",;").Count')).toEqual([
      'HELLO WORLD',
      'World',
      'axc',
      'False',
      'True',
      'bc',
      '3',
    ]);
  });

  it('reports a method that does not exist and a method on $null', async () => {
    expect((await onlyError('"x".Foo()')).message).toBe("Method invocation failed because [System.String] does not contain a method named 'Foo'.");
    const e = await onlyError('$null.Trim()');
    expect(e.message).toBe('You cannot call a method on a null-valued expression.');
    expect(e.init.errorId).toBe('InvokeMethodOnNull');
  });

  it('reports .NET exceptions from methods as PowerShell does', async () => {
    const e = await onlyError('"abc".Substring(5)');
    expect(e.message).toBe('Exception calling "Substring" with "1" argument(s): "startIndex cannot be larger than length of string.\nParameter name: startIndex"');
    expect(e.init.errorId).toBe('ArgumentOutOfRangeException');
  });

  it('indexes arrays (negative from the end, slices), strings and hashtables', async () => {
    expect(await out('$a = 10, 20, 30; $a[0]; $a[-1]; $a[0, 2] -join ","; "abc"[1]; $h = @{k = "v"}; $h["k"]; $h.k; $a[5] -eq $null')).toEqual(['10', '30', '10,30', 'b', 'v', 'v', 'True']);
    expect((await onlyError('$null[0]')).message).toBe('Cannot index into a null array.');
  });

  it('enumerates a member over an array', async () => {
    expect(await out('$o = [pscustomobject]@{N = 1}, [pscustomobject]@{N = 2}; $o.N -join ","; $o.Count')).toEqual(['1,2', '2']);
  });

  it('builds ordered hashtables and custom objects in literal order', async () => {
    const r = await run('[ordered]@{z = 1; a = 2}; [pscustomobject]@{z = 1; a = 2}');
    expect(r.output[0]).toBeInstanceOf(PsHashtable);
    expect((r.output[0] as PsHashtable).keys()).toEqual(['z', 'a']);
    expect((r.output[1] as PsObject).properties.map((p) => p.name)).toEqual(['z', 'a']);
    expect((r.output[1] as PsObject).typeNames).toEqual(['System.Management.Automation.PSCustomObject', 'System.Object']);
  });

  it('reaches static members and constructors', async () => {
    expect(await out('[int]::MaxValue; [math]::Round(2.5); [math]::Round(1.2345, 2); [string]::IsNullOrEmpty(""); [Environment]::MachineName; [System.Management.Automation.ActionPreference]::Stop')).toEqual([
      '2147483647',
      '2',
      '1.23',
      'True',
      'IPAM1',
      'Stop',
    ]);
    expect(await out('$l = [System.Collections.ArrayList]::new(); $l.Add("a"); [void]$l.Add("b"); $l.Count')).toEqual(['0', '2']);
  });

  it('reports an unknown type', async () => {
    const e = await onlyError('[Foo.Bar]::Baz');
    expect(e.message).toBe('Unable to find type [Foo.Bar].');
    expect(e.init).toMatchObject({ errorId: 'TypeNotFound', category: 'InvalidOperation' });
  });

  it('offers $PSVersionTable as Windows PowerShell 5.1 on Server 2022 shows it', async () => {
    const r = await run('$PSVersionTable');
    const t = r.output[0] as PsHashtable;
    expect(t.keys()).toEqual(['PSVersion', 'PSEdition', 'PSCompatibleVersions', 'BuildVersion', 'CLRVersion', 'WSManStackVersion', 'PSRemotingProtocolVersion', 'SerializationVersion']);
    expect(await out('"$($PSVersionTable.PSVersion)"; $PSVersionTable.PSVersion.Major; $PSVersionTable.PSEdition; "$($PSVersionTable.BuildVersion)"; "$($PSVersionTable.CLRVersion)"')).toEqual([
      '5.1.20348.2849',
      '5',
      'Desktop',
      '10.0.20348.2849',
      '4.0.30319.42000',
    ]);
  });
});

describe('evaluator: statements', () => {
  it('runs if/elseif/else, switch (with -wildcard and -regex), and loops with break/continue and labels', async () => {
    expect(await out('$x = 5; if ($x -lt 3) { "small" } elseif ($x -lt 10) { "medium" } else { "large" }')).toEqual(['medium']);
    expect(await out('switch (1, 2, 3) { 1 { "one" } { $_ -gt 1 } { "big $_" } default { "never" } }')).toEqual(['one', 'big 2', 'big 3']);
    expect(await out('switch -wildcard ("IPAM1") { "IP*" { "ip" } "*1" { "one"; break } "*" { "all" } }')).toEqual(['ip', 'one']);
    expect(await out('switch -regex ("a1") { "^a(\\d)" { $Matches[1] } }')).toEqual(['1']);
    expect(await out(':outer foreach ($i in 1..3) { foreach ($j in 1..3) { if ($j -eq 2) { continue outer }; "$i$j" } }')).toEqual(['11', '21', '31']);
    expect(await out('$n = 0; while ($true) { $n++; if ($n -eq 3) { break } }; $n; for ($i = 0; $i -lt 2; $i++) { $i }; do { "once" } while ($false)')).toEqual(['3', '0', '1', 'once']);
  });

  it('collects output of statements assigned to a variable', async () => {
    expect(await out('$r = foreach ($i in 1..3) { $i * 2 }; $r.Count; $s = if ($true) { "yes" }; $s; $none = @(); $none.Count')).toEqual(['3', 'yes', '0']);
  });

  it('iterates a huge range lazily', async () => {
    expect(await out('foreach ($i in 1..1000000000) { if ($i -eq 3) { break } }; $i')).toEqual(['3']);
  });

  it('defines functions with param blocks, defaults, switches, $args and pipeline input', async () => {
    expect(await out('function Add($a, $b = 10) { $a + $b }; Add 1; Add 1 2; Add -b 5 -a 1')).toEqual(['11', '3', '6']);
    expect(await out('function F([switch]$Force) { if ($Force) { "forced" } else { "soft" } }; F; F -Force')).toEqual(['soft', 'forced']);
    expect(await out('function A { $args.Count; $args[1] }; A x y z')).toEqual(['3', 'y']);
    expect(await out('function Sum { $t = 0; foreach ($v in $input) { $t += $v }; $t }; 1, 2, 3 | Sum')).toEqual(['6']);
    expect(await out('function Double { process { $_ * 2 } }; 1, 2 | Double')).toEqual(['2', '4']);
    expect(await out('filter Inc { $_ + 1 }; 1, 2 | Inc')).toEqual(['2', '3']);
    expect(await out('function Get-Name { [CmdletBinding()] param([Parameter(ValueFromPipelineByPropertyName)]$Name) process { "n=$Name" } }; [pscustomobject]@{Name = "a"} | Get-Name')).toEqual(['n=a']);
  });

  it('returns from a function, with output before return kept', async () => {
    expect(await out('function R { "a"; return "b"; "c" }; R')).toEqual(['a', 'b']);
  });

  it('invokes script blocks with & (new scope) and . (same scope)', async () => {
    expect(await out('$x = 1; & { $x = 2; $x }; $x; . { $x = 3 }; $x; $sb = { param($p) "p=$p" }; & $sb 7; $sb.Invoke(8)')).toEqual(['2', '1', '3', 'p=7', 'p=8']);
  });
});
