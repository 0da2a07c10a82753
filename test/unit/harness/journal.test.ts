import { VirtualClock, SeededIds } from '../../../src/harness';
import { RequestJournal, logLineOf, type RequestRecord } from '../../../src/harness/journal';
import { parseJournalQuery, type QueryContext } from '../../../src/harness/journalQuery';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function journal(capacity = 10): { journal: RequestJournal; clock: VirtualClock } {
  const clock = new VirtualClock(T0);
  return { journal: new RequestJournal(capacity, { clock, ids: new SeededIds(1) }), clock };
}

const record = (over: Partial<RequestRecord> = {}): RequestRecord => ({
  method: 'POST',
  client: '127.0.0.1',
  host: 'ipam1.contoso.com',
  user: 'IPAM1\\Administrator',
  status: 200,
  ms: 1.23456,
  journal: { operation: 'Get', door: 'cim', selectors: { Name: 'x' } },
  ...over,
});

describe('RequestJournal', () => {
  test('an entry has every field, null where nothing is known, and the time of arrival on the emulator clock', () => {
    const { journal: j, clock } = journal();
    const arrived = j.now();
    void clock.advance(5000);
    const e = j.record(record({ fault: 'w:InvalidSelectors', faultMessage: 'bad' }), arrived);
    expect(e).toEqual({
      seq: 1,
      time: '2026-01-01T00:00:00.000Z',
      durationMs: 1.235,
      client: '127.0.0.1',
      host: 'ipam1.contoso.com',
      user: 'IPAM1\\Administrator',
      auth: null,
      tls: false,
      httpMethod: 'POST',
      door: 'cim',
      operation: 'Get',
      methodName: null,
      action: null,
      resourceUri: null,
      selectors: { Name: 'x' },
      parameters: null,
      messageId: null,
      status: 200,
      fault: 'w:InvalidSelectors',
      faultMessage: 'bad',
      faultRule: null,
      error: null,
      signedBy: null,
      userAgent: null,
    });
  });

  test('faultRule: the rule the record names is on the entry', () => {
    const { journal: j } = journal();
    expect(j.record(record({ faultRule: 'drop-every-3rd' }), j.now())?.faultRule).toBe('drop-every-3rd');
  });

  test('a step fault is an entry of its own: door engine, operation Step, the step as selector', () => {
    const { journal: j } = journal();
    const e = j.recordStepFault({ host: 'ipam2.contoso.com', step: 'roles', user: 'CONTOSO\\admin', ruleId: 'r1', effect: 'cimError', message: 'refused' });
    expect(e).toMatchObject({ door: 'engine', operation: 'Step', methodName: 'roles', selectors: { step: 'roles' }, fault: 'cimError', faultMessage: 'refused', faultRule: 'r1', status: null });
    expect(j.requests({ limit: 10, operation: 'Step' }).entries).toEqual([e]);
  });

  test('the log line is the record without the journal-only facts', () => {
    const rec = record({ journal: { parameters: { DatabaseServer: 'db1' } } });
    const line = logLineOf(rec);
    expect(line).not.toHaveProperty('journal');
    expect(line).toMatchObject({ method: 'POST', status: 200 });
    expect(JSON.stringify(line)).not.toContain('DatabaseServer');
    // A shell Command's program (its first word) is logged, nothing else of its command line.
    const command = logLineOf(record({ journal: { door: 'shell', operation: 'Command', parameters: { program: 'powershell' } } }));
    expect(command).toMatchObject({ program: 'powershell' });
    expect(command).not.toHaveProperty('journal');
    expect(logLineOf(record({ journal: { door: 'cim', operation: 'Invoke', parameters: { program: 'x' } } }))).not.toHaveProperty('program');
    const bare = record({ journal: undefined });
    delete bare.journal;
    expect(logLineOf(bare)).toBe(bare);
  });

  test('keeps the newest N; a page is the newest `limit` matching, oldest first, with the count matched', () => {
    const { journal: j } = journal(5);
    for (let i = 0; i < 8; i++) j.record(record({ status: i % 2 === 0 ? 200 : 500 }), j.now());
    const all = j.requests({ limit: 5 });
    expect(all.entries.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(all.lastSeq).toBe(8);
    const faults = j.requests({ limit: 2, status: 500 });
    expect(faults.entries.map((e) => e.seq)).toEqual([6, 8]);
    expect(faults.matched).toBe(3);
    expect(j.requests({ limit: 1 }).matched).toBe(5);
  });

  test('filters by host, operation, fault (prefix optional), since a sequence number or a time', async () => {
    const { journal: j, clock } = journal();
    j.record(record({ host: 'ipam1.contoso.com', fault: 'w:InvalidSelectors' }), j.now());
    await clock.advance(60_000);
    j.record(record({ host: 'IPAM2.contoso.com', journal: { operation: 'Invoke' } }), j.now());
    j.record(record({ host: 'ipam2.contoso.com', fault: 'a:DestinationUnreachable' }), j.now());
    const seqs = (f: Parameters<RequestJournal['requests']>[0]): number[] => j.requests(f).entries.map((e) => e.seq);
    expect(seqs({ limit: 10, host: 'ipam2.contoso.com' })).toEqual([2, 3]);
    expect(seqs({ limit: 10, operation: 'invoke' })).toEqual([2]);
    expect(seqs({ limit: 10, fault: 'InvalidSelectors' })).toEqual([1]);
    expect(seqs({ limit: 10, fault: 'w:invalidselectors' })).toEqual([1]);
    expect(seqs({ limit: 10, fault: 'a:InvalidSelectors' })).toEqual([]);
    expect(seqs({ limit: 10, since: { seq: 1 } })).toEqual([2, 3]);
    expect(seqs({ limit: 10, since: { time: T0 + 60_000 } })).toEqual([2, 3]);
    expect(seqs({ limit: 10, since: { time: T0 + 60_001 } })).toEqual([]);
  });

  test('near misses ride on their request, and a host clear forgets both of that host only', () => {
    const { journal: j } = journal();
    const miss = { kind: 'selector' as const, given: 'Nmae', didYouMean: 'Name', hint: 'did you mean the selector Name?', suggested: {} };
    j.record(record({ host: 'ipam1.contoso.com', journal: { operation: 'Get', nearMisses: [miss] } }), j.now());
    j.record(record({ host: 'ipam2.contoso.com', journal: { operation: 'Get', nearMisses: [miss] } }), j.now());
    expect(j.nearMisses({ limit: 10 }).entries.map((m) => [m.requestSeq, m.host, m.given, m.operation])).toEqual([
      [1, 'ipam1.contoso.com', 'Nmae', 'Get'],
      [2, 'ipam2.contoso.com', 'Nmae', 'Get'],
    ]);
    expect(j.nearMisses({ limit: 10, kind: 'parameter' }).entries).toEqual([]);
    j.clear('IPAM1.contoso.com');
    expect(j.requests({ limit: 10 }).entries.map((e) => e.host)).toEqual(['ipam2.contoso.com']);
    expect(j.nearMisses({ limit: 10 }).entries.map((m) => m.host)).toEqual(['ipam2.contoso.com']);
    j.clear();
    expect(j.requests({ limit: 10 }).entries).toEqual([]);
    expect(j.nearMisses({ limit: 10 }).entries).toEqual([]);
    expect(j.record(record(), j.now())?.seq).toBe(3);
  });

  test('bounds what one entry keeps: long texts are cut, at most 64 selectors', () => {
    const { journal: j } = journal();
    const selectors = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`S${i}`, 'v'.repeat(10_000)]));
    const e = j.record(record({ resourceUri: 'u'.repeat(100_000), journal: { selectors } }), j.now());
    expect(e?.resourceUri?.length).toBeLessThan(2200);
    expect(Object.keys(e?.selectors ?? {})).toHaveLength(65);
    expect(e?.selectors.S0?.length).toBeLessThan(600);
    expect(JSON.stringify(e).length).toBeLessThan(60_000);
  });

  test('size 0 keeps nothing; a size out of range is refused', () => {
    const { journal: off } = journal(0);
    expect(off.enabled).toBe(false);
    expect(off.record(record(), off.now())).toBeUndefined();
    expect(() => new RequestJournal(-1)).toThrow(/whole number from 0/);
    expect(() => new RequestJournal(2_000_000)).toThrow(/whole number from 0 to 1000000/);
  });
});

describe('parseJournalQuery', () => {
  const ctx: QueryContext = {
    capacity: 500,
    resolveHost: (n) => (['ipam1', 'ipam1.contoso.com'].includes(n.toLowerCase()) ? 'ipam1.contoso.com' : undefined),
    knownFaults: ['w:InvalidSelectors', 'a:DestinationUnreachable'],
  };
  const ok = (q: Record<string, unknown>) => {
    const r = parseJournalQuery(q, ctx);
    if (!r.ok) throw new Error(r.error);
    return r.filter;
  };
  const error = (q: Record<string, unknown>, allowed?: readonly string[]): string => {
    const r = parseJournalQuery(q, ctx, allowed);
    if (r.ok) throw new Error(`accepted ${JSON.stringify(q)}`);
    return r.error;
  };

  test('reads every filter; limit defaults to 100 (or the journal size, if smaller)', () => {
    expect(ok({})).toEqual({ limit: 100 });
    expect(parseJournalQuery({}, { ...ctx, capacity: 7 })).toEqual({ ok: true, filter: { limit: 7 } });
    expect(ok({ host: 'IPAM1', operation: 'getclass', status: '500', fault: 'invalidselectors', since: '12', limit: '500' })).toEqual({
      host: 'ipam1.contoso.com',
      operation: 'GetClass',
      status: 500,
      fault: 'invalidselectors',
      since: { seq: 12 },
      limit: 500,
    });
    expect(ok({ since: '2026-01-01T10:00:00+01:00' }).since).toEqual({ time: Date.parse('2026-01-01T09:00:00Z') });
    expect(ok({ since: '2026-01-01T09:00Z' }).since).toEqual({ time: Date.parse('2026-01-01T09:00:00Z') });
  });

  test.each([
    [{ host: 'ipam7' }, "no host 'ipam7' in the fleet"],
    [{ host: '' }, "no host '' in the fleet"],
    [{ operation: 'Frob' }, "unknown operation 'Frob'; the operations are Identify, Get, GetClass"],
    [{ status: '20' }, "status must be an HTTP status code (100 to 599), not '20'"],
    [{ status: '5000' }, 'status must be an HTTP status code'],
    [{ fault: 'w:DestinationUnreachable' }, "unknown fault 'w:DestinationUnreachable'"],
    [{ since: '2026-01-01' }, "since must be a journal sequence number (entries after it) or an ISO-8601 date and time"],
    [{ since: '-3' }, 'since must be'],
    [{ limit: '501' }, "limit must be a whole number from 1 to 500 (the journal's size), not '501'"],
    [{ limit: '1.5' }, 'limit must be a whole number'],
    [{ colour: 'red' }, "unknown filter 'colour'; the filters are host, operation, status, fault, since, limit"],
    [{ host: ['a', 'b'] }, "give the filter 'host' once, as a single value"],
  ])('%j is refused: %s', (q, message) => {
    expect(error(q)).toContain(message);
  });

  test('the near-miss filters: kind, and no status', () => {
    const allowed = ['host', 'operation', 'fault', 'kind', 'since', 'limit'];
    const r = parseJournalQuery({ kind: 'SELECTOR' }, ctx, allowed);
    expect(r).toEqual({ ok: true, filter: { limit: 100, kind: 'selector' } });
    expect(error({ kind: 'class' }, allowed)).toContain("unknown kind 'class'; the kinds are resourceUri, action, selector, parameter");
    expect(error({ status: '500' }, allowed)).toContain("unknown filter 'status'");
  });
});
