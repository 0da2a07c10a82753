/**
 * Enumerations of a provider that can fetch an instance by its keys hold only the
 * keys: an open context of 10,000 jobs costs their references, and each instance is
 * built when it is pulled, as it is then. Through the real handler, with a provider
 * that counts what it is asked for.
 */
import type { CimInstance, CimReference, ResolvedClass } from '../../../src/cim/types';
import { instanceOf } from '../../../src/cim/values';
import type { CimProvider } from '../../../src/providers/types';
import { handlerWith } from '../../support/handler';
import type { XmlElement } from '../../../src/xml/parse';
import { ACTION, DMTF, NS, bodyOf, child, elements, envelope, faultOf, itemsOf, propsOf, textOf } from '../../support/soap';

const WQL = 'http://schemas.microsoft.com/wbem/wsman/1/WQL';
const JOB_URI = DMTF + 'MSFT_IPAM_ConcreteJob';
const NS_SEL = { __cimnamespace: 'root/Microsoft/IPAM' };
const id = (i: number): string => `job-${String(i).padStart(5, '0')}`;

/** Jobs as a provider backed by a Map the test changes between pulls; it counts its calls. */
class CountingJobs implements CimProvider {
  readonly classNames = ['MSFT_IPAM_ConcreteJob'];
  readonly jobs = new Map<string, { name: string; state: number }>();
  /** Jobs deleted for now (kept out of the Map's order, which the other tests rely on). */
  readonly gone = new Set<string>();
  calls = { enumerateInstances: 0, enumerateReferences: 0, getInstance: 0 };

  constructor(count: number) {
    for (let i = 0; i < count; i++) this.jobs.set(id(i), { name: `Job ${i}`, state: 4 });
  }

  private build(cls: ResolvedClass, key: string): CimInstance {
    const j = this.jobs.get(key) as { name: string; state: number };
    return instanceOf(cls, { InstanceID: key, Name: j.name, JobState: j.state });
  }

  async enumerateInstances(_ctx: unknown, cls: ResolvedClass): Promise<readonly CimInstance[]> {
    this.calls.enumerateInstances++;
    return [...this.jobs.keys()].filter((k) => !this.gone.has(k)).map((k) => this.build(cls, k));
  }

  async enumerateReferences(_ctx: unknown, cls: ResolvedClass): Promise<readonly CimReference[]> {
    this.calls.enumerateReferences++;
    return [...this.jobs.keys()].filter((k) => !this.gone.has(k)).map((k) => ({ kind: 'reference', className: cls.name, namespace: cls.namespace, keys: [{ name: 'InstanceID', value: k }] }));
  }

  async getInstance(_ctx: unknown, cls: ResolvedClass, ref: CimReference): Promise<CimInstance | undefined> {
    this.calls.getInstance++;
    const key = ref.keys[0]?.value ?? '';
    // A real store answers asynchronously at times: yield, so concurrent Pulls interleave.
    await new Promise((r) => setImmediate(r));
    return this.jobs.has(key) && !this.gone.has(key) ? this.build(cls, key) : undefined;
  }
}

const provider = new CountingJobs(10_000);
const harness = handlerWith(provider);
afterAll(() => harness.close());
beforeEach(() => {
  provider.calls = { enumerateInstances: 0, enumerateReferences: 0, getInstance: 0 };
});

function enumerate(body: string): Promise<{ status: number; xml: XmlElement }> {
  return harness.send(envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, body }));
}
function pull(context: string, max: number): Promise<{ status: number; xml: XmlElement }> {
  return harness.send(envelope({ action: ACTION.pull, resourceUri: JOB_URI, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext><n:MaxElements>${max}</n:MaxElements></n:Pull>` }));
}
function contextOf(resp: XmlElement): string {
  const c = child(resp, NS.enumeration, 'EnumerationContext');
  return c ? textOf(c) : '';
}

test('an unfiltered enumeration of 10,000 jobs builds none up front and only those it sends', async () => {
  const r = await enumerate('<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>');
  const resp = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement;
  expect(itemsOf(resp).map((i) => propsOf(i).InstanceID)).toEqual(Array.from({ length: 100 }, (_, i) => id(i)));
  expect(provider.calls).toEqual({ enumerateInstances: 0, enumerateReferences: 1, getInstance: 100 });
  const p = await pull(contextOf(resp), 50);
  expect(itemsOf(child(bodyOf(p.xml), NS.enumeration, 'PullResponse') as XmlElement).map((i) => propsOf(i).InstanceID)).toEqual(Array.from({ length: 50 }, (_, i) => id(100 + i)));
  expect(provider.calls.getInstance).toBe(150);
  expect(harness.enumerations.size).toBe(1);
  harness.enumerations.clearHost(harness.fleet.defaultHost.fqdn);
});

test('a pulled job shows its state at the Pull; one gone meanwhile is skipped, and nothing is sent twice', async () => {
  const r = await enumerate('<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>2</w:MaxElements></n:Enumerate>');
  let resp = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement;
  const seen = itemsOf(resp).map((i) => propsOf(i));
  provider.jobs.set(id(2), { name: 'Job 2', state: 7 });
  provider.gone.add(id(3));
  const p = await pull(contextOf(resp), 3);
  resp = child(bodyOf(p.xml), NS.enumeration, 'PullResponse') as XmlElement;
  seen.push(...itemsOf(resp).map((i) => propsOf(i)));
  expect(seen.map((s) => [s.InstanceID, s.JobState])).toEqual([
    [id(0), '4'],
    [id(1), '4'],
    [id(2), '7'],
    [id(4), '4'],
    [id(5), '4'],
  ]);
  provider.gone.delete(id(3));
  provider.jobs.set(id(2), { name: 'Job 2', state: 4 });
  harness.enumerations.clearHost(harness.fleet.defaultHost.fqdn);
});

test('EPR-only enumerations never build an instance', async () => {
  const r = await enumerate('<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>20</w:MaxElements><w:EnumerationMode>EnumerateEPR</w:EnumerationMode></n:Enumerate>');
  const resp = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement;
  expect(itemsOf(resp)).toHaveLength(20);
  expect(provider.calls.getInstance).toBe(0);
  expect(provider.calls.enumerateInstances).toBe(0);
  harness.enumerations.clearHost(harness.fleet.defaultHost.fqdn);
});

test('a WQL filter is applied over the instances, and the projection to what is pulled later', async () => {
  const r = await enumerate(
    `<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>1</w:MaxElements><w:Filter Dialect="${WQL}">SELECT InstanceID FROM MSFT_IPAM_ConcreteJob WHERE InstanceID = '${id(7)}' OR InstanceID = '${id(9)}'</w:Filter></n:Enumerate>`,
  );
  expect(provider.calls.enumerateInstances).toBe(1);
  const resp = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement;
  expect(itemsOf(resp).map((i) => propsOf(i))).toEqual([{ InstanceID: id(7) }]);
  const p = await pull(contextOf(resp), 10);
  const last = child(bodyOf(p.xml), NS.enumeration, 'PullResponse') as XmlElement;
  expect(itemsOf(last).map((i) => propsOf(i))).toEqual([{ InstanceID: id(9) }]);
  expect(child(last, NS.enumeration, 'EndOfSequence')).toBeDefined();
});

test('two Pulls of one context at once: one is refused, and every item is still sent exactly once', async () => {
  const r = await enumerate('<n:Enumerate><w:MaxElements>1</w:MaxElements></n:Enumerate>');
  const context = contextOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement);
  const both = await Promise.all([pull(context, 40), pull(context, 40)]);
  const refused = both.filter((b) => b.status !== 200);
  expect(refused).toHaveLength(1);
  expect(faultOf(refused[0]!.xml).subcode).toBe('n:InvalidEnumerationContext');
  const got = both.filter((b) => b.status === 200).flatMap((b) => itemsOf(child(bodyOf(b.xml), NS.enumeration, 'PullResponse') as XmlElement).map((i) => propsOf(i).InstanceID));
  expect(got).toEqual(Array.from({ length: 40 }, (_, i) => id(i)));
  // The context goes on from there.
  const next = await pull(context, 1);
  expect(elements(child(child(bodyOf(next.xml), NS.enumeration, 'PullResponse') as XmlElement, NS.enumeration, 'Items') as XmlElement).map((i) => propsOf(i).InstanceID)).toEqual([id(40)]);
  harness.enumerations.clearHost(harness.fleet.defaultHost.fqdn);
});

describe('a provider that reads many instances at once (getInstances)', () => {
  class BatchJobs extends CountingJobs {
    batches: number[] = [];

    async getInstances(_ctx: unknown, cls: ResolvedClass, refs: readonly CimReference[]): Promise<ReadonlyArray<CimInstance | undefined>> {
      this.batches.push(refs.length);
      await new Promise((r) => setImmediate(r));
      return refs.map((ref) => {
        const key = ref.keys[0]?.value ?? '';
        return this.jobs.has(key) && !this.gone.has(key) ? instanceOf(cls, { InstanceID: key, Name: 'Job', JobState: 4 }) : undefined;
      });
    }
  }
  const batching = new BatchJobs(1_000);
  const h = handlerWith(batching);
  afterAll(() => h.close());

  const send = (body: string): Promise<{ status: number; xml: XmlElement }> =>
    h.send(envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, body }));
  const pullFrom = (context: string, max: number): Promise<{ status: number; xml: XmlElement }> =>
    h.send(envelope({ action: ACTION.pull, resourceUri: JOB_URI, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext><n:MaxElements>${max}</n:MaxElements></n:Pull>` }));

  test('a page is loaded a chunk (at most 128) per call, not one call per instance', async () => {
    const r = await send('<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>');
    const resp = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement;
    expect(itemsOf(resp)).toHaveLength(100);
    const p = await pullFrom(contextOf(resp), 250);
    expect(itemsOf(child(bodyOf(p.xml), NS.enumeration, 'PullResponse') as XmlElement).map((i) => propsOf(i).InstanceID)).toEqual(Array.from({ length: 250 }, (_, i) => id(100 + i)));
    expect(batching.batches).toEqual([100, 128, 122]);
    expect(batching.calls.getInstance).toBe(0);
    h.enumerations.clearHost(h.fleet.defaultHost.fqdn);
  });

  test("PowerShell's MaxElements 32000 with a reply that holds a few hundred: no more than a chunk is loaded beyond what is sent", async () => {
    batching.batches = [];
    const r = await send('<n:Enumerate><w:MaxElements>1</w:MaxElements></n:Enumerate>');
    const context = contextOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement);
    const p = await h.send(
      envelope({ action: ACTION.pull, resourceUri: JOB_URI, maxEnvelopeSize: 153_600, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext><n:MaxElements>32000</n:MaxElements></n:Pull>` }),
    );
    const sent = itemsOf(child(bodyOf(p.xml), NS.enumeration, 'PullResponse') as XmlElement).length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(1_000);
    const loaded = batching.batches.reduce((a, b) => a + b, 0);
    expect(loaded).toBeGreaterThanOrEqual(sent);
    expect(loaded - sent).toBeLessThanOrEqual(128);
    h.enumerations.clearHost(h.fleet.defaultHost.fqdn);
  });

  test('instances gone since the Enumerate are skipped and the page is filled from the next ones', async () => {
    batching.batches = [];
    const r = await send('<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>2</w:MaxElements></n:Enumerate>');
    const resp = child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement;
    batching.gone.add(id(3));
    batching.gone.add(id(4));
    const p = await pullFrom(contextOf(resp), 3);
    expect(itemsOf(child(bodyOf(p.xml), NS.enumeration, 'PullResponse') as XmlElement).map((i) => propsOf(i).InstanceID)).toEqual([id(2), id(5), id(6)]);
    // [2] for the Enumerate; then 3 asked (2, 3, 4: two gone), then the 2 still missing.
    expect(batching.batches).toEqual([2, 3, 2]);
    batching.gone.clear();
    h.enumerations.clearHost(h.fleet.defaultHost.fqdn);
  });
});

describe('a Pull that times out, and filters at Pull time', () => {
  /** Jobs whose page takes 100 ms to read. */
  class SlowJobs extends CountingJobs {
    async getInstances(_ctx: unknown, cls: ResolvedClass, refs: readonly CimReference[]): Promise<ReadonlyArray<CimInstance | undefined>> {
      await new Promise((r) => setTimeout(r, 100));
      return refs.map((ref) => {
        const key = ref.keys[0]?.value ?? '';
        const j = this.jobs.get(key);
        return j && !this.gone.has(key) ? instanceOf(cls, { InstanceID: key, Name: j.name, JobState: j.state }) : undefined;
      });
    }
  }
  const slow = new SlowJobs(20);
  const h = handlerWith(slow);
  afterAll(() => h.close());
  const pullFrom = (context: string, max: number, operationTimeout?: string): Promise<{ status: number; xml: XmlElement }> =>
    h.send(envelope({ action: ACTION.pull, resourceUri: JOB_URI, operationTimeout, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext><n:MaxElements>${max}</n:MaxElements></n:Pull>` }));
  const pulledIds = (r: { xml: XmlElement }): string[] => itemsOf(child(bodyOf(r.xml), NS.enumeration, 'PullResponse') as XmlElement).map((i) => propsOf(i).InstanceID as string);

  test('the items of a timed-out Pull are not lost: the next Pull sends them', async () => {
    const r = await h.send(envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, body: '<n:Enumerate/>' }));
    const context = contextOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement);
    const timedOut = await pullFrom(context, 5, 'PT0.010S');
    expect(faultOf(timedOut.xml).subcode).toBe('w:TimedOut');
    await new Promise((r) => setTimeout(r, 200)); // the abandoned read finishes in the background
    expect(pulledIds(await pullFrom(context, 5))).toEqual([0, 1, 2, 3, 4].map(id));
    h.enumerations.clearHost(h.fleet.defaultHost.fqdn);
  });

  test('an optimized Enumerate that times out leaves no context open', async () => {
    const before = h.enumerations.size;
    const r = await h.send(
      envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, operationTimeout: 'PT0.010S', body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>5</w:MaxElements></n:Enumerate>' }),
    );
    expect(faultOf(r.xml).subcode).toBe('w:TimedOut');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.enumerations.size).toBe(before);
  });

  test('a job that no longer matches the WQL filter when pulled is skipped', async () => {
    const r = await h.send(
      envelope({
        action: ACTION.enumerate,
        resourceUri: JOB_URI,
        selectors: NS_SEL,
        body: `<n:Enumerate><w:Filter Dialect="${WQL}">SELECT * FROM MSFT_IPAM_ConcreteJob WHERE JobState = 4</w:Filter></n:Enumerate>`,
      }),
    );
    const context = contextOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse') as XmlElement);
    slow.jobs.set(id(1), { name: 'Job 1', state: 7 });
    expect(pulledIds(await pullFrom(context, 3))).toEqual([id(0), id(2), id(3)]);
    slow.jobs.set(id(1), { name: 'Job 1', state: 4 });
    h.enumerations.clearHost(h.fleet.defaultHost.fqdn);
  });
});
