/**
 * PowerShell's CimSession fan-out: a cmdlet given -CimSession s1,s2,… runs one
 * operation per session, at most -ThrottleLimit at a time; each session's
 * failure is its own error record and the others carry on.
 */

/**
 * What -ThrottleLimit 0 means here. PowerShell computes an "optimum" from the
 * CIM cmdlets already running (powershell-cim-client.md §3), which we do not
 * model; 32 is our choice, PowerShell's usual default for a single cmdlet.
 */
export const DEFAULT_THROTTLE_LIMIT = 32;

export type SessionOutcome<S, T> =
  | { readonly session: S; readonly ok: true; readonly value: T }
  | { readonly session: S; readonly ok: false; readonly error: unknown };

export interface FanoutOptions<S, T> {
  /** At most this many in flight; 0 or absent → DEFAULT_THROTTLE_LIMIT. */
  readonly throttleLimit?: number;
  /** Called when a session's operation starts (it leaves the queue). */
  readonly onStart?: (session: S, index: number) => void;
  /** Called as each session settles, in completion order. */
  readonly onSettled?: (outcome: SessionOutcome<S, T>, index: number) => void;
}

export interface FanoutReport<S, T> {
  /** One outcome per session, in the order the sessions were given. */
  readonly outcomes: Array<SessionOutcome<S, T>>;
  /** The most operations that were ever in flight at once (≤ the throttle limit). */
  readonly maxInFlight: number;
}

export function effectiveThrottleLimit(throttleLimit: number | undefined): number {
  if (throttleLimit === undefined || throttleLimit === 0) return DEFAULT_THROTTLE_LIMIT;
  if (!Number.isInteger(throttleLimit) || throttleLimit < 0) throw new RangeError(`the throttle limit must be a whole number ≥ 0, not ${throttleLimit}`);
  return throttleLimit;
}

/**
 * Runs `work` for every session with at most `throttleLimit` in flight. It never
 * rejects because of a session: every failure (a thrown error or a rejection)
 * lands in that session's outcome.
 */
export async function runAcrossSessions<S, T>(
  sessions: readonly S[],
  work: (session: S, index: number) => Promise<T>,
  opts: FanoutOptions<S, T> = {},
): Promise<FanoutReport<S, T>> {
  const limit = effectiveThrottleLimit(opts.throttleLimit);
  const outcomes = new Array<SessionOutcome<S, T>>(sessions.length);
  let next = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  // Each lane takes the next queued session when its current one settles; `limit` lanes hold the throttle.
  const lane = async (): Promise<void> => {
    while (next < sessions.length) {
      const index = next++;
      const session = sessions[index] as S;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let outcome: SessionOutcome<S, T>;
      try {
        opts.onStart?.(session, index);
        // Through a promise so a synchronous throw in `work` is caught like a rejection.
        const value = await Promise.resolve().then(() => work(session, index));
        outcome = { session, ok: true, value };
      } catch (error) {
        outcome = { session, ok: false, error };
      }
      inFlight--;
      outcomes[index] = outcome;
      opts.onSettled?.(outcome, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, sessions.length) }, lane));
  return { outcomes, maxInFlight };
}
