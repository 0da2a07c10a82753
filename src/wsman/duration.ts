import { CimDateTime } from '../cim/datetime';

/** Milliseconds of an xs:duration such as `PT60S` or `PT60.000S`, or undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  try {
    return CimDateTime.parseXsDuration(text).toMilliseconds();
  } catch {
    return undefined;
  }
}
