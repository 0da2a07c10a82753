/**
 * Paging through many instances, through the real WS-Man handler and a
 * provider registered for this test (the job provider of a later layer will
 * serve the same class). No HTTP here: sizes are measured as UTF-8.
 */
import type { Fixture } from '../../../src/config/fixture';
import type { ResolvedClass } from '../../../src/cim/types';
import { instanceOf } from '../../../src/cim/values';
import { Fleet } from '../../../src/fleet/fleet';
import type { CimProvider } from '../../../src/providers/types';
import { handlerWith } from '../../support/handler';
import { ACTION, DMTF, NS, bodyOf, child, envelope, faultOf, itemsOf, propsOf, textOf } from '../../support/soap';
import contoso from '../../../fixtures/contoso.json';

const COUNT = 500;
const jobs: CimProvider = {
  classNames: ['MSFT_IPAM_ConcreteJob'],
  enumerateInstances: async (_ctx, cls: ResolvedClass) =>
    Array.from({ length: COUNT }, (_, i) => instanceOf(cls, { InstanceID: `job-${String(i).padStart(4, '0')}`, Name: `Job ${i}`, JobState: 7 })),
};
const harness = handlerWith(jobs);
const { send, enumerations } = harness;
afterAll(() => harness.close());

const JOB_URI = DMTF + 'CIM_ConcreteJob';
const NS_SEL = { __cimnamespace: 'root/Microsoft/IPAM' };
const id = (i: number): string => `job-${String(i).padStart(4, '0')}`;

test('a deep enumeration of CIM_ConcreteJob pages through every MSFT_IPAM_ConcreteJob instance exactly once, in order', async () => {
  const first = await send(envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>' }));
  let resp = child(bodyOf(first.xml), NS.enumeration, 'EnumerateResponse')!;
  const seen = itemsOf(resp).map((i) => propsOf(i).InstanceID);
  expect(seen).toHaveLength(100);
  expect(itemsOf(resp)[0]?.local).toBe('MSFT_IPAM_ConcreteJob');
  let ctx = textOf(child(resp, NS.enumeration, 'EnumerationContext')!);
  let pulls = 0;
  while (ctx) {
    const p = await send(envelope({ action: ACTION.pull, resourceUri: JOB_URI, body: `<n:Pull><n:EnumerationContext>${ctx}</n:EnumerationContext><n:MaxElements>100</n:MaxElements></n:Pull>` }));
    resp = child(bodyOf(p.xml), NS.enumeration, 'PullResponse')!;
    seen.push(...itemsOf(resp).map((i) => propsOf(i).InstanceID));
    const c = child(resp, NS.enumeration, 'EnumerationContext');
    ctx = c ? textOf(c) : '';
    pulls++;
  }
  expect(pulls).toBe(4);
  expect(child(resp, NS.enumeration, 'EndOfSequence')).toBeDefined();
  expect(seen).toEqual(Array.from({ length: COUNT }, (_, i) => id(i)));
  expect(enumerations.size).toBe(0);
});

test('items that do not fit the client MaxEnvelopeSize wait for the next Pull instead of overflowing it', async () => {
  const first = await send(
    envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>1000</w:MaxElements></n:Enumerate>', maxEnvelopeSize: 8192 }),
  );
  expect(first.size).toBeLessThanOrEqual(8192);
  const resp = child(bodyOf(first.xml), NS.enumeration, 'EnumerateResponse')!;
  const n = itemsOf(resp).length;
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThan(COUNT);
  const ctx = textOf(child(resp, NS.enumeration, 'EnumerationContext')!);
  const p = await send(envelope({ action: ACTION.pull, resourceUri: JOB_URI, body: `<n:Pull><n:EnumerationContext>${ctx}</n:EnumerationContext><n:MaxElements>1</n:MaxElements></n:Pull>` }));
  const next = itemsOf(child(bodyOf(p.xml), NS.enumeration, 'PullResponse')!);
  expect(next.map((i) => propsOf(i).InstanceID)).toEqual([id(n)]);
});

test('MaxElements defaults to 1 when OptimizeEnumeration comes without it', async () => {
  const r = await send(envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' }));
  expect(itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!)).toHaveLength(1);
});

test('MaxElements is capped at the host MaxBatchItems', async () => {
  const capped = new Fleet({ ...(contoso as Fixture), policy: { ...(contoso as Fixture).policy, maxBatchItems: 7 } });
  const r = await send(envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements></n:Enumerate>' }), capped.defaultHost);
  expect(itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!)).toHaveLength(7);
  enumerations.clearHost(capped.defaultHost.fqdn);
});

test('the host refuses more open enumerations than its quota with w:InternalError (MS-WSMV 3.1.4.1.19)', async () => {
  const small = new Fleet({ ...(contoso as Fixture), policy: { ...(contoso as Fixture).policy, maxEnumerationContexts: 3 } });
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 4; i++) {
    const r = await send(envelope({ action: ACTION.enumerate, resourceUri: JOB_URI, selectors: NS_SEL, body: '<n:Enumerate/>' }), small.defaultHost);
    statuses.push(r.status);
    last = r.xml;
  }
  expect(statuses).toEqual([200, 200, 200, 500]);
  expect(faultOf(last!).subcode).toBe('w:InternalError');
  expect(faultOf(last!).code).toBe('s:Receiver');
  enumerations.clearHost(small.defaultHost.fqdn);
});
