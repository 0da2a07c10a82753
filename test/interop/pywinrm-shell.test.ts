/**
 * Issue 11: the real pywinrm through the WinRS shell door, as users call it: Session.run_cmd
 * and Session.run_ps (powershell -encodedcommand, its CLIXML stderr cleaned by pywinrm), over
 * Basic and over NTLM with sealed messages. What the PowerShell door provisions, the CIM door
 * reads back.
 *
 * Two pywinrms: Debian's python3-winrm 0.3.0, and PyPI's latest. 0.3.0's run_ps raises
 * TypeError whenever stderr is not empty (it hands bytes to a str check), which module
 * autoload's progress records alone make so, against Windows as against the emulator; with
 * it the script goes through run_cmd exactly as run_ps sends it and stderr is cleaned by its
 * own _clean_error_msg (pywinrm_shell.py ps_via_cmd). PyPI's pywinrm runs run_ps itself.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { opensslLegacyConf } from '../support/opensslLegacy';
import { ACTION, NS, WMI, bodyOf, call, child, itemsOf, propsOf } from '../support/soap';
import { haveCommand, havePythonModule, requireOrSkip } from './clients';

jest.setTimeout(60_000);

/** Debian's interpreter sees Debian's python3-winrm; the python3 on PATH sees PyPI's pywinrm (.ci/run installs it). */
const DEBIAN_PYTHON = '/usr/bin/python3';
const PYPI_PYTHON = 'python3';
const SCRIPT = path.join(__dirname, 'pywinrm_shell.py');
const missingDebian = [...(haveCommand(DEBIAN_PYTHON) ? [] : [DEBIAN_PYTHON]), ...(haveCommand(DEBIAN_PYTHON) && !havePythonModule(DEBIAN_PYTHON, 'winrm') ? ['python3-winrm'] : [])];
const missingPypi = havePythonModule(PYPI_PYTHON, 'winrm') ? [] : ['pywinrm from PyPI in the python3 on PATH'];

interface ShellResult {
  ok: boolean;
  version?: string;
  std_out?: string;
  std_err?: string;
  status_code?: number;
  error?: string;
  message?: string;
}

type Transport = { transport: 'plaintext' } | { transport: 'ntlm'; encryption: 'always' };

type Mode = 'cmd' | 'ps' | 'ps_via_cmd';

function runWith(python: string, url: string, how: Transport, mode: Mode, command: string, ...args: string[]): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [...(python === DEBIAN_PYTHON ? ['-I'] : []), '-B', SCRIPT, url, 'Administrator', 'Passw0rd!', mode, command, ...args],
      {
        timeout: 50_000,
        env: {
          ...(python === DEBIAN_PYTHON ? {} : process.env),
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          LANG: 'C.UTF-8',
          PYWINRM_TRANSPORT: how.transport,
          PYWINRM_ENCRYPTION: how.transport === 'ntlm' ? how.encryption : 'auto',
          OPENSSL_CONF: opensslLegacyConf(),
        },
      },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`pywinrm_shell.py failed: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
        try {
          resolve(JSON.parse(stdout) as ShellResult);
        } catch {
          reject(new Error(`pywinrm_shell.py printed no JSON.\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      },
    );
  });
}

async function dbConfig(url: string): Promise<Record<string, string | null>> {
  const r = await call(url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_DBConfig', body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });
  return propsOf(itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!)[0]!);
}

async function serverState(url: string): Promise<string | null | undefined> {
  const r = await call(url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_Server', body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });
  return propsOf(itemsOf(child(bodyOf(r.xml), NS.enumeration, 'EnumerateResponse')!)[0]!).ProvisioningState;
}

const TRANSPORTS: Array<[string, Transport]> = [
  ['Basic', { transport: 'plaintext' }],
  ['NTLM with sealed messages', { transport: 'ntlm', encryption: 'always' }],
];

const CLIENTS: Array<[string, string, string, string[], Mode]> = [
  ["Debian's pywinrm 0.3.0 (run_ps's request through run_cmd)", 'pywinrm', DEBIAN_PYTHON, missingDebian, 'ps_via_cmd'],
  ["PyPI's pywinrm (run_ps)", 'pywinrm-pypi', PYPI_PYTHON, missingPypi, 'ps'],
];

describe.each(CLIENTS)('%s through the WinRS shell', (_name, client, python, missing, psMode) => {
  const run = (url: string, how: Transport, mode: 'cmd' | 'ps', command: string, ...args: string[]): Promise<ShellResult> =>
    runWith(python, url, how, mode === 'ps' ? psMode : 'cmd', command, ...args);
  requireOrSkip(client, missing.length === 0, missing)(client, () => {
  let emu: TestEmulator;
  beforeEach(async () => {
    // The default fixture's host, which allows Basic over HTTP and Negotiate.
    const fx: Fixture = loadFixture(path.join(__dirname, '..', '..', 'fixtures', 'contoso.json'));
    emu = await startEmulator({ fixture: fx });
  });
  afterEach(() => emu.stop());

  describe.each(TRANSPORTS)('%s', (_name, how) => {
    test("run_cmd('hostname') prints the host's name", async () => {
      const r = await run(emu.url, how, 'cmd', 'hostname');
      expect(r).toMatchObject({ ok: true, std_out: 'IPAM1\r\n', std_err: '', status_code: 0 });
    });

    test('run_ps of a provisioning script with -Force exits 0, and the CIM door reads the database it made', async () => {
      const r = await run(emu.url, how, 'ps', "Invoke-IpamServerProvisioning -WidSchemaPath 'D:\\IpamDb' -ProvisioningMethod Manual -Force\nGet-IpamDatabase | Select-Object -ExpandProperty WidSchemaPath");
      expect(r).toMatchObject({ ok: true, status_code: 0 });
      expect(r.std_out).toBe('D:\\IpamDb\r\n');
      // Only the module autoload's progress records, which pywinrm leaves as CLIXML: no error.
      expect(r.std_err).not.toContain('S="Error"');
      expect(await dbConfig(emu.url)).toMatchObject({ DatabaseType: '1', WidSchemaPath: 'D:\\IpamDb' });
    });
  });

  test('a script binding two parameter sets exits 1 with PowerShell\'s error text in std_err, and nothing changes', async () => {
    const r = await run(emu.url, { transport: 'plaintext' }, 'ps', "Invoke-IpamServerProvisioning -WidSchemaPath 'D:\\IpamDb' -DatabaseServer db1.contoso.com -Force");
    expect(r).toMatchObject({ ok: true, status_code: 1 });
    expect(r.std_err).toContain('Invoke-IpamServerProvisioning : Parameter set cannot be resolved using the specified named parameters.');
    expect(r.std_err).toContain('AmbiguousParameterSet,Invoke-IpamServerProvisioning');
    expect(await serverState(emu.url)).toBe('0');
  });

  test('without -Force the confirmation is the NonInteractive error: exit 1, the host unprovisioned', async () => {
    const r = await run(emu.url, { transport: 'plaintext' }, 'ps', 'Invoke-IpamServerProvisioning -ProvisioningMethod Manual');
    expect(r).toMatchObject({ ok: true, status_code: 1 });
    // pywinrm joins the error view's lines; the host wraps them at its 120 columns.
    expect(r.std_err?.replace(/\s+/g, ' ')).toContain('Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.');
    expect(await serverState(emu.url)).toBe('0');
    expect(await dbConfig(emu.url)).toMatchObject({ DatabaseType: '0' });
  });

  test('an unknown program through cmd: the "not recognized" text and exit code 9009', async () => {
    const r = await run(emu.url, { transport: 'plaintext' }, 'cmd', 'nosuchprogram');
    expect(r).toMatchObject({ ok: true, std_out: '', status_code: 9009 });
    expect(r.std_err).toBe("'nosuchprogram' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n");
  });
});
});
