/**
 * The WinRS shell door over a real socket (issue 11): Windows' reply shapes (recorded
 * Server 2016 replies, reference/winrs-shell.md §1), output over several Receives, Done
 * with ExitCode, the w:TimedOut long-poll, stdin through Send, Signal and Delete, the
 * faults for unknown shells and commands, ownership, quotas, the idle timeout, the admin
 * API's view of shells, and a provisioning signalled in flight, undone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ACTION, NS, WMI, basic, bodyOf, call, child, elements, faultOf, headerText, itemsOf, propsOf, textOf } from '../support/soap';
import { encodedCommand, RSP, SHELL_URI, ShellClient, ShellFault } from '../support/shell';
import type { XmlElement } from '../../src/xml/parse';

jest.setTimeout(60_000);

function fixture(shell: NonNullable<NonNullable<Fixture['policy']>['shell']> = {}): Fixture {
  const fx = loadFixture(path.join(__dirname, '..', '..', 'fixtures', 'contoso.json'));
  fx.policy = { ...fx.policy, shell };
  const host = fx.hosts[0]!;
  host.accounts = [...(host.accounts ?? []), { name: 'Operator', password: 'Passw0rd!', groups: ['Administrators'] }];
  return fx;
}

async function faultOfCall(p: Promise<unknown>): Promise<ShellFault['fault']> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ShellFault) return e.fault;
    throw e;
  }
  throw new Error('expected a fault');
}

async function provisioningState(url: string): Promise<string | null | undefined> {
  const r = await call(url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_Server', body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });
  return propsOf(itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!)[0]!).ProvisioningState;
}

const adminGet = async (emu: TestEmulator, p: string): Promise<unknown> =>
  (await fetch(emu.url.replace(/\/wsman$/, `/_emulator${p}`), { headers: { Authorization: basic('Administrator', 'Passw0rd!') } })).json();

describe('the shell protocol', () => {
  let emu: TestEmulator;
  let shell: ShellClient;
  beforeAll(async () => {
    emu = await startEmulator({ fixture: fixture() });
    shell = new ShellClient(emu.url);
  });
  afterAll(() => emu.stop());

  test('Create answers ResourceCreated and rsp:Shell as Windows does (recorded shape)', async () => {
    const { shellId, reply } = await shell.create({ idleTimeout: 'PT60S', env: { GREETING: 'hello' } });
    expect(shellId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(headerText(reply, NS.addressing, 'Action')).toBe('http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse');
    const body = bodyOf(reply);
    const created = child(body, NS.transfer, 'ResourceCreated') as XmlElement;
    expect(textOf(child(child(created, NS.addressing, 'ReferenceParameters') as XmlElement, NS.wsman, 'ResourceURI') as XmlElement)).toBe(SHELL_URI);
    const rsp = child(body, RSP, 'Shell') as XmlElement;
    expect(elements(rsp).map((e) => e.local)).toEqual(['ShellId', 'ResourceUri', 'Owner', 'ClientIP', 'Environment', 'IdleTimeOut', 'InputStreams', 'OutputStreams', 'ShellRunTime', 'ShellInactivity']);
    const text = (n: string): string => textOf(child(rsp, RSP, n) as XmlElement);
    expect({ id: text('ShellId'), owner: text('Owner'), client: text('ClientIP'), idle: text('IdleTimeOut'), out: text('OutputStreams') }).toEqual({
      id: shellId,
      owner: 'Administrator',
      client: '127.0.0.1',
      idle: 'PT60.000S',
      out: 'stdout stderr',
    });
    await shell.delete(shellId);
  });

  test('without a requested IdleTimeOut the shell gets the host\'s (PT7200.000S, as 2012 R2 and later show it)', async () => {
    const { shellId, reply } = await shell.create();
    expect(textOf(child(child(bodyOf(reply), RSP, 'Shell') as XmlElement, RSP, 'IdleTimeOut') as XmlElement)).toBe('PT7200.000S');
    await shell.delete(shellId);
  });

  test('a command runs; Done carries ExitCode and the streams are marked End; Signal after Done succeeds; Delete is empty', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'echo', ['out', '&&', 'echo', 'err>&2', '&&', 'exit', '1']);
    const r = await shell.receiveAll(shellId, commandId);
    expect(r).toMatchObject({ stdout: 'out \r\n', stderr: 'err \r\n', exitCode: 1 });
    const signal = await shell.signal(shellId, commandId);
    expect(headerText(signal, NS.addressing, 'Action')).toBe(`${RSP}/SignalResponse`);
    expect(elements(bodyOf(signal)).map((e) => e.local)).toEqual(['SignalResponse']);
    const deleted = await shell.delete(shellId);
    expect(headerText(deleted, NS.addressing, 'Action')).toBe('http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse');
    expect(elements(bodyOf(deleted))).toEqual([]);
  });

  test('the last Receive: remaining data, End="true" for each stream, then Done with ExitCode', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'hostname');
    let last;
    for (;;) {
      last = await shell.receive(shellId, commandId);
      if (last.state === 'Done') break;
    }
    expect(last.ended.sort()).toEqual(['stderr', 'stdout']);
    expect(last.exitCode).toBe(0);
    await shell.delete(shellId);
  });

  test('a Receive after Done, and one for an unknown command, get the command-not-found fault (2150858843)', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'hostname');
    await shell.receiveAll(shellId, commandId);
    const after = await faultOfCall(shell.receive(shellId, commandId));
    expect({ subcode: after.subcode, code: after.wsmanCode, detail: after.detail }).toEqual({
      subcode: 'w:InvalidSelectors',
      code: '2150858843',
      detail: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors',
    });
    expect(after.reason).toContain('The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist.');
    expect((await faultOfCall(shell.receive(shellId, '11111111-2222-3333-4444-555555555555'))).wsmanCode).toBe('2150858843');
    await shell.delete(shellId);
  });

  test('a Receive for a deleted shell gets the shell-not-found fault naming it, and the server answers on', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'hostname');
    await shell.delete(shellId);
    const f = await faultOfCall(shell.receive(shellId, commandId));
    expect(f.subcode).toBe('w:InvalidSelectors');
    expect(f.reason).toContain(`The request for the Windows Remote Shell with ShellId ${shellId} failed because the shell was not found on the server.`);
    expect((await shell.run('hostname')).stdout).toBe('IPAM1\r\n');
  });

  test('a Receive without CommandId is "The parameter is incorrect." (87), as Windows answered', async () => {
    const { shellId } = await shell.create();
    const f = await faultOfCall(shell.receive(shellId, undefined));
    expect({ subcode: f.subcode, code: f.wsmanCode }).toEqual({ subcode: 'w:InvalidParameter', code: '87' });
    await shell.delete(shellId);
  });

  test("another user's shell is not found, as on Windows", async () => {
    const { shellId } = await shell.create();
    const other = new ShellClient(emu.url, { Authorization: basic('Operator', 'Passw0rd!') });
    const f = await faultOfCall(other.command(shellId, 'hostname'));
    expect(f.reason).toContain(`ShellId ${shellId} failed because the shell was not found`);
    await shell.delete(shellId);
  });

  test('Get with the ShellId reads the shell back (MS-WSMV 3.1.4.2.1), its run time counting', async () => {
    const { shellId } = await shell.create({ idleTimeout: 'PT90S' });
    const r = await call(emu.url, { action: ACTION.get, resourceUri: SHELL_URI, selectors: { ShellId: shellId } });
    expect(r.status).toBe(200);
    expect(headerText(r.xml, NS.addressing, 'Action')).toBe(ACTION.getResponse);
    const rsp = child(bodyOf(r.xml), RSP, 'Shell') as XmlElement;
    const text = (n: string): string => textOf(child(rsp, RSP, n) as XmlElement);
    expect({ id: text('ShellId'), idle: text('IdleTimeOut') }).toEqual({ id: shellId, idle: 'PT90.000S' });
    expect(text('ShellRunTime')).toMatch(/^P\d+DT\d+H\d+M\d+S$/);
    await shell.delete(shellId);
    const gone = await call(emu.url, { action: ACTION.get, resourceUri: SHELL_URI, selectors: { ShellId: shellId } });
    expect(faultOf(gone.xml).reason).toContain(`ShellId ${shellId} failed because the shell was not found`);
  });

  test("Enumerate lists the caller's shells, not another user's (MS-WSMV 3.1.4.8.2); Pull pages them; a filter is refused", async () => {
    const mine = [(await shell.create()).shellId, (await shell.create()).shellId, (await shell.create()).shellId];
    const other = new ShellClient(emu.url, { Authorization: basic('Operator', 'Passw0rd!') });
    const theirs = (await other.create()).shellId;
    const listed: string[] = [];
    const first = await call(emu.url, { action: ACTION.enumerate, resourceUri: SHELL_URI, body: '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>2</w:MaxElements></n:Enumerate>' });
    const resp = child(bodyOf(first.xml), NS.enumeration, 'EnumerateResponse') as XmlElement;
    const idsIn = (el: XmlElement | undefined): string[] =>
      el ? elements(el).map((s) => textOf(child(s, RSP, 'ShellId') as XmlElement)) : [];
    listed.push(...idsIn(child(resp, NS.wsman, 'Items')));
    expect(listed).toHaveLength(2);
    let context = textOf(child(resp, NS.enumeration, 'EnumerationContext') as XmlElement);
    for (let i = 0; context && i < 10; i++) {
      const pulled = await call(emu.url, { action: ACTION.pull, resourceUri: SHELL_URI, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext><n:MaxElements>2</n:MaxElements></n:Pull>` });
      const pr = child(bodyOf(pulled.xml), NS.enumeration, 'PullResponse') as XmlElement;
      listed.push(...idsIn(child(pr, NS.enumeration, 'Items')));
      const next = child(pr, NS.enumeration, 'EnumerationContext');
      context = next ? textOf(next) : '';
      if (!next) expect(child(pr, NS.enumeration, 'EndOfSequence')).toBeDefined();
    }
    expect(listed.filter((id) => mine.includes(id)).sort()).toEqual([...mine].sort());
    expect(listed).not.toContain(theirs);

    const filtered = await call(emu.url, {
      action: ACTION.enumerate,
      resourceUri: SHELL_URI,
      body: '<n:Enumerate><w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">select * from x</w:Filter></n:Enumerate>',
    });
    expect(faultOf(filtered.xml).subcode).toBe('n:FilteringNotSupported');
    for (const id of mine) await shell.delete(id);
    await other.delete(theirs);
  });

  test('a shell enumeration context is its owner\'s: Release ends it, and a Pull after is wsen:InvalidEnumerationContext', async () => {
    const { shellId } = await shell.create();
    const started = await call(emu.url, { action: ACTION.enumerate, resourceUri: SHELL_URI, body: '<n:Enumerate/>' });
    const context = textOf(child(child(bodyOf(started.xml), NS.enumeration, 'EnumerateResponse') as XmlElement, NS.enumeration, 'EnumerationContext') as XmlElement);
    expect(context).toMatch(/^uuid:/);
    const pullAs = (auth: string): ReturnType<typeof call> =>
      call(emu.url, { action: ACTION.pull, resourceUri: SHELL_URI, body: `<n:Pull><n:EnumerationContext>${context}</n:EnumerationContext></n:Pull>` }, { Authorization: auth });
    expect(faultOf((await pullAs(basic('Operator', 'Passw0rd!'))).xml).subcode).toBe('n:InvalidEnumerationContext');
    const released = await call(emu.url, { action: ACTION.release, resourceUri: SHELL_URI, body: `<n:Release><n:EnumerationContext>${context}</n:EnumerationContext></n:Release>` });
    expect(released.status).toBe(200);
    expect(faultOf((await pullAs(basic('Administrator', 'Passw0rd!'))).xml).subcode).toBe('n:InvalidEnumerationContext');
    await shell.delete(shellId);
  });

  test('an IPAM user may not open a shell (WinRM RootSDDL): w:AccessDenied', async () => {
    const ipamUser = new ShellClient(emu.url, { Authorization: basic('ipamuser', 'Passw0rd!') });
    expect((await faultOfCall(ipamUser.create())).subcode).toBe('w:AccessDenied');
  });

  test('with no output before OperationTimeout, Receive is w:TimedOut (2150858793, "OperationTimeout"); the command goes on and stdin finishes it', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'powershell', ['-NoProfile', '-Command', '-']);
    const f = await faultOfCall(shell.receive(shellId, commandId, 'PT1S'));
    expect({ subcode: f.subcode, code: f.code, wsman: f.wsmanCode }).toEqual({ subcode: 'w:TimedOut', code: 's:Receiver', wsman: '2150858793' });
    expect(f.reason).toContain('OperationTimeout');
    await shell.send(shellId, commandId, "Write-Output 'from stdin'\r\n", true);
    expect(await shell.receiveAll(shellId, commandId)).toMatchObject({ stdout: 'from stdin\r\n', exitCode: 0 });
    await shell.delete(shellId);
  });

  test('output may come over several Receives, in order', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, encodedCommand("1..3 | ForEach-Object { Write-Output \"line $_\"; Start-Sleep -Milliseconds 300 }"));
    const r = await shell.receiveAll(shellId, commandId);
    expect(r.stdout).toBe('line 1\r\nline 2\r\nline 3\r\n');
    expect(r.receives).toBeGreaterThan(1);
    await shell.delete(shellId);
  });

  test('codepage 65001 gives UTF-8 bytes; 437 gives OEM bytes', async () => {
    for (const [codepage, expected] of [[65001, 'é'], [437, '\u00e9']] as const) {
      const { shellId } = await shell.create({ codepage });
      const commandId = await shell.command(shellId, 'echo', ['é']);
      const r = await shell.receive(shellId, commandId);
      await shell.delete(shellId);
      if (codepage === 65001) expect(r.stdout).toBe(`${expected}\r\n`);
      // 437 encodes é as 0x82, which the test reads back as UTF-8's replacement character.
      else expect(r.stdout).toBe('\ufffd\r\n');
    }
  });

  test('the environment given at Create is what set shows', async () => {
    const { shellId } = await shell.create({ env: { GREETING: 'hello' } });
    const commandId = await shell.command(shellId, 'set', ['GREETING']);
    expect((await shell.receiveAll(shellId, commandId)).stdout).toBe('GREETING=hello\r\n');
    await shell.delete(shellId);
  });

  test('the admin API lists shells with their commands (the program only) and deletes one', async () => {
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'powershell', ['-NoProfile', '-Command', '-']);
    const listed = (await adminGet(emu, '/shells')) as Array<{ shellId: string; owner: string; commands: Array<{ commandId: string; program: string; state: string }> }>;
    const mine = listed.find((s) => s.shellId === shellId);
    expect(mine).toMatchObject({ owner: 'IPAM1\\Administrator', commands: [{ commandId, program: 'powershell', state: 'running' }] });
    const del = await fetch(emu.url.replace(/\/wsman$/, `/_emulator/shells/${shellId}`), { method: 'DELETE', headers: { Authorization: basic('Administrator', 'Passw0rd!') } });
    expect(del.status).toBe(204);
    expect((await faultOfCall(shell.receive(shellId, commandId))).reason).toContain('was not found on the server');
  });
});

describe('quotas and the idle timeout (settable in the fixture)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ fixture: fixture({ maxShellsPerUser: 2, maxConcurrentOperationsPerUser: 1, idleTimeoutMs: 1500 }) });
  });
  afterAll(() => emu.stop());

  test('MaxShellsPerUser: the third shell is refused with 2150859173 and its text; another user still gets one', async () => {
    const shell = new ShellClient(emu.url);
    const a = await shell.create();
    const b = await shell.create();
    const f = await faultOfCall(shell.create());
    expect(f.subcode).toBe('w:InternalError');
    expect(f.cimError).toMatchObject({ error_Code: '2150859173', MessageID: 'HRESULT 0x803381a5', CIMStatusCode: '27', error_Category: '30' });
    expect(f.reason).toContain('This user is allowed a maximum number of 2 concurrent shells, which has been exceeded.');
    const other = new ShellClient(emu.url, { Authorization: basic('Operator', 'Passw0rd!') });
    await other.delete((await other.create()).shellId);
    await shell.delete(a.shellId);
    await shell.delete(b.shellId);
  });

  test('MaxConcurrentOperationsPerUser: a second running command is refused with 2150859174', async () => {
    const shell = new ShellClient(emu.url);
    const { shellId } = await shell.create();
    await shell.command(shellId, 'powershell', ['-Command', '-']);
    const f = await faultOfCall(shell.command(shellId, 'hostname'));
    expect(f.cimError).toMatchObject({ error_Code: '2150859174' });
    expect(f.reason).toContain('maximum number of 1 concurrent operations');
    await shell.delete(shellId);
  });

  test('a shell idle past IdleTimeout is deleted, with its command', async () => {
    const shell = new ShellClient(emu.url);
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, 'powershell', ['-Command', '-']);
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const listed = (await adminGet(emu, '/shells')) as Array<{ shellId: string }>;
      gone = !listed.some((s) => s.shellId === shellId);
    }
    expect(gone).toBe(true);
    expect((await faultOfCall(shell.receive(shellId, commandId))).reason).toContain('was not found on the server');
  });
});

describe('a provisioning in a shell', () => {
  let emu: TestEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ fixture: fixture(), stepDelayMs: 400 });
  });
  afterEach(() => emu.stop());

  test('Signal terminate mid-provisioning stops it: the job is Terminated, the host unprovisioned, no file left', async () => {
    const shell = new ShellClient(emu.url);
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, encodedCommand("Invoke-IpamServerProvisioning -WidSchemaPath 'D:\\Signalled' -ProvisioningMethod Manual -Force"));
    for (let i = 0; ; i++) {
      const jobs = (await adminGet(emu, '/jobs')) as Array<{ stateName: string; percent: number }>;
      if (jobs.length === 1 && jobs[0]!.stateName === 'Running' && jobs[0]!.percent >= 17) break;
      if (i > 200) throw new Error('the provisioning never ran');
      await new Promise((r) => setTimeout(r, 25));
    }
    await shell.signal(shellId, commandId);
    const jobs = (await adminGet(emu, '/jobs')) as Array<{ stateName: string }>;
    expect(jobs.map((j) => j.stateName)).toEqual(['Terminated']);
    expect(await provisioningState(emu.url)).toBe('0');
    const host = path.join(emu.dataDir, 'hosts', 'ipam1.contoso.com');
    expect(fs.existsSync(host) ? fs.readdirSync(host, { recursive: true }) : []).toEqual([]);
    await shell.delete(shellId);
  });

  test('an admin reset closes the host\'s shells, undoing a provisioning one was running', async () => {
    const shell = new ShellClient(emu.url);
    const { shellId } = await shell.create();
    const commandId = await shell.command(shellId, encodedCommand('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force'));
    for (let i = 0; ; i++) {
      const jobs = (await adminGet(emu, '/jobs')) as Array<{ stateName: string }>;
      if (jobs.some((j) => j.stateName === 'Running')) break;
      if (i > 200) throw new Error('the provisioning never ran');
      await new Promise((r) => setTimeout(r, 25));
    }
    const reset = await fetch(emu.url.replace(/\/wsman$/, '/_emulator/reset'), { method: 'POST', headers: { Authorization: basic('Administrator', 'Passw0rd!') } });
    expect(reset.status).toBe(200);
    expect(await adminGet(emu, '/shells')).toEqual([]);
    expect(await provisioningState(emu.url)).toBe('0');
    expect((await faultOfCall(shell.receive(shellId, commandId))).reason).toContain('was not found on the server');
  });

  test('what the shell door provisions, the CIM door reads back; what the CIM door provisioned, Get-IpamDatabase shows', async () => {
    const shell = new ShellClient(emu.url);
    const r = await shell.run(encodedCommand("Invoke-IpamServerProvisioning -WidSchemaPath 'D:\\Both' -ProvisioningMethod Manual -Force"));
    expect(r.exitCode).toBe(0);
    const db = await call(emu.url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_DBConfig', body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });
    expect(propsOf(itemsOf(child(bodyOf(db.xml), NS.enumeration, 'EnumerateResponse')!)[0]!)).toMatchObject({ DatabaseType: '1', WidSchemaPath: 'D:\\Both' });
    const read = await shell.run(encodedCommand('(Get-IpamDatabase).WidSchemaPath; (Get-IpamConfigurationEvent | Select-Object -Last 1).OperationalCode'));
    expect(read).toMatchObject({ stdout: 'D:\\Both\r\nCompleted\r\n', exitCode: 0 });
  });
});

describe("PowerShell's own cmdlets beside the host's modules", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ fixture: fixture() });
  });
  afterAll(() => emu.stop());

  // Format-*, Out-String and ConvertTo-Json live in Microsoft.PowerShell.Utility, as the engine's
  // Select-Object does: the console host's formatting cmdlets must add to that module, not hide behind it.
  test('Format-List, Format-Table, Out-String and ConvertTo-Json are there in a WinRS PowerShell', async () => {
    const shell = new ShellClient(emu.url);
    const list = await shell.run(encodedCommand('Get-IpamConfiguration | Format-List Port, Port'));
    // stderr holds only PowerShell's "Preparing modules for first use." progress records (CLIXML), no error.
    expect(list.exitCode).toBe(0);
    expect(list.stderr).not.toContain('S="Error"');
    expect(list.stdout).toBe('\r\n\r\nPort : 48885\r\nPort : 48885\r\n\r\n\r\n\r\n');
    const table = await shell.run(encodedCommand('Get-IpamCapability | Format-Table -AutoSize Name | Out-String -Width 80'));
    // An enum column is right-aligned, as PowerShell aligns whatever has a numeric TypeCode.
    expect(table.stdout).toMatch(/^\r\n +Name\r\n +----\r\nIpAddressTracking/);
    const json = await shell.run(encodedCommand('@{ Port = (Get-IpamConfiguration).Port } | ConvertTo-Json -Compress'));
    expect(json).toMatchObject({ stdout: '{"Port":48885}\r\n', exitCode: 0 });
    const found = await shell.run(encodedCommand("(Get-Command Format-List, Select-Object, ConvertTo-Json).ModuleName -join ','"));
    expect(found.stdout).toBe('Microsoft.PowerShell.Utility,Microsoft.PowerShell.Utility,Microsoft.PowerShell.Utility\r\n');
  });
});

describe('-WhatIf, -Confirm:$false, $ConfirmPreference and -Verbose on Invoke-IpamServerProvisioning', () => {
  let emu: TestEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ fixture: fixture() });
  });
  afterEach(() => emu.stop());

  test('-WhatIf prints the plan as "What if:" lines on stdout (LF, as the host writes), no record on stderr, and changes nothing', async () => {
    const r = await new ShellClient(emu.url).run(encodedCommand('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -WhatIf'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^What if: Step 1 of 6: Configuring the IPAM service[^\r\n]*\.\n/);
    expect(r.stdout).toContain('What if: Provisioning method: Manual.\n');
    expect(r.stderr).not.toContain('What if');
    expect(await provisioningState(emu.url)).toBe('0');
  });

  test('-Confirm:$false proceeds without -Force', async () => {
    const r = await new ShellClient(emu.url).run(encodedCommand('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Confirm:$false'));
    expect(r.exitCode).toBe(0);
    expect(await provisioningState(emu.url)).toBe('2');
  });

  test("$ConfirmPreference = 'None' proceeds too; -Verbose writes each step (plain text under -Command)", async () => {
    const r = await new ShellClient(emu.url).run('powershell', ['-NonInteractive', '-Command', "$ConfirmPreference = 'None'; Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Verbose"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('VERBOSE: Step 1 of 6: Configuring the IPAM service');
    expect(r.stdout).toContain('VERBOSE: Step 6 of 6: Enabling the optional capabilities.');
    expect(await provisioningState(emu.url)).toBe('2');
  });
});

describe('a host that starts without the IPAM feature', () => {
  let emu: TestEmulator;
  beforeEach(async () => {
    const fx = fixture();
    fx.hosts[0] = { ...fx.hosts[0]!, ipam: { feature: 'available' } };
    emu = await startEmulator({ fixture: fx });
  });
  afterEach(() => emu.stop());

  const ipamServer = (): Promise<Awaited<ReturnType<typeof call>>> =>
    call(emu.url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_Server', body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });

  test('has neither the IpamServer module nor root/Microsoft/IPAM, until Install-WindowsFeature IPAM; an admin reset takes it away again', async () => {
    const shell = new ShellClient(emu.url);
    const before = await ipamServer();
    expect(before.status).toBe(500);
    expect(before.text).toContain('The CIM namespace root/microsoft/ipam does not exist');
    const missing = await shell.run('powershell', ['-Command', 'Invoke-IpamServerProvisioning -Force']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("The term 'Invoke-IpamServerProvisioning' is not recognized");

    const install = await shell.run('powershell', ['-Command', 'Install-WindowsFeature IPAM -IncludeManagementTools']);
    expect(install.exitCode).toBe(0);
    expect(install.stdout).toMatch(/Success Restart Needed Exit Code\s+Feature Result/);
    expect(install.stdout).toMatch(/True\s+No\s+Success\s+\{.*IP Address Management \(IPAM\) Server/);
    const listed = await shell.run('powershell', ['-Command', '(Get-WindowsFeature IPAM).InstallState']);
    expect(listed.stdout).toBe('Installed\r\n');

    const provisioned = await shell.run('powershell', ['-Command', 'Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force']);
    expect(provisioned.exitCode).toBe(0);
    expect((await ipamServer()).status).toBe(200);
    expect(await provisioningState(emu.url)).toBe('2');

    const reset = await fetch(emu.url.replace(/\/wsman$/, '/_emulator/reset'), { method: 'POST', headers: { Authorization: basic('Administrator', 'Passw0rd!') } });
    expect(reset.status).toBe(200);
    expect((await ipamServer()).status).toBe(500);
  });

  test('Install-WindowsFeature of what is there already says NoChangeNeeded', async () => {
    const shell = new ShellClient(emu.url);
    const r = await shell.run('powershell', ['-Command', '(Install-WindowsFeature PowerShellRoot).ExitCode']);
    expect(r).toMatchObject({ stdout: 'NoChangeNeeded\r\n', exitCode: 0 });
  });
});
