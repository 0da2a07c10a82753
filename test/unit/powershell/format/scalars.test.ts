import { PsDateTime, PsEnum, PsObject, PsScriptBlock, PsSecureString, PsSwitch } from '../../../../src/powershell/runtime/values';
import { formatDoubleG, formatDoubleR } from '../../../../src/powershell/format/numbers';
import { formatForHost, writeHostText } from '../../../../src/powershell/format/outDefault';
import { longDateTime, roundtripDateTime, shortDateTime } from '../../../../src/powershell/format/dates';
import { cellText, toDisplayString } from '../../../../src/powershell/format/text';

const out = (...values: Parameters<typeof formatForHost>[0]): string => formatForHost(values, { bufferWidth: 120 });
const dec7 = new PsDateTime(new Date(Date.UTC(2026, 11, 7, 17, 19, 4)));

describe('Out-Default: scalars print their ToString and CRLF', () => {
  it('strings, numbers, booleans and enums each make one line', () => {
    expect(out('C:\\Windows', 42, -7, true, false, new PsEnum('Microsoft.Windows.Ipam.ProvisioningMethod', 'Automatic', 1))).toBe(
      'C:\\Windows\r\n42\r\n-7\r\nTrue\r\nFalse\r\nAutomatic\r\n',
    );
  });

  it('a double shows 15 significant digits: 0.1 + 0.2 is 0.3', () => {
    expect(out(0.1 + 0.2, 1 / 3, 2.5, 1e15, 1e-5, 0.0001, -0)).toBe('0.3\r\n0.333333333333333\r\n2.5\r\n1E+15\r\n1E-05\r\n0.0001\r\n0\r\n');
  });

  it('$null prints nothing and an array prints its elements, nested arrays flattened', () => {
    expect(out(null)).toBe('');
    expect(out([1, [2, 3], null, 'x'])).toBe('1\r\n2\r\n3\r\nx\r\n');
  });

  it('an embedded line feed is written as it is, only the line gets CRLF', () => {
    expect(out('a\nb')).toBe('a\nb\r\n');
  });

  it('a SecureString and a switch print their ToString; a script block its text', () => {
    expect(out(new PsSecureString('p@ss'))).toBe('System.Security.SecureString\r\n');
    expect(out(new PsScriptBlock(null, ' Get-Date '))).toBe(' Get-Date \r\n');
    expect(toDisplayString(new PsSwitch(true))).toBe('True');
  });

  it('Write-Host on a redirected stdout ends its text with a bare LF, or nothing with -NoNewline', () => {
    expect(writeHostText('hi')).toBe('hi\n');
    expect(writeHostText('hi', true)).toBe('hi');
  });

  it('a bare DateTime uses the DateTime view: the long date between blank lines', () => {
    expect(out(dec7)).toBe('\r\nMonday, December 7, 2026 5:19:04 PM\r\n\r\n\r\n');
  });
});

describe('.NET number and date text', () => {
  it('G15 and R differ where G15 does not round-trip', () => {
    expect(formatDoubleG(0.1 + 0.2)).toBe('0.3');
    expect(formatDoubleR(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatDoubleR(0.1)).toBe('0.1');
    expect(formatDoubleR(1 / 3)).toBe('0.33333333333333331');
    expect(formatDoubleG(123456789012345680)).toBe('1.23456789012346E+17');
    expect(formatDoubleG(Number.NaN)).toBe('NaN');
    expect(formatDoubleG(-Infinity)).toBe('-Infinity');
  });

  it('DateTime in en-US: short, long, and CLIXML round-trip forms', () => {
    expect(shortDateTime(dec7)).toBe('12/7/2026 5:19:04 PM');
    expect(longDateTime(dec7)).toBe('Monday, December 7, 2026 5:19:04 PM');
    const morning = new PsDateTime(new Date(Date.UTC(2026, 0, 5, 0, 5, 9, 420)));
    expect(shortDateTime(morning)).toBe('1/5/2026 12:05:09 AM');
    expect(roundtripDateTime(morning, () => 540)).toBe('2026-01-05T09:05:09.42+09:00');
    expect(roundtripDateTime(new PsDateTime(morning.date, 'Utc'), () => 540)).toBe('2026-01-05T00:05:09.42Z');
  });

  it('a Local DateTime shows in the host time zone, a Utc one in UTC', () => {
    const plusOne = (): number => 60;
    expect(shortDateTime(dec7, plusOne)).toBe('12/7/2026 6:19:04 PM');
    expect(shortDateTime(new PsDateTime(dec7.date, 'Utc'), plusOne)).toBe('12/7/2026 5:19:04 PM');
  });
});

describe('cell text (SmartToString)', () => {
  it('collections show as {a, b} up to $FormatEnumerationLimit, then "..."', () => {
    expect(cellText([1, 2, 3])).toBe('{1, 2, 3}');
    expect(cellText([1, 2, 3, 4, 5])).toBe('{1, 2, 3, 4...}');
    expect(cellText([])).toBe('{}');
    expect(cellText(['a', null])).toBe('{a, $null}');
    expect(cellText([1, 2, 3], { enumerationLimit: 1, utcOffset: () => 0 })).toBe('{1...}');
  });

  it('objects in a cell show their ToString', () => {
    expect(cellText(PsObject.custom([['a', 1], ['b', [1, 2]]]))).toBe('@{a=1; b=System.Object[]}');
    expect(cellText(new PsObject(['Microsoft.Management.Infrastructure.CimInstance'], [], { text: 'MSFT_IPAM_Range' }))).toBe('MSFT_IPAM_Range');
    expect(cellText(null)).toBe('');
  });
});
