/**
 * Near misses: requests refused because they named something the emulator does not know (a
 * resource URI, an action, a selector, a method parameter), each with the closest thing it
 * does know. This module holds what a near miss is and how "closest" is measured; which part
 * of a WS-Man request missed is worked out where requests are understood (wsman/nearMiss.ts).
 */

/** What part of the request named something unknown. */
/** `replay`: serve --replay's cassette holds no reply for the request (harness/replay.ts). */
export type NearMissKind = 'resourceUri' | 'action' | 'selector' | 'parameter' | 'replay';

export interface NearMissSuggestion {
  readonly kind: NearMissKind;
  /** The name as the request gave it: a class name, a namespace, an action, a selector or parameter name (never a value). */
  readonly given: string;
  /** The closest name the emulator knows, or null when nothing is close enough to guess. */
  readonly didYouMean: string | null;
  /** For a person: "did you mean MSFT_IPAM_Server / __cimnamespace=root/Microsoft/IPAM?", or what is known instead. */
  readonly hint: string;
  /** The corrected forms a client could send, where there are some. */
  readonly suggested: {
    readonly resourceUri?: string;
    /** The __cimnamespace selector to add (or correct). */
    readonly cimNamespace?: string;
    readonly action?: string;
  };
}

/** A near miss as the admin API lists it: the suggestion and the request it came from. */
export interface NearMiss extends NearMissSuggestion {
  /** The journal sequence number of the request (GET /_emulator/requests lists it under that seq). */
  readonly requestSeq: number;
  readonly time: string;
  readonly host: string | null;
  readonly client: string | null;
  readonly user: string | null;
  readonly operation: string | null;
  readonly action: string | null;
  readonly resourceUri: string | null;
  readonly fault: string | null;
}

/** Names longer than this are not compared (a hostile 100 kB "class name" costs nothing). */
const MAX_COMPARED = 256;

/**
 * The optimal-string-alignment distance (Levenshtein plus adjacent transpositions) between two
 * strings, compared as given (callers lower-case them for a case-insensitive measure).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length] as number;
}

/**
 * How far a guess may be from what was given to still be offered: a third of the longer
 * name, at least one edit. "MSFT_IPAM_Servr" finds MSFT_IPAM_Server; "Colour" finds no
 * parameter of InvokeIpamServerProvisioning.
 */
function tolerance(a: string, b: string): number {
  return Math.max(1, Math.floor(Math.max(a.length, b.length) / 3));
}

/**
 * The candidate closest to `given`, case-insensitively, within the tolerance; ties go to the
 * earlier candidate. An exact match (ignoring case) has distance 0.
 */
export function closest(given: string, candidates: Iterable<string>): { readonly name: string; readonly distance: number } | undefined {
  if (given === '' || given.length > MAX_COMPARED) return undefined;
  const g = given.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    if (name.length > MAX_COMPARED || Math.abs(name.length - g.length) > tolerance(g, name)) continue;
    const d = editDistance(g, name.toLowerCase());
    if (d <= tolerance(g, name) && (!best || d < best.distance)) best = { name, distance: d };
    if (d === 0) break;
  }
  return best;
}

/** A list of names for a hint, cut short when long. */
export function listNames(names: readonly string[], max = 12): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length - max} more)`;
}
