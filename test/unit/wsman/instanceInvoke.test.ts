/**
 * Instance methods through the real WS-Man handler: the SelectorSet names the
 * instance, the provider gets its reference, out parameters come back typed and
 * in declaration order. The provider here serves CIM_ConcreteJob's
 * RequestStateChange for this test; the job layer will serve it for real.
 */
import { loadSchemas } from '../../../src/app';
import type { ResolvedClass } from '../../../src/cim/types';
import { instanceOf, plain } from '../../../src/cim/values';
import { IPAM_NAMESPACE } from '../../../src/providers/namespace';
import type { CimProvider, MethodCall } from '../../../src/providers/types';
import { handlerWith } from '../../support/handler';
import { DMTF, NS, bodyOf, child, elements, envelope, faultOf, headerText, propsOf, textOf } from '../../support/soap';

const registry = loadSchemas();
const calls: MethodCall[] = [];
const jobs: CimProvider = {
  classNames: ['MSFT_IPAM_ConcreteJob'],
  enumerateInstances: async (_ctx, cls: ResolvedClass) => [instanceOf(cls, { InstanceID: 'job-1', JobState: 4 })],
  invokeMethod: async (_ctx, call) => {
    calls.push(call);
    if (call.method.name === 'GetError') {
      const errorClass = registry.getClass(IPAM_NAMESPACE, 'CIM_Error') as ResolvedClass;
      return { returnValue: 0, out: { Error: instanceOf(errorClass, { CIMStatusCode: 1, Message: 'the job failed' }) } };
    }
    return { returnValue: plain(call.params.get('RequestedState')) === 4 ? 0 : 4097 };
  },
};
const harness = handlerWith(jobs);
const send = (xml: string) => harness.send(xml);
afterAll(() => harness.close());

const URI = DMTF + 'MSFT_IPAM_ConcreteJob';
const invoke = (selectors: Record<string, string>, params: string, to = 'http://127.0.0.1:5985/wsman', method = 'RequestStateChange') =>
  envelope({
    action: `${URI}/${method}`,
    resourceUri: URI,
    selectors: { __cimnamespace: 'root/Microsoft/IPAM', ...selectors },
    body: `<p:${method}_INPUT xmlns:p="${URI}">${params}</p:${method}_INPUT>`,
  }).replace('<a:To>http://127.0.0.1:5985/wsman</a:To>', `<a:To>${to}</a:To>`);

test('an instance method gets the instance reference and its typed parameters', async () => {
  calls.length = 0;
  const r = await send(invoke({ InstanceID: 'job-1' }, '<p:RequestedState>4</p:RequestedState><p:TimeoutPeriod><cim:Interval xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common">PT30S</cim:Interval></p:TimeoutPeriod>'));
  expect(r.status).toBe(200);
  expect(headerText(r.xml, NS.addressing, 'Action')).toBe(`${URI}/RequestStateChangeResponse`);
  const out = elements(bodyOf(r.xml))[0]!;
  expect(out.local).toBe('RequestStateChange_OUTPUT');
  expect(out.ns).toBe(URI);
  expect(propsOf(out)).toEqual({ ReturnValue: '0' });
  expect(calls).toHaveLength(1);
  const call = calls[0]!;
  expect(call.target).toEqual({ kind: 'reference', className: 'MSFT_IPAM_ConcreteJob', namespace: 'root/Microsoft/IPAM', keys: [{ name: 'InstanceID', value: 'job-1' }] });
  expect(call.params.get('RequestedState')).toMatchObject({ type: 'uint16', value: 4 });
  const timeout = call.params.get('TimeoutPeriod')?.value as { toMilliseconds(): number };
  expect(timeout.toMilliseconds()).toBe(30_000);
});

test('out parameters come before ReturnValue; an embedded instance carries its class in xsi:type', async () => {
  const r = await send(invoke({ InstanceID: 'job-1' }, '', undefined, 'GetError'));
  expect(r.status).toBe(200);
  const out = elements(bodyOf(r.xml))[0]!;
  expect(elements(out).map((e) => e.local)).toEqual(['Error', 'ReturnValue']);
  const error = child(out, URI, 'Error')!;
  expect(error.attrs.find((a) => a.local === 'type')?.value).toMatch(/^p\d+:CIM_Error_Type$/);
  expect(propsOf(error)).toMatchObject({ CIMStatusCode: '1', Message: 'the job failed' });
});

test('a non-zero ReturnValue is a normal reply, not a fault (MS-WSMV 4.1.4)', async () => {
  const r = await send(invoke({ InstanceID: 'job-1' }, '<p:RequestedState>3</p:RequestedState>'));
  expect(r.status).toBe(200);
  expect(textOf(child(elements(bodyOf(r.xml))[0]!, URI, 'ReturnValue')!)).toBe('4097');
});

test('an instance method without the instance key is w:InvalidSelectors; with keys of no instance, the not-found fault', async () => {
  expect(faultOf((await send(invoke({}, '<p:RequestedState>4</p:RequestedState>'))).xml).subcode).toBe('w:InvalidSelectors');
  const missing = faultOf((await send(invoke({ InstanceID: 'job-404' }, '<p:RequestedState>4</p:RequestedState>'))).xml);
  expect(missing.subcode).toBe('a:DestinationUnreachable');
  expect(missing.reason).toContain('job-404');
});

test('an a:To with an upper-case scheme, or any other value, is accepted (real clients send fixed or stale ones)', async () => {
  for (const to of ['HTTP://IPAM1.CONTOSO.COM:5985/wsman', 'http://windows-host:5985/wsman']) {
    expect((await send(invoke({ InstanceID: 'job-1' }, '<p:RequestedState>4</p:RequestedState>', to))).status).toBe(200);
  }
});
