/**
 * The client's envelope codec: requests shaped as the MI client shapes them,
 * every value escaped, and replies read by namespace and local name.
 */
import { buildEnvelope, formatOperationTimeout, nextContext, readInstance, readItems, readMethodOutput } from '../../../src/client/envelope';
import { ANONYMOUS, NS } from '../../../src/wsman/namespaces';
import { attr, child, childrenNamed, elements, parseXml, textOf, type XmlElement } from '../../../src/xml/parse';

const header = (env: XmlElement): XmlElement => child(env, NS.soap, 'Header')!;
const body = (env: XmlElement): XmlElement => child(env, NS.soap, 'Body')!;

test('the MI header set: MessageID uuid:, anonymous ReplyTo, MaxEnvelopeSize 512000, en-US, OperationTimeout, selectors escaped', () => {
  const env = parseXml(
    buildEnvelope({
      to: 'http://ipam1.contoso.com:5985/wsman',
      action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
      resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/MSFT_IPAM_Server',
      selectors: { Name: 'a<b>&"c"' },
      operationTimeoutMs: 60000,
    }),
  );
  const h = header(env);
  expect(textOf(child(h, NS.addressing, 'MessageID')!)).toMatch(/^uuid:[0-9A-F-]{36}$/);
  expect(textOf(child(child(h, NS.addressing, 'ReplyTo')!, NS.addressing, 'Address')!)).toBe(ANONYMOUS);
  expect(textOf(child(h, NS.wsman, 'MaxEnvelopeSize')!)).toBe('512000');
  expect(attr(child(h, NS.wsman, 'Locale')!, 'http://www.w3.org/XML/1998/namespace', 'lang')).toBe('en-US');
  expect(attr(child(h, NS.wsman, 'Locale')!, NS.soap, 'mustUnderstand')).toBe('false');
  expect(textOf(child(h, NS.wsman, 'OperationTimeout')!)).toBe('PT60.000S');
  const sel = childrenNamed(child(h, NS.wsman, 'SelectorSet')!, NS.wsman, 'Selector')[0]!;
  expect([attr(sel, '', 'Name'), textOf(sel)]).toEqual(['Name', 'a<b>&"c"']);
  // No OperationID: it would opt in to full-duplex events this client does not read.
  expect(child(h, NS.wsmv, 'OperationID')).toBeUndefined();
});

test('OperationTimeout is xs:duration in seconds with milliseconds', () => {
  expect(formatOperationTimeout(1500)).toBe('PT1.500S');
  expect(() => formatOperationTimeout(0)).toThrow(RangeError);
});

test('an instance: nil is null, repeated elements an array, datetimes unwrapped, a reference in URI notation', () => {
  const el = parseXml(
    `<p:X xmlns:p="urn:x" xmlns:cim="${NS.cimCommon}" xmlns:xsi="${NS.xsi}" xmlns:a="${NS.addressing}" xmlns:w="${NS.wsman}">` +
      '<p:Name>ipam1</p:Name><p:Gone xsi:nil="true"/><p:Tags>a</p:Tags><p:Tags>b</p:Tags>' +
      '<p:StartTime><cim:Datetime>2024-01-02T03:04:05Z</cim:Datetime></p:StartTime><p:Elapsed><cim:Interval>P0DT0H1M40S</cim:Interval></p:Elapsed>' +
      `<p:Ref><a:Address>${ANONYMOUS}</a:Address><a:ReferenceParameters><w:ResourceURI>urn:cls</w:ResourceURI><w:SelectorSet><w:Selector Name="InstanceID">J 1</w:Selector></w:SelectorSet></a:ReferenceParameters></p:Ref>` +
      '</p:X>',
  );
  expect(readInstance(el)).toEqual({
    Name: 'ipam1',
    Gone: null,
    Tags: ['a', 'b'],
    StartTime: '2024-01-02T03:04:05Z',
    Elapsed: 'P0DT0H1M40S',
    Ref: 'urn:cls?InstanceID=J%201',
  });
});

test('method output: ReturnValue as a number, the Job EPR as a reference', () => {
  const out = parseXml(
    `<p:M_OUTPUT xmlns:p="urn:cls" xmlns:a="${NS.addressing}" xmlns:wsman="${NS.wsman}">` +
      `<p:Job><a:Address>${ANONYMOUS}</a:Address><a:ReferenceParameters><wsman:ResourceURI>urn:job</wsman:ResourceURI>` +
      '<wsman:SelectorSet><wsman:Selector Name="InstanceID">J-7</wsman:Selector></wsman:SelectorSet></a:ReferenceParameters></p:Job>' +
      '<p:Note>hi</p:Note><p:ReturnValue>4096</p:ReturnValue></p:M_OUTPUT>',
  );
  const r = readMethodOutput(out);
  expect(r.returnValue).toBe(4096);
  expect(r.references).toEqual({ Job: { resourceUri: 'urn:job', selectors: { InstanceID: 'J-7' } } });
  expect(r.out).toEqual({ Job: { resourceUri: 'urn:job', selectors: { InstanceID: 'J-7' } }, Note: 'hi' });
});

test('an embedded instance out parameter (GetError\'s Error) reads as a record', () => {
  const out = parseXml(
    `<p:GetError_OUTPUT xmlns:p="urn:job" xmlns:xsi="${NS.xsi}"><p:Error xmlns:e="urn:err" xsi:type="e:CIM_Error_Type">` +
      '<e:Message>cannot connect</e:Message><e:MessageID>WIN32 1231</e:MessageID><e:OwningEntity xsi:nil="true"/></p:Error><p:ReturnValue>0</p:ReturnValue></p:GetError_OUTPUT>',
  );
  expect(readMethodOutput(out).out).toEqual({ Error: { Message: 'cannot connect', MessageID: 'WIN32 1231', OwningEntity: null } });
});

test('enumeration items: objects, EPRs and w:Item pairs; EndOfSequence ends the sequence', () => {
  const epr = `<a:EndpointReference><a:Address>${ANONYMOUS}</a:Address><a:ReferenceParameters><w:ResourceURI>urn:c</w:ResourceURI><w:SelectorSet><w:Selector Name="K">1</w:Selector></w:SelectorSet></a:ReferenceParameters></a:EndpointReference>`;
  const res = parseXml(
    `<n:EnumerateResponse xmlns:n="${NS.enumeration}" xmlns:w="${NS.wsman}" xmlns:a="${NS.addressing}" xmlns:p="urn:c">` +
      `<n:EnumerationContext/><w:Items><p:C><p:K>0</p:K></p:C>${epr}<w:Item><p:C><p:K>1</p:K></p:C>${epr}</w:Item></w:Items><w:EndOfSequence/></n:EnumerateResponse>`,
  );
  const ref = { resourceUri: 'urn:c', selectors: { K: '1' } };
  expect(readItems(res)).toEqual([
    { instance: { K: '0' }, reference: null },
    { instance: null, reference: ref },
    { instance: { K: '1' }, reference: ref },
  ]);
  expect(nextContext(res)).toBeUndefined();
  const more = parseXml(`<n:PullResponse xmlns:n="${NS.enumeration}"><n:EnumerationContext> ctx-2 </n:EnumerationContext><n:Items/></n:PullResponse>`);
  expect(nextContext(more)).toBe('ctx-2');
  expect(elements(body(parseXml(buildEnvelope({ to: 'x', action: 'y' }))))).toEqual([]);
});
