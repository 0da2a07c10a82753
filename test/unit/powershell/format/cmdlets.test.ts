import type { BoundParameters, PsCommand, PsCommandContext } from '../../../../src/powershell/runtime/commands';
import { PsErrorRecord, PsHashtable, PsObject, PsScriptBlock, PsSwitch, type PsValue } from '../../../../src/powershell/runtime/values';
import { createFormatModules, FormatCommandError, formatForHost, formatPacketOf, type FormatView } from '../../../../src/powershell/format';

interface Run {
  readonly output: PsValue[];
  readonly host: string;
}

const hostText: string[] = [];
const views: FormatView[] = [{ typeName: 'T.Feature', kind: 'table', columns: [{ property: 'Name', width: 12 }, { property: 'State', width: 10, alignment: 'Right' }] }];
const modules = createFormatModules({ bufferWidth: () => 80, views: () => views, writeToHost: (_ctx, text) => hostText.push(text) });
const command = (name: string): PsCommand => {
  const found = [...modules.utility.commands, ...modules.core.commands].find((c) => c.metadata.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};

/** Runs a command the way the pipeline does: begin, process per input (or once without), end; one context throughout. */
async function run(name: string, inputs: PsValue[] | undefined, params: Record<string, PsValue> = {}, blocks: (b: PsScriptBlock, v: PsValue | undefined) => PsValue[] = () => []): Promise<Run> {
  const values = new Map(Object.entries(params));
  const bound: BoundParameters = { parameterSetName: '__AllParameterSets', values, has: (n) => values.has(n), get: (n) => values.get(n) };
  const output: PsValue[] = [];
  hostText.length = 0;
  const ctx = {
    bound,
    invocation: { commandName: name, line: 1, column: 1, lineText: name, length: name.length },
    signal: new AbortController().signal,
    writeObject: (v: PsValue) => output.push(v),
    errorRecord: (init: PsErrorRecord['init']) => new PsErrorRecord({ ...init, commandName: name }),
    invokeScriptBlock: async (b: PsValue, v: PsValue | undefined) => blocks(b as PsScriptBlock, v),
  } as unknown as PsCommandContext;
  const cmd = command(name);
  await cmd.begin?.(ctx);
  if (inputs === undefined) await cmd.process?.(ctx, undefined);
  else for (const v of inputs) await cmd.process?.(ctx, v);
  await cmd.end?.(ctx);
  return { output, host: hostText.join('') };
}

const item = (name: string, size: number): PsObject => PsObject.custom([['Name', name], ['Size', size]]);
const feature = (name: string, state: string): PsObject => new PsObject(['T.Feature'], [['Name', name], ['State', state]]);
const on = new PsSwitch(true);

describe('Format-Table and Format-List write format objects', () => {
  it('one object per packet: start, group start, a row each, group end, end', async () => {
    const { output } = await run('Format-Table', [item('a', 1), item('b', 2)]);
    expect(output).toHaveLength(6);
    expect(output.map((o) => (o as PsObject).typeNames[0])).toEqual([
      'Microsoft.PowerShell.Commands.Internal.Format.FormatStartData',
      'Microsoft.PowerShell.Commands.Internal.Format.GroupStartData',
      'Microsoft.PowerShell.Commands.Internal.Format.FormatEntryData',
      'Microsoft.PowerShell.Commands.Internal.Format.FormatEntryData',
      'Microsoft.PowerShell.Commands.Internal.Format.GroupEndData',
      'Microsoft.PowerShell.Commands.Internal.Format.FormatEndData',
    ]);
    expect(output.every((o) => formatPacketOf(o) !== undefined)).toBe(true);
  });

  it('Out-Default prints them as it prints the objects themselves', async () => {
    const formatted = await run('Format-Table', [item('a', 1), item('b', 2)]);
    const printed = await run('Out-Default', formatted.output);
    expect(printed.host).toBe(formatForHost([item('a', 1), item('b', 2)], { bufferWidth: 80 }));
    expect(printed.host).toBe('\r\nName Size\r\n---- ----\r\na       1\r\nb       2\r\n\r\n\r\n');
  });

  it('Format-Table -Property takes names, wildcards and calculated properties (widths from the rows override a requested width)', async () => {
    const size = new PsScriptBlock(null, '$_.Size * 2');
    const calc = new PsHashtable();
    calc.set('l', 'Double');
    calc.set('e', size);
    calc.set('w', 8);
    calc.set('a', 'right');
    const formatted = await run('Format-Table', [item('a', 1), item('b', 2)], { Property: ['N*', calc] }, (_b, v) => [((v as PsObject).get('Size') as number) * 2]);
    const { output } = await run('Out-String', formatted.output);
    // The first column asks for sizing, so the held rows size every column, the Width of 8 included (as in 5.1).
    expect(output).toEqual(['\r\nName Double\r\n---- ------\r\na         2\r\nb         4\r\n\r\n\r\n']);
  });

  it('Format-Table uses the table view of the type, and -HideTableHeaders drops the header', async () => {
    const formatted = await run('Format-Table', [feature('IPAM', 'Installed')], { HideTableHeaders: on });
    const { output } = await run('Out-String', formatted.output);
    expect(output).toEqual(['\r\nIPAM          Installed\r\n\r\n\r\n']);
  });

  it('Format-Table -Wrap wraps long values inside their column', async () => {
    const formatted = await run('Format-Table', [feature('Remote Server Administration Tools', 'Available')], { Wrap: on });
    const { output } = await run('Out-String', formatted.output, { Stream: on });
    // A word longer than the room left fills the line, then goes on on the next (GenerateLinesWithWordWrap).
    expect(output).toEqual(['', 'Name              State', '----              -----', 'Remote        Available', 'Server Admin           ', 'istration              ', 'Tools                  ', '', '']);
  });

  it('Format-List shows every property with *, and a list even for two properties', async () => {
    const formatted = await run('Format-List', [feature('IPAM', 'Installed')], { Property: '*' });
    const { output } = await run('Out-String', formatted.output);
    expect(output).toEqual(['\r\n\r\nName  : IPAM\r\nState : Installed\r\n\r\n\r\n\r\n']);
  });

  it('Format-Table -AutoSize sizes columns to every row, however late it comes', async () => {
    const formatted = await run('Format-Table', [item('a', 1), item('a much longer name', 22)], { AutoSize: on });
    const { output } = await run('Out-String', formatted.output, { Stream: on });
    expect(output).toEqual(['', 'Name               Size', '----               ----', 'a                     1', 'a much longer name   22', '', '']);
  });
});

describe('Out-String', () => {
  it('returns one string with every line and its CRLF, scalars included', async () => {
    expect((await run('Out-String', ['x', 42])).output).toEqual(['x\r\n42\r\n']);
    expect((await run('Out-String', [])).output).toEqual(['']);
  });

  it('-Stream writes each line as its own string', async () => {
    expect((await run('Out-String', [item('a', 1)], { Stream: on })).output).toEqual(['', 'Name Size', '---- ----', 'a       1', '', '']);
  });

  it('-Width lays lines out on that many cells', async () => {
    const h = new PsHashtable();
    h.set('k', 'v');
    const narrow = (await run('Out-String', [h], { Stream: on })).output;
    const wide = (await run('Out-String', [h], { Stream: on, Width: 100 })).output;
    expect((narrow[1] as string).length).toBe(79);
    expect((wide[1] as string).length).toBe(100);
  });

  it('takes -InputObject when there is no pipeline input', async () => {
    expect((await run('Out-String', undefined, { InputObject: 'x' })).output).toEqual(['x\r\n']);
  });
});

describe('Out-Default and Out-Host', () => {
  it('write the text to the host, nothing to the pipeline', async () => {
    const { output, host } = await run('Out-Host', ['hello', item('a', 1)]);
    expect(output).toEqual([]);
    expect(host).toBe('hello\r\n\r\nName Size\r\n---- ----\r\na       1\r\n\r\n\r\n');
  });

  it('print an error record in the output stream with the error view', async () => {
    const record = new PsErrorRecord({ exceptionType: 'System.Exception', message: 'boom', errorId: 'Boom', category: 'NotSpecified' });
    const { host } = await run('Out-Default', [record]);
    expect(host).toBe('boom\r\n    + CategoryInfo          : NotSpecified: (:) [], Exception\r\n    + FullyQualifiedErrorId : Boom\r\n \r\n');
  });
});

describe('ConvertTo-Json', () => {
  it('converts one input as itself, several as an array, and drops $null', async () => {
    expect((await run('ConvertTo-Json', [item('a', 1)], { Compress: on })).output).toEqual(['{"Name":"a","Size":1}']);
    expect((await run('ConvertTo-Json', [1, null, 2], { Compress: on })).output).toEqual(['[1,2]']);
    expect((await run('ConvertTo-Json', [null])).output).toEqual([]);
  });

  it('honours -Depth and refuses one above 100', async () => {
    const deep = PsObject.custom([['a', PsObject.custom([['b', PsObject.custom([['c', 1]])]])]]);
    expect((await run('ConvertTo-Json', [deep], { Compress: on, Depth: 1 })).output).toEqual(['{"a":{"b":"@{c=1}"}}']);
    await expect(run('ConvertTo-Json', [1], { Depth: 101 })).rejects.toThrow(FormatCommandError);
  });
});
