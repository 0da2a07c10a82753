/**
 * Numbers as .NET Framework 4.x (the runtime of Windows PowerShell 5.1) turns them into text.
 * Int32 values print as plain decimals; a Double prints with the "G" format and 15 significant
 * digits (Double.ToString()), so 0.1 + 0.2 shows 0.3, while JSON uses "R" (round-trip: G15 when
 * that parses back to the same value, else G17), so ConvertTo-Json shows 0.30000000000000004.
 */

/** Double.ToString("G<precision>", InvariantCulture) as .NET Framework writes it. */
export function formatDoubleG(value: number, precision = 15): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  // .NET Framework prints negative zero as "0" (.NET Core 3.0+ would print "-0").
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const [mantissa, expText] = Math.abs(value).toExponential(precision - 1).split('e') as [string, string];
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const exponent = Number(expText);
  // "G" uses fixed point when -5 < exponent < precision, scientific otherwise.
  if (exponent > -5 && exponent < precision) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    if (digits.length <= exponent + 1) return sign + digits + '0'.repeat(exponent + 1 - digits.length);
    return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  const expSign = exponent < 0 ? '-' : '+';
  return `${sign}${digits[0]}${fraction}E${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** Double.ToString("R", InvariantCulture) on .NET Framework: G15 when it round-trips, else G17. */
export function formatDoubleR(value: number): string {
  const g15 = formatDoubleG(value, 15);
  if (!Number.isFinite(value) || Number(g15) === value) return g15;
  return formatDoubleG(value, 17);
}

/** True for the numbers the value model holds as System.Int32. */
export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 && !Object.is(value, -0);
}

/** A number as PowerShell 5.1 displays it (Int32 or Double). */
export function formatNumber(value: number): string {
  return isInt32(value) ? String(value) : formatDoubleG(value, 15);
}
