/**
 * Issue 11: Go's masterzen/winrm (the client of Packer and Terraform), Debian's
 * golang-github-masterzen-winrm-dev built offline in GOPATH mode, runs a command and a
 * PowerShell script (winrm.Powershell: -EncodedCommand with $ProgressPreference set first)
 * through the WinRS shell, over Basic and NTLM.
 *
 * Two quirks of the Debian version (2020-06) that the tests follow rather than hide:
 * - its winrm.Powershell() does not set $ProgressPreference (later versions do), so module
 *   autoload's and provisioning's progress records come back as CLIXML on stderr;
 * - go-ntlmssp keeps the CHALLENGE's target name (the host's domain, CONTOSO) as the domain of a
 *   bare user name, as against a real domain member: a local account logs on as IPAM1\Administrator.
 * Its RunWithString sends stdin's End only after the command has finished, so a command that
 * reads stdin to its end waits for ever, on Windows as here: stdin is not tested with it.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { startEmulator, tempDir, type TestEmulator } from '../support/emulator';
import { haveCommand, requireOrSkip } from './clients';

jest.setTimeout(120_000);

const GOPATH = '/usr/share/gocode';
const SOURCE = path.join(__dirname, 'go_winrm');
const missing = [...(haveCommand('go') ? [] : ['go']), ...(fs.existsSync(path.join(GOPATH, 'src', 'github.com', 'masterzen', 'winrm')) ? [] : [`${GOPATH}/src/github.com/masterzen/winrm`])];

interface GoResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  error?: string;
}

let binary = '';

function run(port: number, auth: 'basic' | 'ntlm', mode: 'cmd' | 'ps', command: string): Promise<GoResult> {
  const user = auth === 'ntlm' ? 'DomainAdmin' : 'Administrator';
  return new Promise((resolve, reject) => {
    execFile(binary, ['127.0.0.1', String(port), user, 'Passw0rd!', auth, mode, command], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`go_winrm failed: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
      try {
        resolve(JSON.parse(stdout) as GoResult);
      } catch {
        reject(new Error(`go_winrm printed no JSON.\nstdout: ${stdout}\nstderr: ${stderr}`));
      }
    });
  });
}

requireOrSkip('go-winrm', missing.length === 0, missing)('Go masterzen/winrm (Debian) through the WinRS shell', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    const out = tempDir('go-winrm-');
    binary = path.join(out, 'go_winrm');
    // GOPATH mode, offline: everything it imports is in Debian's /usr/share/gocode.
    execFileSync('go', ['build', '-o', binary, '.'], {
      cwd: SOURCE,
      env: { ...process.env, GOPATH, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: path.join(out, 'cache'), GOPROXY: 'off' },
      stdio: 'pipe',
      timeout: 110_000,
    });
    const fx: Fixture = loadFixture(path.join(__dirname, '..', '..', 'fixtures', 'contoso.json'));
    fx.domains = fx.domains.map((d) => ({ ...d, accounts: [{ name: 'DomainAdmin', password: 'Passw0rd!', groups: ['Domain Admins'] }] }));
    emu = await startEmulator({ fixture: fx });
  });
  afterAll(() => emu?.stop());

  test.each([
    ['basic', 'ipam1\\administrator'],
    ['ntlm', 'contoso\\domainadmin'],
  ] as const)('%s: a command through cmd.exe', async (auth, who) => {
    expect(await run(emu.port, auth, 'cmd', 'hostname && whoami')).toEqual({ stdout: `IPAM1\r\n${who}\r\n`, stderr: '', exitCode: 0 });
  });

  test('a PowerShell script: it provisions the host, reads it back, and its exit code is PowerShell\'s', async () => {
    const r = await run(emu.port, 'basic', 'ps', "Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force\n(Get-IpamConfiguration).ProvisioningMethod\nexit 3");
    expect(r).toMatchObject({ stdout: 'Manual\r\n', exitCode: 3 });
    // Progress only: module autoload's and the provisioning steps'.
    expect(r.stderr.startsWith('#< CLIXML\r\n')).toBe(true);
    expect(r.stderr).toContain('<AV>Provisioning IPAM on ipam1.contoso.com</AV>');
    expect(r.stderr).not.toContain('S="Error"');
  });

  test('an error in a PowerShell script comes back as CLIXML on stderr with exit code 1', async () => {
    const r = await run(emu.port, 'basic', 'ps', 'Get-NoSuchThing');
    expect(r.exitCode).toBe(1);
    expect(r.stderr.startsWith('#< CLIXML\r\n')).toBe(true);
    expect(r.stderr).toContain("The term 'Get-NoSuchThing' is not recognized");
  });
});
