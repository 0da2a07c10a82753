import { canonicalXml } from '../../../src/harness/canonical';
import { compareReplies } from '../../../src/harness/compare';
import { Bindings } from '../../../src/harness/placeholders';

const S = 'http://www.w3.org/2003/05/soap-envelope';
const A = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const W = 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd';
const F = 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault';
const RSP = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
const CLS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server';
const CT = 'application/soap+xml;charset=UTF-8';

function envelope(header: string, body: string, prefix = 'p'): string {
  return `<s:Envelope xmlns:s="${S}" xmlns:a="${A}" xmlns:w="${W}" xmlns:${prefix}="${CLS}" xmlns:rsp="${RSP}"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

function fault(subcode: string, code: string, reason = 'Access is denied. '): string {
  return envelope(
    '<a:Action>http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</a:Action>',
    `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${reason}</s:Text></s:Reason>` +
      `<s:Detail><f:WSManFault xmlns:f="${F}" Code="${code}" Machine="ipam1.contoso.com"><f:Message>${reason}</f:Message></f:WSManFault></s:Detail></s:Fault>`,
  );
}

const bindings = (): Bindings => {
  let n = 0;
  return new Bindings({ uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, now: () => new Date(0) });
};

const server = (props: string, prefix = 'p'): string =>
  envelope('<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse</a:Action><a:RelatesTo>{{MessageID-1}}</a:RelatesTo>', `<${prefix}:MSFT_IPAM_Server>${props}</${prefix}:MSFT_IPAM_Server>`, prefix);

describe('comparing a reply with the recorded one', () => {
  test('the same reply under other prefixes, with its properties in another order, does not differ', () => {
    const recorded = { status: 200, contentType: CT, body: canonicalXml(server('<p:ServerName>ipam1</p:ServerName><p:ProvisioningState>2</p:ProvisioningState>')) };
    const live = { status: 200, contentType: CT, body: server('<q:ProvisioningState>2</q:ProvisioningState><q:ServerName>ipam1</q:ServerName>', 'q').replace('{{MessageID-1}}', 'uuid:X') };
    expect(compareReplies(recorded, live, bindings())).toEqual([]);
  });

  test('a changed value, a missing and an unexpected property, and an attribute are reported by field', () => {
    const recorded = { status: 200, contentType: CT, body: canonicalXml(server('<p:ServerName>ipam1</p:ServerName><p:Gone>x</p:Gone><p:Typed xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>')) };
    const live = { status: 200, contentType: CT, body: server('<p:ServerName>ipam2</p:ServerName><p:New>y</p:New><p:Typed/>').replace('{{MessageID-1}}', 'uuid:X') };
    expect(compareReplies(recorded, live, bindings())).toEqual([
      { field: 'Body/MSFT_IPAM_Server/ServerName', recorded: 'ipam1', emulator: 'ipam2' },
      { field: 'Body/MSFT_IPAM_Server/Gone', recorded: 'x', emulator: null },
      { field: 'Body/MSFT_IPAM_Server/Typed@nil', recorded: 'true', emulator: null },
      { field: 'Body/MSFT_IPAM_Server/New', recorded: null, emulator: 'y' },
    ]);
  });

  test('status, fault subcode and WinRM code are their own fields; a subcode under another prefix is the same subcode', () => {
    const recorded = { status: 500, contentType: CT, body: canonicalXml(fault('w:AccessDenied', '5')) };
    const same = { status: 500, contentType: CT, body: fault('wsman:AccessDenied', '5').replace('<s:Envelope ', `<s:Envelope xmlns:wsman="${W}" `) };
    expect(compareReplies(recorded, same, bindings())).toEqual([]);
    const other = { status: 400, contentType: CT, body: fault('w:InvalidSelectors', '2150858843') };
    expect(compareReplies(recorded, other, bindings())).toEqual([
      { field: 'status', recorded: '500', emulator: '400' },
      { field: 'fault.subcode', recorded: 'w:AccessDenied', emulator: 'w:InvalidSelectors' },
      { field: 'fault.code', recorded: '5', emulator: '2150858843' },
    ]);
  });

  test('a fault where the recorded host replied: status, fault fields, and what the body holds instead (not every property)', () => {
    const recorded = { status: 200, contentType: CT, body: canonicalXml(server('<p:ServerName>ipam1</p:ServerName>')) };
    const live = { status: 500, contentType: CT, body: fault('w:AccessDenied', '5') };
    expect(compareReplies(recorded, live, bindings())).toEqual([
      { field: 'status', recorded: '200', emulator: '500' },
      { field: 'fault.subcode', recorded: null, emulator: 'w:AccessDenied' },
      { field: 'fault.code', recorded: null, emulator: '5' },
      { field: 'Body', recorded: '<MSFT_IPAM_Server>', emulator: '<Fault>' },
    ]);
  });

  test('placeholders match any live value of their kind and bind it; a bound one must agree; dates and clocks are not differences', () => {
    const b = bindings();
    b.bind('MessageID-1', 'uuid:SENT');
    const recorded = {
      status: 200,
      contentType: CT,
      body: canonicalXml(
        envelope(
          '<a:MessageID>{{MessageID-2}}</a:MessageID><a:RelatesTo>{{MessageID-1}}</a:RelatesTo>',
          '<rsp:Shell><rsp:ShellId>{{ShellId-1}}</rsp:ShellId><rsp:ShellRunTime>P0DT0H0M1S</rsp:ShellRunTime></rsp:Shell><p:When>{{dateTime-1}}</p:When><p:J><p:ElapsedTime><x>P0DT0H0M0.5S</x></p:ElapsedTime></p:J>',
        ),
      ),
    };
    const shell = 'ABCDEF00-1111-4222-8333-444455556666';
    const live = (relatesTo: string) => ({
      status: 200,
      contentType: CT,
      body: envelope(
        `<a:MessageID>uuid:REPLY</a:MessageID><a:RelatesTo>${relatesTo}</a:RelatesTo>`,
        `<rsp:Shell><rsp:ShellId>${shell}</rsp:ShellId><rsp:ShellRunTime>P0DT0H0M7S</rsp:ShellRunTime></rsp:Shell><p:When>2031-01-01T00:00:00Z</p:When><p:J><p:ElapsedTime><x>P0DT0H0M9S</x></p:ElapsedTime></p:J>`,
      ),
    });
    expect(compareReplies(recorded, live('uuid:SENT'), b)).toEqual([]);
    expect(b.valueOf('ShellId-1')).toBe(shell);
    expect(compareReplies(recorded, live('uuid:OTHER'), b)).toEqual([{ field: 'Header/RelatesTo', recorded: '{{MessageID-1}}', emulator: 'uuid:OTHER' }]);
  });

  test('WinRS output is compared as the text it carries, however the host cut it into streams', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const receive = (streams: string) => envelope('', `<rsp:ReceiveResponse>${streams}<rsp:CommandState CommandId="C" State="Done"><rsp:ExitCode>0</rsp:ExitCode></rsp:CommandState></rsp:ReceiveResponse>`);
    const recorded = { status: 200, contentType: CT, body: canonicalXml(receive(`<rsp:Stream Name="stdout" CommandId="C">${b64('hello world\r\n')}</rsp:Stream><rsp:Stream Name="stdout" CommandId="C" End="true"/>`)) };
    const chunked = { status: 200, contentType: CT, body: receive(`<rsp:Stream Name="stdout" CommandId="C">${b64('hello ')}</rsp:Stream><rsp:Stream Name="stdout" CommandId="C" End="true">${b64('world\r\n')}</rsp:Stream>`) };
    expect(compareReplies(recorded, chunked, bindings())).toEqual([]);
    const other = { status: 200, contentType: CT, body: receive(`<rsp:Stream Name="stdout" CommandId="C" End="true">${b64('goodbye\r\n')}</rsp:Stream>`) };
    expect(compareReplies(recorded, other, bindings())).toEqual([{ field: 'Body/ReceiveResponse/Stream', recorded: 'hello world\r\n', emulator: 'goodbye\r\n' }]);
  });

  test('bodies that are not XML are compared as text', () => {
    expect(compareReplies({ status: 415, contentType: '', body: '' }, { status: 415, contentType: '', body: '' }, bindings())).toEqual([]);
    expect(compareReplies({ status: 400, contentType: 'text/html', body: 'Bad Request' }, { status: 400, contentType: 'text/html', body: 'Nope' }, bindings())).toEqual([
      { field: 'body', recorded: 'Bad Request', emulator: 'Nope' },
    ]);
  });
});
