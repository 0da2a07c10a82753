import { PsEnum, PsHashtable, PsObject, type PsValue } from '../../../../src/powershell/runtime/values';
import { OutDefaultFormatter, formatForHost } from '../../../../src/powershell/format/outDefault';
import { fitColumnWidths, TableWriter } from '../../../../src/powershell/format/tableWriter';
import type { FormatView } from '../../../../src/powershell/format/views';

const obj = (...props: Array<[string, PsValue]>): PsObject => PsObject.custom(props);
const lines = (text: string): string[] => text.split('\r\n');

describe('a PSCustomObject with at most 4 properties is a table', () => {
  it('has a blank line before the header, dashes as long as each heading, and two blank lines after', () => {
    const text = formatForHost([obj(['Name', 'IpAddressTracking'], ['Status', 'Enabled'])], { bufferWidth: 120 });
    expect(text).toBe('\r\nName              Status \r\n----              ------ \r\nIpAddressTracking Enabled\r\n\r\n\r\n');
  });

  it('sizes unsized columns to the heading and the rows that arrive within 300 ms (PowerShell 5)', () => {
    const text = formatForHost([obj(['a', 'x'], ['bb', 'yyyy']), obj(['a', 'longer value'], ['bb', 'z'])], { bufferWidth: 80 });
    expect(lines(text)).toEqual(['', 'a            bb  ', '-            --  ', 'x            yyyy', 'longer value z   ', '', '', '']);
  });

  it('right-aligns columns whose first value is a number, a boolean or an enum; not strings', () => {
    const text = formatForHost([obj(['Id', 7], ['Ok', true], ['Name', 'n'], ['Kind', new PsEnum('K', 'Auto', 1)]), obj(['Id', 1234], ['Ok', false], ['Name', 'nn'], ['Kind', new PsEnum('K', 'Manual', 2)])], {
      bufferWidth: 120,
    });
    expect(lines(text).slice(1, 5)).toEqual(['  Id    Ok Name   Kind', '  --    -- ----   ----', '   7  True n      Auto', '1234 False nn   Manual']);
  });

  it('cuts a value longer than its column with "..." once the widths are fixed', () => {
    let now = 0;
    const f = new OutDefaultFormatter({ bufferWidth: 80, clock: () => now });
    let text = f.write(obj(['caption', 'Short'], ['version', '1']));
    expect(text).toBe('\r\n'); // the blank line before the table; the rows wait for their widths
    now = 301; // a row past the 300 ms window still counts, then the widths are decided
    text += f.write(obj(['caption', 'Short2'], ['version', '2']));
    expect(lines(text)).toEqual(['', 'caption version', '------- -------', 'Short   1      ', 'Short2  2      ', '']);
    text += f.write(obj(['caption', 'Microsoft Windows Server 2012 R2 Standard'], ['version', '6.3.9600']));
    text += f.end();
    expect(lines(text).slice(5)).toEqual(['Micr... 6.3....', '', '', '']);
  });

  it('fills the line when an unsized column has no rows to size it: the Dictionary view gives Value the rest', () => {
    const h = new PsHashtable();
    h.set('a', 1);
    h.set('Items', [1, 2, 3, 4, 5]);
    const text = formatForHost([h], { bufferWidth: 80 });
    const rows = lines(text);
    // Name is 30 wide, Value takes the other 79 - 30 - 1 = 48 cells.
    expect(rows[1]).toBe(`${'Name'.padEnd(30)} ${'Value'.padEnd(48)}`);
    expect(rows[2]).toBe(`${'----'.padEnd(30)} ${'-----'.padEnd(48)}`);
    expect(rows[3]).toBe(`${'a'.padEnd(30)} ${'1'.padEnd(48)}`);
    expect(rows[4]?.trimEnd()).toBe('Items                          {1, 2, 3, 4...}');
    expect(rows.slice(5)).toEqual(['', '', '']);
  });

  it('drops columns from the right when they do not fit the line', () => {
    const long = 'x'.repeat(50);
    const text = formatForHost([obj(['a', long], ['b', long], ['c', 'c'])], { bufferWidth: 80 });
    expect(lines(text)[1]).toBe(`a${' '.repeat(49)} b${' '.repeat(27)}`);
    expect(lines(text)[3]).toBe(`${long} ${'x'.repeat(25)}...`);
  });
});

describe('the pywinrm#301 table (PowerShell 4 on Server 2012 R2)', () => {
  const recorded =
    '\r\ncaption                                 version                                \r\n-------                                 -------                                \r\nMicrosoft Windows Server 2012 R2 Sta... 6.3.9600                               \r\n\r\n\r\n';

  it('is ColumnWidthManager sharing 79 cells between two unsized columns, with 5.1 framing', () => {
    expect(fitColumnWidths([0, 0], 79)).toEqual([39, 39]);
    const writer = TableWriter.create(79, [0, 0], ['Left', 'Left'], false);
    if (!writer) throw new Error('no table');
    const body = [...writer.header(['caption', 'version']), ...writer.row(['Microsoft Windows Server 2012 R2 Standard', '6.3.9600'], [], false)];
    expect(['', ...body, '', ''].map((l) => `${l}\r\n`).join('')).toBe(recorded);
  });

  it('under 5.1 the same object sizes its columns to the data instead (the row arrives within 300 ms)', () => {
    const text = formatForHost([obj(['caption', 'Microsoft Windows Server 2012 R2 Standard'], ['version', '6.3.9600'])], { bufferWidth: 80 });
    expect(text).toBe('\r\ncaption                                   version \r\n-------                                   ------- \r\nMicrosoft Windows Server 2012 R2 Standard 6.3.9600\r\n\r\n\r\n');
  });
});

describe('5 or more properties make a list', () => {
  const five = obj(['a', 1], ['bb', 'x'], ['ccc', true], ['dd', null], ['e', [1, 2]]);

  it('pads labels to the longest, keeps the blank after an empty value, two blank lines before and three after', () => {
    expect(formatForHost([five], { bufferWidth: 120 })).toBe('\r\n\r\na   : 1\r\nbb  : x\r\nccc : True\r\ndd  : \r\ne   : {1, 2}\r\n\r\n\r\n\r\n');
  });

  it('separates entries with one blank line', () => {
    const text = formatForHost([five, five], { bufferWidth: 120 });
    expect(text.match(/e {3}: \{1, 2\}\r\n\r\na {3}: 1/g)).toHaveLength(1);
  });

  it('wraps a long value under the value column, at word boundaries', () => {
    const text = formatForHost([obj(['Name', 'n'], ['B', 2], ['C', 3], ['D', 4], ['Description', 'one two three four five six seven'])], { bufferWidth: 30 });
    expect(lines(text)).toContain('Description : one two three ');
    expect(lines(text)).toContain('              four five six ');
    expect(lines(text)).toContain('              seven');
  });

  it('uses the DefaultDisplayPropertySet when there is one', () => {
    const cim = new PsObject(['X.Y'], [['A', 1], ['B', 2], ['C', 3], ['D', 4], ['E', 5]], { defaultDisplay: ['E', 'A'] });
    expect(lines(formatForHost([cim], { bufferWidth: 80 })).slice(1, 4)).toEqual(['E A', '- -', '5 1']);
  });
});

describe('the first object decides', () => {
  it('a later object of another shape becomes a row of the first table, blank where it lacks its columns', () => {
    const text = formatForHost([obj(['a', 1]), obj(['b', 2]), obj(['a', 3])], { bufferWidth: 80 });
    expect(lines(text)).toEqual(['', 'a', '-', '1', ' ', '3', '', '', '']);
  });

  it('scalars are printed where they arrive, even between rows', () => {
    const text = formatForHost([obj(['a', 1]), 'hello', obj(['a', 2])], { bufferWidth: 80 });
    expect(lines(text)).toEqual(['', 'a', '-', '1', 'hello', '2', '', '', '']);
  });

  it('after a view, an object the view does not apply to is printed as a list of its own', () => {
    const view: FormatView = { typeName: 'T.Capability', kind: 'table', columns: [{ property: 'Name', width: 10 }] };
    const cap = new PsObject(['T.Capability'], [['Name', 'X']]);
    const text = formatForHost([cap, obj(['Other', 1])], { bufferWidth: 80, views: [view] });
    expect(lines(text)).toEqual(['', 'Name      ', '----      ', 'X         ', '', 'Other : 1', '', '', '', '']);
  });
});

describe('views', () => {
  it('a table view gives labels, widths and alignment; a script column computes its cell', () => {
    const view: FormatView = {
      typeName: 'T.Item',
      kind: 'table',
      columns: [
        { property: 'Name', label: 'Item Name', width: 12 },
        { property: 'Size', width: 6, alignment: 'Right' },
        { property: 'Flag', label: 'F', width: 3, value: (o) => ((o as PsObject).get('Size') === 0 ? 'x' : '') },
      ],
    };
    const items = [new PsObject(['T.Item'], [['Name', 'a-very-long-item-name'], ['Size', 10]]), new PsObject(['T.Item'], [['Name', 'b'], ['Size', 0]])];
    expect(lines(formatForHost(items, { bufferWidth: 120, views: [view] }))).toEqual(['', 'Item Name      Size F  ', '---------      ---- -  ', 'a-very-lo...     10    ', 'b                 0 x  ', '', '', '']);
  });

  it('a list view shows its properties even for two of them', () => {
    const view: FormatView = { typeName: 'T.Cfg', kind: 'list', columns: [{ property: 'Version' }, { property: 'Port' }] };
    const text = formatForHost([new PsObject(['T.Cfg'], [['Version', '1.3'], ['Port', 48885], ['Hidden', 1]])], { bufferWidth: 120, views: [view] });
    expect(text).toBe('\r\n\r\nVersion : 1.3\r\nPort    : 48885\r\n\r\n\r\n\r\n');
  });

  it('the view of the most derived type name wins', () => {
    const views: FormatView[] = [
      { typeName: 'Base', kind: 'list', columns: [{ property: 'A' }] },
      { typeName: 'Derived', kind: 'table', columns: [{ property: 'A', width: 4 }] },
    ];
    const text = formatForHost([new PsObject(['Derived', 'Base'], [['A', 1]])], { bufferWidth: 80, views });
    expect(lines(text).slice(1, 4)).toEqual(['A   ', '-   ', '1   ']);
  });
});
