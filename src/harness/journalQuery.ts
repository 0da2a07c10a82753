/**
 * The filters of `GET /_emulator/requests` and `GET /_emulator/near-misses`, read from a query
 * string. A value that cannot be meant (an unknown host, operation or fault, a status that is
 * not one, a limit past the journal's size, a filter that does not exist) is refused with a
 * message naming it, never ignored: a harness asserting "no such request" on a filter that
 * silently matched nothing would pass for the wrong reason.
 */
import { DEFAULT_LIMIT, type JournalFilter } from './journal';
import type { NearMissKind } from './nearMisses';

/** The operations a journal entry can name (the CIM door's, then the shell's own). */
export const JOURNAL_OPERATIONS: readonly string[] = [
  'Identify',
  'Get',
  'GetClass',
  'Put',
  'Create',
  'Delete',
  'Enumerate',
  'Pull',
  'Release',
  'Renew',
  'GetStatus',
  'Subscribe',
  'Invoke',
  'Command',
  'Send',
  'Receive',
  'Signal',
  // A fault rule that fired inside a provisioning step (RequestJournal.recordStepFault).
  'Step',
];

const NEAR_MISS_KINDS: readonly NearMissKind[] = ['resourceUri', 'action', 'selector', 'parameter', 'replay'];

export const REQUEST_FILTERS = ['host', 'operation', 'status', 'fault', 'since', 'limit'] as const;
export const NEAR_MISS_FILTERS = ['host', 'operation', 'fault', 'kind', 'since', 'limit'] as const;

export interface QueryContext {
  /** The journal's size: the largest `limit`. */
  readonly capacity: number;
  /** A host's FQDN from its FQDN or NetBIOS name (any case), or undefined for a name the fleet lacks. */
  readonly resolveHost: (name: string) => string | undefined;
  /** Fault subcodes as the emulator writes them (`w:InvalidSelectors`). */
  readonly knownFaults: readonly string[];
}

export type QueryResult = { readonly ok: true; readonly filter: JournalFilter } | { readonly ok: false; readonly error: string };

/** Reads `query` (as express parses it) against the filters `allowed`. */
export function parseJournalQuery(query: Readonly<Record<string, unknown>>, ctx: QueryContext, allowed: readonly string[] = REQUEST_FILTERS): QueryResult {
  const fail = (error: string): QueryResult => ({ ok: false, error });
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name)) return fail(`unknown filter '${name}'; the filters are ${allowed.join(', ')}`);
    if (typeof value !== 'string') return fail(`give the filter '${name}' once, as a single value`);
    values[name] = value.trim();
  }
  const defaultLimit = Math.min(DEFAULT_LIMIT, ctx.capacity);
  let limit = defaultLimit;
  if (values.limit !== undefined) {
    const n = Number(values.limit);
    if (!/^\d+$/.test(values.limit) || n < 1 || n > ctx.capacity) {
      return fail(`limit must be a whole number from 1 to ${ctx.capacity} (the journal's size), not '${values.limit}'`);
    }
    limit = n;
  }
  const filter: { -readonly [K in keyof JournalFilter]: JournalFilter[K] } = { limit };
  if (values.host !== undefined) {
    const fqdn = values.host === '' ? undefined : ctx.resolveHost(values.host);
    if (fqdn === undefined) return fail(`no host '${values.host}' in the fleet; give a host's FQDN or NetBIOS name`);
    filter.host = fqdn;
  }
  if (values.operation !== undefined) {
    const op = JOURNAL_OPERATIONS.find((o) => o.toLowerCase() === values.operation?.toLowerCase());
    if (!op) return fail(`unknown operation '${values.operation}'; the operations are ${JOURNAL_OPERATIONS.join(', ')}`);
    filter.operation = op;
  }
  if (values.status !== undefined) {
    const n = Number(values.status);
    if (!/^\d{3}$/.test(values.status) || n < 100 || n > 599) return fail(`status must be an HTTP status code (100 to 599), not '${values.status}'`);
    filter.status = n;
  }
  if (values.fault !== undefined) {
    const wanted = values.fault.toLowerCase();
    const known = ctx.knownFaults.find((f) => (wanted.includes(':') ? f.toLowerCase() === wanted : f.slice(f.indexOf(':') + 1).toLowerCase() === wanted));
    if (!known) return fail(`unknown fault '${values.fault}'; give a subcode such as w:InvalidSelectors or InvalidSelectors (known: ${ctx.knownFaults.join(', ')})`);
    filter.fault = values.fault;
  }
  if (values.kind !== undefined) {
    const kind = NEAR_MISS_KINDS.find((k) => k.toLowerCase() === values.kind?.toLowerCase());
    if (!kind) return fail(`unknown kind '${values.kind}'; the kinds are ${NEAR_MISS_KINDS.join(', ')}`);
    filter.kind = kind;
  }
  if (values.since !== undefined) {
    const since = sinceOf(values.since);
    if (!since) return fail(`since must be a journal sequence number (entries after it) or an ISO-8601 date and time such as 2026-01-01T00:00:00Z (entries from it on), not '${values.since}'`);
    filter.since = since;
  }
  return { ok: true, filter };
}

/** A sequence number (digits only), or an ISO-8601 date and time with a zone or in UTC. */
function sinceOf(v: string): JournalFilter['since'] | undefined {
  if (/^\d{1,15}$/.test(v)) return { seq: Number(v) };
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(v)) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? { time: t } : undefined;
}
