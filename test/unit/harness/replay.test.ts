import { DEFAULT_FIXTURE, loadFixture } from '../../../src/config/fixture';
import { Fleet } from '../../../src/fleet/fleet';
import { idsFor, VirtualClock } from '../../../src/harness';
import { CassetteRecorder } from '../../../src/harness/recorder';
import { ReplayStore, type ReplayMiss } from '../../../src/harness/replay';
import { WsmanFault } from '../../../src/wsman/faults';
import { parseXml } from '../../../src/xml/parse';
import { randomUUID } from 'node:crypto';

const S = 'http://www.w3.org/2003/05/soap-envelope';
const A = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const W = 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd';
const RSP = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
const CMD = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
const CT = 'application/soap+xml;charset=UTF-8';
const host = new Fleet(loadFixture(DEFAULT_FIXTURE)).defaultHost;

function request(action: string, messageId: string, shellId: string | undefined, body: string): string {
  const selectors = shellId ? `<w:SelectorSet><w:Selector Name="ShellId">${shellId}</w:Selector></w:SelectorSet>` : '';
  return (
    `<s:Envelope xmlns:s="${S}" xmlns:a="${A}" xmlns:w="${W}" xmlns:rsp="${RSP}"><s:Header><a:Action>${RSP}/${action}</a:Action>` +
    `<w:ResourceURI>${CMD}</w:ResourceURI><a:MessageID>${messageId}</a:MessageID>${selectors}</s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

function reply(relatesTo: string, body: string): string {
  return `<s:Envelope xmlns:s="${S}" xmlns:a="${A}" xmlns:w="${W}" xmlns:rsp="${RSP}"><s:Header><a:MessageID>uuid:${randomUUID()}</a:MessageID><a:RelatesTo>${relatesTo}</a:RelatesTo></s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

const RECORDED_SHELL = '0E4BBC67-2A83-4D6C-8BB0-8A15B4E45D35';
const RECEIVE = '<rsp:Receive><rsp:DesiredStream>stdout</rsp:DesiredStream></rsp:Receive>';

/** A shell created, then its output read twice (running, then done), as a recorder saw it. */
function cassette() {
  const r = new CassetteRecorder();
  const exchanges: Array<[string, string]> = [
    [request('Create', 'uuid:R-1', undefined, '<rsp:Shell/>'), reply('uuid:R-1', `<rsp:Shell><rsp:ShellId>${RECORDED_SHELL}</rsp:ShellId></rsp:Shell>`)],
    [request('Receive', 'uuid:R-2', RECORDED_SHELL, RECEIVE), reply('uuid:R-2', '<rsp:ReceiveResponse><rsp:CommandState State="Running"/></rsp:ReceiveResponse>')],
    [request('Receive', 'uuid:R-3', RECORDED_SHELL, RECEIVE), reply('uuid:R-3', '<rsp:ReceiveResponse><rsp:CommandState State="Done"/></rsp:ReceiveResponse>')],
  ];
  for (const [req, rep] of exchanges) r.record(r.reserve(), { requestXml: req, unauthenticated: false, status: 200, contentType: CT, replyText: rep });
  return r.cassette();
}

function store(misses: ReplayMiss[] = [], onMiss: 'fault' | 'emulate' = 'fault'): ReplayStore {
  return new ReplayStore(cassette(), { onMiss, listener: { onMiss: (m) => misses.push(m) }, harness: { clock: new VirtualClock(Date.parse('2026-05-01T00:00:00Z')), ids: idsFor(7) } });
}

const ask = (s: ReplayStore, xml: string) => s.answer({ envelope: parseXml(xml), host, authenticated: true });

describe('the replay store', () => {
  test('a ShellId it hands out threads through: later requests that carry it match; RelatesTo is the live MessageID', () => {
    const s = store();
    const created = ask(s, request('Create', 'uuid:LIVE-1', undefined, '<rsp:Shell/>'));
    expect(created?.entry).toBe(0);
    expect(created?.body).toContain('<a:RelatesTo>uuid:LIVE-1</a:RelatesTo>');
    const shell = /<rsp:ShellId>([^<]+)</.exec(created?.body ?? '')?.[1] as string;
    expect(shell).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(shell).not.toBe(RECORDED_SHELL);
    // Entries that match answer in order; when all are used, the last answers again (a client polling).
    const states = [2, 3, 4].map((n) => ask(s, request('Receive', `uuid:LIVE-${n}`, shell.toLowerCase(), RECEIVE)));
    expect(states.map((a) => a?.entry)).toEqual([1, 2, 2]);
    expect(states.map((a) => /State="(\w+)"/.exec(a?.body ?? '')?.[1])).toEqual(['Running', 'Done', 'Done']);
    expect(states[2]?.body).toContain('<a:RelatesTo>uuid:LIVE-4</a:RelatesTo>');
    expect(s.answered).toBe(4);
  });

  test('a request for a shell it never handed out is a miss: a fault naming it and the nearest entry; the listener hears of it', () => {
    const misses: ReplayMiss[] = [];
    const s = store(misses);
    ask(s, request('Create', 'uuid:LIVE-1', undefined, '<rsp:Shell/>'));
    let fault: unknown;
    try {
      ask(s, request('Receive', 'uuid:LIVE-2', '11111111-2222-4333-8444-555555555555', RECEIVE));
    } catch (e) {
      fault = e;
    }
    expect(fault).toBeInstanceOf(WsmanFault);
    expect((fault as WsmanFault).message).toBe(
      'Replay: the cassette holds no reply for this request (Receive cmd; selectors ShellId=11111111-2222-4333-8444-555555555555). The nearest recorded request, entries[1] (Receive cmd), differs in: selectors.',
    );
    expect(misses).toEqual([
      {
        at: '2026-05-01T00:00:00.000Z',
        host: 'ipam1.contoso.com',
        request: expect.objectContaining({ action: `${RSP}/Receive`, resourceUri: CMD, selectors: { ShellId: '11111111-2222-4333-8444-555555555555' } }),
        nearest: { entry: 1, request: 'Receive cmd', differs: ['selectors'] },
        outcome: 'fault',
      },
    ]);
    expect(s.missed).toBe(1);
  });

  test('--on-miss emulate: a miss is answered by no one here (the emulator routes it), and still reported', () => {
    const misses: ReplayMiss[] = [];
    const s = store(misses, 'emulate');
    expect(ask(s, request('Delete', 'uuid:LIVE-1', RECORDED_SHELL, ''))).toBeUndefined();
    expect(misses.map((m) => m.outcome)).toEqual(['emulate']);
  });
});
