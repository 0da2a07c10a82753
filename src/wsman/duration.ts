/**
 * xs:duration for w:OperationTimeout. Any valid positive duration is accepted
 * and later capped at MaxTimeoutms (MS-WSMV 3.1.4.1.6), so a year or a month
 * only needs a length: 365 and 30 days are plenty for a cap.
 */
const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an xs:duration such as `PT60S` or `PT60.000S`, or undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const n = (i: number): number => Number(m[i] ?? 0);
  const days = n(1) * 365 + n(2) * 30 + n(3);
  const ms = (((days * 24 + n(4)) * 60 + n(5)) * 60 + n(6)) * 1000;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}
