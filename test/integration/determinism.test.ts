/**
 * Issue 12, deterministic runs: two fresh emulators with the same --seed and virtual clock,
 * sent the same requests (a provisioning as a job, Enumerate of jobs and of the configuration
 * log, a shell command, PowerShell's clock and a GUID), answer byte for byte alike; a third with
 * another seed does not. Moving the virtual clock past the enumeration timeout expires a
 * context without any real waiting.
 */
import { VirtualClock } from '../../src/harness';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ACTION, NS, WMI, attr, basic, bodyOf, call, child, childrenNamed, faultOf, textOf } from '../support/soap';
import { encodedCommand, RSP, SHELL_URI } from '../support/shell';
import type { XmlElement } from '../../src/xml/parse';

jest.setTimeout(60_000);

const START = '2026-01-01T00:00:00Z';
const SERVER = `${WMI}MSFT_IPAM_Server`;
const AS_JOB = '<w:Option Name="IpamEmulator_AsJob" Type="xs:boolean">true</w:Option>';

const admin = async (emu: TestEmulator, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
  const r = await fetch(emu.url.replace(/\/wsman$/, `/_emulator${path}`), {
    method,
    headers: { Authorization: basic('Administrator', 'Passw0rd!'), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
};

/** The same conversation, with the same MessageIDs; every reply's text, in order. */
async function conversation(emu: TestEmulator): Promise<string[]> {
  const replies: string[] = [];
  let n = 0;
  const send = async (spec: Parameters<typeof call>[1]): Promise<XmlElement> => {
    n++;
    const r = await call(emu.url, { ...spec, messageId: `uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}` });
    replies.push(r.text);
    return r.xml;
  };
  const invoked = await send({
    action: `${SERVER}/InvokeIpamServerProvisioning`,
    resourceUri: SERVER,
    optionsXml: AS_JOB,
    body: `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${SERVER}"><p:ProvisioningMethod>1</p:ProvisioningMethod><p:Force>true</p:Force></p:InvokeIpamServerProvisioning_INPUT>`,
  });
  expect(textOf(child(child(bodyOf(invoked), SERVER, 'InvokeIpamServerProvisioning_OUTPUT') as XmlElement, SERVER, 'ReturnValue') as XmlElement)).toBe('4096');
  // The job runs in the background (no step takes clock time here): wait until it has completed.
  for (let i = 0; ((await admin(emu, 'GET', '/jobs?state=Completed')).json as unknown[]).length !== 1; i++) {
    if (i > 500) throw new Error('the provisioning job never completed');
    await new Promise((r) => setTimeout(r, 10));
  }
  await send({ action: ACTION.enumerate, resourceUri: `${WMI}MSFT_IPAM_ConcreteJob`, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10</w:MaxElements></n:Enumerate>' });
  await send({ action: ACTION.enumerate, resourceUri: `${WMI}MSFT_IPAM_ConfigLogEntry`, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>50</w:MaxElements></n:Enumerate>' });

  const created = await send({
    action: ACTION.create,
    resourceUri: SHELL_URI,
    body: `<rsp:Shell xmlns:rsp="${RSP}"><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>`,
  });
  const shellId = textOf(child(child(bodyOf(created), RSP, 'Shell') as XmlElement, RSP, 'ShellId') as XmlElement);
  const script = encodedCommand('hostname; (Get-Date).ToString("o"); [guid]::NewGuid().Guid; (Get-IpamConfiguration).ProvisioningMethod');
  const command = await send({ action: `${RSP}/Command`, resourceUri: SHELL_URI, selectors: { ShellId: shellId }, body: `<rsp:CommandLine xmlns:rsp="${RSP}"><rsp:Command>${script}</rsp:Command></rsp:CommandLine>` });
  const commandId = textOf(child(child(bodyOf(command), RSP, 'CommandResponse') as XmlElement, RSP, 'CommandId') as XmlElement);
  let stdout = '';
  for (let i = 0; i < 50; i++) {
    const r = await send({
      action: `${RSP}/Receive`,
      resourceUri: SHELL_URI,
      selectors: { ShellId: shellId },
      body: `<rsp:Receive xmlns:rsp="${RSP}"><rsp:DesiredStream CommandId="${commandId}">stdout stderr</rsp:DesiredStream></rsp:Receive>`,
    });
    const resp = child(bodyOf(r), RSP, 'ReceiveResponse') as XmlElement;
    for (const s of childrenNamed(resp, RSP, 'Stream')) if (attr(s, '', 'Name') === 'stdout') stdout += Buffer.from(textOf(s), 'base64').toString('utf8');
    if (replies[replies.length - 1]?.includes('CommandState/Done')) break;
  }
  expect(stdout.split('\r\n').slice(0, 2)).toEqual(['IPAM1', '2026-01-01T00:00:00.0000000+00:00']);
  await send({ action: ACTION.delete, resourceUri: SHELL_URI, selectors: { ShellId: shellId } });
  return replies;
}

describe('--seed and a virtual clock', () => {
  const runs: TestEmulator[] = [];
  afterAll(async () => {
    for (const r of runs) await r.stop();
  });
  const start = async (seed: number): Promise<TestEmulator> => {
    const emu = await startEmulator({ seed, clock: new VirtualClock(Date.parse(START)) });
    runs.push(emu);
    return emu;
  };

  test('two runs with the same seed, clock and requests answer byte for byte alike; another seed does not', async () => {
    const first = await conversation(await start(7));
    const second = await conversation(await start(7));
    expect(second).toHaveLength(first.length);
    second.forEach((reply, i) => expect([i, reply]).toEqual([i, first[i]]));
    expect(first.join('')).toContain('2026-01-01T00:00:00');
    const other = await conversation(await start(8));
    expect(other.join('')).not.toBe(first.join(''));
  });

  test('moving the virtual clock past the enumeration timeout expires a context at once; the clock reads back', async () => {
    const emu = await start(1);
    const started = await call(emu.url, { action: ACTION.enumerate, resourceUri: SERVER, body: '<n:Enumerate/>' });
    const context = textOf(child(child(bodyOf(started.xml), NS.enumeration, 'EnumerateResponse') as XmlElement, NS.enumeration, 'EnumerationContext') as XmlElement);
    const pull = (): ReturnType<typeof call> => call(emu.url, { action: ACTION.pull, resourceUri: SERVER, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext></n:Pull>` });
    const moved = await admin(emu, 'POST', '/clock', { advanceMs: 60_001 });
    expect(moved).toEqual({ status: 200, json: expect.objectContaining({ now: '2026-01-01T00:01:00.001Z', virtual: true, seed: 1 }) });
    expect(faultOf((await pull()).xml).subcode).toBe('n:InvalidEnumerationContext');
    expect((await admin(emu, 'GET', '/clock')).json).toMatchObject({ now: '2026-01-01T00:01:00.001Z', virtual: true });
  });

  test('the clock moves only forward, by a well-formed request; the system clock cannot be moved', async () => {
    const emu = await start(1);
    expect(await admin(emu, 'POST', '/clock', { set: '2025-01-01T00:00:00Z' })).toEqual({ status: 400, json: { error: expect.stringContaining('only moves forward') } });
    expect(await admin(emu, 'POST', '/clock', { advanceMs: -5 })).toEqual({ status: 400, json: { error: expect.stringContaining('advanceMs must be a number of milliseconds') } });
    expect(await admin(emu, 'POST', '/clock', { advanceMs: 1, set: START })).toEqual({ status: 400, json: { error: expect.stringContaining('exactly one of') } });
    expect((await admin(emu, 'POST', '/clock', { set: '2026-02-01T00:00:00Z' })).json).toMatchObject({ now: '2026-02-01T00:00:00.000Z' });
    const system = await startEmulator();
    runs.push(system);
    expect(await admin(system, 'POST', '/clock', { advanceMs: 1000 })).toEqual({ status: 409, json: { error: expect.stringContaining('--clock virtual') } });
    expect((await admin(system, 'GET', '/clock')).json).toMatchObject({ virtual: false, seed: null, pendingTimers: null });
  });
});
