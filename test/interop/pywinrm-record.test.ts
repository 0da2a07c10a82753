/**
 * Record, replay, conform (issue 12) with the real pywinrm (Debian's python3-winrm 0.3.0): its
 * traffic goes through the recording proxy to a second emulator (standing in for a Windows
 * host), over Basic and over NTLM with sealed messages on both sides; `serve --replay` then
 * answers the same pywinrm operations from the cassette with the same results, and `conform`
 * finds no difference between a fresh emulator and the recording. The CIM door (Identify,
 * Enumerate/Pull, Get, a fault, a provisioning with DatabaseCredential, a read-back) and the
 * WinRS door (run_cmd; a PowerShell -EncodedCommand script holding a password).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Emulator } from '../../src/app';
import { BasicAuthenticator, WsmanTransport } from '../../src/client/transport';
import contoso from '../../fixtures/contoso.json';
import type { Fixture } from '../../src/config/fixture';
import { startRecordingProxy } from '../../src/cli/record';
import { readCassette, type Cassette } from '../../src/harness/cassette';
import { conform } from '../../src/harness/conform';
import { startEmulator, tempDir, type TestEmulator } from '../support/emulator';
import { opensslLegacyConf } from '../support/opensslLegacy';
import { haveCommand, havePythonModule, requireOrSkip } from './clients';

jest.setTimeout(120_000);

/** Debian's interpreter: another python3 earlier on PATH may not see Debian's modules (clients.md). */
const PYTHON = '/usr/bin/python3';
const CIM_SCRIPT = path.join(__dirname, 'pywinrm_client.py');
const SHELL_SCRIPT = path.join(__dirname, 'pywinrm_shell.py');
const missing = [
  ...(haveCommand(PYTHON) ? [] : [PYTHON]),
  ...(haveCommand(PYTHON) && !havePythonModule(PYTHON, 'winrm') ? ['python module winrm'] : []),
];

const CLIENT_PASSWORD = 'Passw0rd!';
const TARGET_PASSWORD = 'Target-Passw0rd!';
const SQL_PASSWORD = 'Sa-Passw0rd!';
const SHELL_SECRET = 'Sh3ll-Secret!';
// What it prints does not depend on the secret: conform sends <redacted> in its place (inside the encoded script).
const SCRIPT = `$p = ConvertTo-SecureString '${SHELL_SECRET}' -AsPlainText -Force; Write-Output "secure: $($null -ne $p)"`;
const PROVISION = JSON.stringify({ DatabaseServer: 'db1.contoso.com', DatabaseName: 'IPAM', DatabasePort: '1433', DatabaseAuthType: '2', DatabaseCredential: `sa:${SQL_PASSWORD}`, Force: 'true' });

type Transport = 'plaintext' | 'ntlm';

function run(script: string, url: string, transport: Transport, args: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ['-I', '-B', script, url, 'Administrator', CLIENT_PASSWORD, ...args],
      {
        timeout: 50_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          LANG: 'C.UTF-8',
          PYWINRM_TRANSPORT: transport,
          PYWINRM_ENCRYPTION: transport === 'ntlm' ? 'always' : 'auto',
          // ntlm-auth needs MD4, which Debian 12's OpenSSL keeps in its legacy provider.
          OPENSSL_CONF: opensslLegacyConf(),
        },
      },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${path.basename(script)} ${args[0]} failed: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`${path.basename(script)} printed no JSON.\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      },
    );
  });
}

/** One pywinrm process per operation, as a user's script or Ansible would run them. */
async function pywinrmSession(url: string, transport: Transport): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const op of ['identify', 'enumerate', 'enumerate_pull', 'get', 'invoke_gpo_without_prefix']) out[op] = await run(CIM_SCRIPT, url, transport, [op]);
  out.provision = await run(CIM_SCRIPT, url, transport, ['provision', PROVISION]);
  out.configuration = await run(CIM_SCRIPT, url, transport, ['read', 'MSFT_IPAM_ServerConfiguration']);
  out.hostname = await run(SHELL_SCRIPT, url, transport, ['cmd', 'hostname']);
  out.script = await run(SHELL_SCRIPT, url, transport, ['ps_via_cmd', SCRIPT]);
  return out;
}

/** GUIDs (MessageIDs, ShellIds, job ids) are volatile: a replay hands out its own. */
function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g, '<guid>'));
}

requireOrSkip('pywinrm', missing.length === 0, missing)('pywinrm 0.3.0 (python3-winrm) recorded through the proxy, replayed, conformed', () => {
  describe.each([
    ['Basic to the proxy and to the target', 'plaintext', 'basic'],
    ['NTLM, sealed, to the proxy and to the target', 'ntlm', 'negotiate'],
  ] as const)('%s', (_title, transport, targetAuthentication) => {
    let target: TestEmulator;
    let cassette: Cassette;
    let cassetteText: string;
    let recorded: Record<string, unknown>;
    const proxyLog: string[] = [];

    beforeAll(async () => {
      const fixture = structuredClone(contoso) as Fixture;
      fixture.hosts[0]!.accounts = [{ name: 'Administrator', password: TARGET_PASSWORD, groups: ['Administrators'] }];
      target = await startEmulator({ fixture });
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          proxyLog.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          cb();
        },
      });
      const file = path.join(tempDir('ipam-cassette-'), 'pywinrm.json');
      const proxy = await startRecordingProxy({ target: target.url, targetUser: 'Administrator', targetPassword: TARGET_PASSWORD, targetAuthentication, port: 0, out: file, logger: pino({ level: 'debug' }, sink) });
      try {
        recorded = await pywinrmSession(proxy.url, transport);
      } finally {
        await proxy.stop();
      }
      cassetteText = fs.readFileSync(file, 'utf8');
      cassette = readCassette(file);
    });
    afterAll(() => target.stop());

    test('pywinrm worked through the proxy: what it read came from the target', () => {
      expect(recorded.identify).toMatchObject({ ok: true, product_version: 'OS: 10.0.20348 SP: 0.0 Stack: 3.0' });
      expect(recorded.get).toMatchObject({ ok: true, properties: { ServerName: 'ipam1.contoso.com' } });
      expect(recorded.invoke_gpo_without_prefix).toMatchObject({ ok: false, fault_subcode: 'w:InvalidParameter', http_status_code: 500 });
      expect(recorded.provision).toMatchObject({ ok: true, return_value: '0' });
      expect(recorded.hostname).toMatchObject({ ok: true, std_out: 'IPAM1\r\n', status_code: 0 });
      expect(recorded.script).toMatchObject({ ok: true, std_out: 'secure: True\r\n', status_code: 0 });
      if (transport === 'ntlm') {
        // Sealed on both sides: the proxy opened the client's messages, the target opened the proxy's.
        expect(proxyLog.some((l) => l.includes('"sealed":true') && l.includes('"op":"Record"'))).toBe(true);
        expect(target.logs().some((l) => l.includes('"sealed":true') && l.includes('"auth":"Negotiate"'))).toBe(true);
      }
    });

    test('no password is in the cassette or in a log: Basic headers, the DatabaseCredential, the script\'s SecureString text', () => {
      const encodedScript = Buffer.from(SCRIPT, 'utf16le').toString('base64');
      const secrets = [CLIENT_PASSWORD, TARGET_PASSWORD, SQL_PASSWORD, SHELL_SECRET, encodedScript, Buffer.from(`Administrator:${TARGET_PASSWORD}`).toString('base64'), Buffer.from(`Administrator:${CLIENT_PASSWORD}`).toString('base64')];
      for (const secret of secrets) {
        expect({ secret, inCassette: cassetteText.includes(secret) }).toEqual({ secret, inCassette: false });
        expect({ secret, inLogs: [...proxyLog, ...target.logs()].some((l) => l.includes(secret)) }).toEqual({ secret, inLogs: false });
      }
      // The shell's ids are placeholders that thread through the conversation.
      const shellRequests = cassette.entries.filter((e) => e.request.selectors?.ShellId !== undefined);
      expect(shellRequests.length).toBeGreaterThanOrEqual(4);
      for (const e of shellRequests) expect(e.request.selectors?.ShellId).toMatch(/^\{\{ShellId-\d+(\|lc)?\}\}$/);
    });

    test('serve --replay answers pywinrm with what it read from the target', async () => {
      const emulator = Emulator.create({ dataDir: tempDir(), logger: pino({ level: 'silent' }), replay: { cassette, onMiss: 'fault' } });
      const listener = await emulator.start('127.0.0.1', 0, { httpsPort: false });
      try {
        expect(stable(await pywinrmSession(listener.url, transport))).toEqual(stable(recorded));
      } finally {
        await emulator.stop();
      }
    });

    test('conform: a fresh emulator answers every recorded request as the recorded host did', async () => {
      const fresh = await startEmulator();
      const t = new WsmanTransport({ endpoint: fresh.url, authenticator: new BasicAuthenticator('Administrator', CLIENT_PASSWORD) });
      try {
        const report = await conform(cassette, {
          secret: `sa:${SQL_PASSWORD}`,
          send: (xml, o) => t.exchange(xml, { anonymous: o.unauthenticated, headers: { ...(o.unauthenticated ? { WSMANIDENTIFY: 'unauthenticated' } : {}), ...(o.userAgent ? { 'User-Agent': o.userAgent } : {}) } }),
        });
        expect(report.results.filter((r) => r.differences.length > 0)).toEqual([]);
        expect(report).toMatchObject({ sent: cassette.entries.length, differing: 0 });
      } finally {
        t.close();
        await fresh.stop();
      }
    });
  });
});
