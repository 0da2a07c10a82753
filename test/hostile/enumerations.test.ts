/**
 * Hostile clients, part 3: 1,000 enumerations opened and left open (never
 * pulled, never released). The host's quota holds, contexts expire after
 * enumerationContextTimeoutMs (MS-WSMV 3.1.2, 3.1.4.1.36), the sweeper drops
 * them, a Pull on an expired one is n:InvalidEnumerationContext, and the memory
 * they held comes back.
 *
 * Time: the fixture's timeout is short (1.5 s), shorter than opening 1,000
 * enumerations may take on a busy machine, so the clock the contexts read
 * (Date.now) is frozen while they are opened and moved past the timeout
 * afterwards. Only Date is faked: sockets, timers and the emulator's real
 * 5-second sweeper (src/wsman/enumeration/contexts.ts) run in real time.
 * Nothing asserts a duration; waits are bounded and generous.
 */
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { ACTION, IDENTIFY, NS, bodyOf, call, child, faultOf, parseXml, post, textOf } from '../support/soap';
import { garbageCollector, heapUsed } from '../support/gc';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { IPAM_SERVER_URI } from './corpus';

const canCollect = garbageCollector() !== undefined;

const CONTEXT_TIMEOUT_MS = 1500;
const MAX_CONTEXTS = 1000;
/** EnumerationContexts' sweep interval (its constructor's default, which the emulator keeps). */
const SWEEP_INTERVAL_MS = 5000;
/** Requests in flight at once while opening (the emulator runs in this process, on the same two cores). */
const IN_FLIGHT = 8;

/** The embedded fleet with a short context timeout and room for 1,000 contexts (docs/fixtures.md, policy). */
function fixture(): Fixture {
  const f = loadFixture();
  return { ...f, policy: { ...f.policy, enumerationContextTimeoutMs: CONTEXT_TIMEOUT_MS, maxEnumerationContexts: MAX_CONTEXTS } };
}


/**
 * A heap reading once the heap has settled: jest may have run another test file in
 * this worker just before, whose sockets and timers keep its garbage reachable for a
 * moment after it ends (a baseline taken then was once 34 MB high). Reads until two
 * readings 250 ms apart agree within 1 MB, for at most 10 s.
 */
async function settledHeapUsed(): Promise<number> {
  let last = heapUsed();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const now = heapUsed();
    if (Math.abs(now - last) < 1024 * 1024) return now;
    last = now;
  }
  return last;
}

const ENUMERATE = { action: ACTION.enumerate, resourceUri: IPAM_SERVER_URI, body: '<n:Enumerate/>' };

/** Opens an enumeration without OptimizeEnumeration and returns its context id ('' if it got none). */
async function open(url: string): Promise<{ status: number; context: string; text: string }> {
  const r = await call(url, ENUMERATE);
  const response = r.status === 200 ? child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') : undefined;
  const context = response ? child(response, NS.enumeration, 'EnumerationContext') : undefined;
  return { status: r.status, context: context ? textOf(context).trim() : '', text: r.text };
}

/** Opens `n` enumerations, IN_FLIGHT at a time; throws unless each got a context. */
async function openMany(url: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const r = await open(url);
      if (r.status !== 200 || r.context === '') throw new Error(`Enumerate ${ids.length + 1} got no context: HTTP ${r.status} ${r.text.slice(0, 300)}`);
      ids.push(r.context);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return ids;
}

async function enumerationCall(url: string, action: string, context: string): Promise<{ status: number; fault: string | undefined }> {
  const local = action === ACTION.pull ? 'Pull' : 'Release';
  const r = await call(url, { action, resourceUri: IPAM_SERVER_URI, body: `<n:${local}><n:EnumerationContext>${context}</n:EnumerationContext></n:${local}>` });
  let fault: string | undefined;
  try {
    const f = faultOf(r.xml);
    fault = f.subcode ?? f.code;
  } catch {
    fault = undefined;
  }
  return { status: r.status, fault };
}

/** Waits (in real time) until the emulator holds `n` contexts, or the bound passes; returns what it holds then. */
async function openEnumerationsReach(emu: TestEmulator, n: number, boundMs: number): Promise<number> {
  const until = performance.now() + boundMs;
  while (emu.emulator.openEnumerations !== n && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  return emu.emulator.openEnumerations;
}

/** Moves the (fake) clock past every context's idle timeout. */
function letContextsExpire(): void {
  jest.setSystemTime(Date.now() + CONTEXT_TIMEOUT_MS + 1);
}

let emu: TestEmulator;
let contexts: string[] = [];
const heap: { before?: number; open?: number; after?: number } = {};

beforeAll(async () => {
  // Only Date is faked, frozen at the real time: everything else stays real.
  jest.useFakeTimers({
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    now: Date.now(),
  });
  // The request journal keeps what it is sized to (about 650 bytes a request, docs/journal.md) however the
  // contexts fare: it is off here, so that the heap readings measure the contexts alone.
  emu = await startEmulator({ fixture: fixture(), journalSize: 0 });
  // Warm up the paths the measurement uses (first-call compilation, caches), then take the baseline.
  for (const id of await openMany(emu.url, 100)) await enumerationCall(emu.url, ACTION.release, id);
  heap.before = await settledHeapUsed();
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  jest.useRealTimers();
});

describe('1,000 enumerations left open', () => {
  test('each Enumerate without OptimizeEnumeration returns its own context, and all 1,000 stay open', async () => {
    expect(emu.emulator.openEnumerations).toBe(0);
    contexts = await openMany(emu.url, MAX_CONTEXTS);
    expect(new Set(contexts).size).toBe(MAX_CONTEXTS);
    expect(emu.emulator.openEnumerations).toBe(MAX_CONTEXTS);
    heap.open = heapUsed();
  }, 60_000);

  test('past maxEnumerationContexts the next Enumerate is refused with a SOAP fault and opens nothing', async () => {
    const r = await open(emu.url);
    expect({ status: r.status, context: r.context }).toEqual({ status: 500, context: '' });
    const f = faultOf(parseXml(r.text));
    expect(['s:Sender', 's:Receiver']).toContain(f.code);
    expect(emu.emulator.openEnumerations).toBe(MAX_CONTEXTS);
  });

  // MS-WSMV 3.1.4.1.19: a service with MaxConcurrentOperationsPerUser enumerations outstanding for the user
  // "MUST reply with a wsman:InternalError fault" (docs/research/wsman-facts.md §5 agrees).
  test('the refusal is the fault Windows gives, w:InternalError (MS-WSMV 3.1.4.1.19)', async () => {
    const r = await open(emu.url);
    const f = faultOf(parseXml(r.text));
    expect({ status: r.status, code: f.code, subcode: f.subcode }).toEqual({ status: 500, code: 's:Receiver', subcode: 'w:InternalError' });
  });

  test('once the idle timeout has passed, Pull and Release of an expired context get n:InvalidEnumerationContext', async () => {
    letContextsExpire();
    // Before the sweeper has run: the contexts are still held, but expired.
    expect(await enumerationCall(emu.url, ACTION.pull, contexts[0] as string)).toEqual({ status: 500, fault: 'n:InvalidEnumerationContext' });
    expect(await enumerationCall(emu.url, ACTION.release, contexts[1] as string)).toEqual({ status: 500, fault: 'n:InvalidEnumerationContext' });
  });

  test('the sweeper drops the rest: openEnumerations falls back to 0 within its interval', async () => {
    // Bound: one sweep interval, plus as much again for a busy machine.
    expect(await openEnumerationsReach(emu, 0, 2 * SWEEP_INTERVAL_MS)).toBe(0);
    // A context the sweeper dropped is just as invalid.
    expect(await enumerationCall(emu.url, ACTION.pull, contexts[MAX_CONTEXTS - 1] as string)).toEqual({ status: 500, fault: 'n:InvalidEnumerationContext' });
    heap.after = heapUsed();
  }, 30_000);

  test('the quota is free again: a new Enumerate gets a context, and Identify answers', async () => {
    const r = await open(emu.url);
    expect(r.status).toBe(200);
    expect(r.context).not.toBe('');
    expect(await enumerationCall(emu.url, ACTION.release, r.context)).toEqual({ status: 200, fault: undefined });
    expect((await post(emu.url, IDENTIFY)).status).toBe(200);
  });

  // After a full collection the readings are exact enough to compare: what the 1,000
  // open contexts held (about 6 MB here) against what stays once they are gone (the
  // test logger keeps every log line in memory, about 1 MB per 1,000 requests). The
  // threshold, half of the growth, sits far from both. Without any way to force a
  // collection, heapUsed counts garbage not yet collected (tens of MB either way), so
  // no reading would say anything: the test is skipped and openEnumerations, asserted
  // above, is the evidence.
  // Skipped (with the reason in its name's place in the report) where no full GC can be forced: heap readings would mean nothing.
  (canCollect ? test : test.skip)('the heap the contexts held comes back once they expire (after a full GC)', () => {
    const { before, open: whenOpen, after } = heap as Required<typeof heap>;
    const grown = whenOpen - before;
    const released = whenOpen - after;
    expect(grown).toBeGreaterThan(0);
    expect(released).toBeGreaterThan(grown / 2);
  });

  test('no error-level log line was written', () => {
    const errors = emu
      .logs()
      .map((l) => JSON.parse(l) as { level: number; msg?: string })
      .filter((e) => e.level >= 50);
    expect(errors).toEqual([]);
  });
});
