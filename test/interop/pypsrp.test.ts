/**
 * Issue 11: pypsrp (PyPI) Client.execute_cmd, which runs a WinRS cmd shell (Create with no
 * options, one Command with WINRS_SKIP_CMD_SHELL=False, Receive until Done, Signal ctrl_c,
 * Delete), for a command and for a PowerShell script, over Basic and NTLM (sealed).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { opensslLegacyConf } from '../support/opensslLegacy';
import { havePythonModule, requireOrSkip } from './clients';

jest.setTimeout(60_000);

/** pypsrp comes from PyPI, into the python3 on PATH (.ci/run installs it). */
const PYTHON = 'python3';
const SCRIPT = path.join(__dirname, 'pypsrp_client.py');
const missing = havePythonModule(PYTHON, 'pypsrp') ? [] : ['python module pypsrp'];

interface Result {
  ok: boolean;
  stdout?: string;
  stderr?: string;
  rc?: number;
  error?: string;
  message?: string;
}

function run(port: number, auth: 'basic' | 'ntlm', command: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, ['-B', SCRIPT, '127.0.0.1', String(port), 'Administrator', 'Passw0rd!', auth, command], { timeout: 50_000, env: { ...process.env, OPENSSL_CONF: opensslLegacyConf() } }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`pypsrp_client.py failed: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
      try {
        resolve(JSON.parse(stdout) as Result);
      } catch {
        reject(new Error(`pypsrp_client.py printed no JSON.\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
  });
}

const encoded = (script: string): string => Buffer.from(script, 'utf16le').toString('base64');

requireOrSkip('pypsrp', missing.length === 0, missing)('pypsrp Client.execute_cmd through the WinRS shell', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  test.each(['basic', 'ntlm'] as const)('%s: a command', async (auth) => {
    expect(await run(emu.port, auth, 'echo hello & hostname')).toEqual({ ok: true, stdout: 'hello \r\nIPAM1\r\n', stderr: '', rc: 0 });
  });

  test('a PowerShell script (-EncodedCommand): it provisions, and Get-IpamCapability reads the capability back', async () => {
    const script = 'Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force; (Get-IpamCapability).Status';
    const r = await run(emu.port, 'basic', `powershell.exe -NoProfile -NonInteractive -EncodedCommand ${encoded(script)}`);
    expect(r).toMatchObject({ ok: true, stdout: 'Enabled\r\n', rc: 0 });
    // execute_cmd returns stderr raw: the progress records of the autoload and of the provisioning, no error.
    expect(r.stderr).toContain('<AV>Preparing modules for first use.</AV>');
    expect(r.stderr).not.toContain('S="Error"');
  });
});
