/**
 * Issue 11: pytest-testinfra (PyPI) checks an IPAM server through its winrm backend, which
 * drives PyPI's pywinrm Protocol over NTLM with sealing: open_shell, run_command,
 * get_command_output, cleanup_command, close_shell, one shell per check. The checks are a
 * user's pytest file (testinfra/test_ipam_host.py); the CIM door then reads back what
 * they provisioned.
 */
import path from 'node:path';
import { startEmulator, type TestEmulator } from '../support/emulator';
import { ACTION, NS, WMI, bodyOf, call, child, itemsOf, propsOf } from '../support/soap';
import { havePythonModule, requireOrSkip, runPytest } from './clients';

jest.setTimeout(120_000);

/** testinfra and the pywinrm it runs on come from PyPI, into the python3 on PATH (.ci/run installs them). */
const PYTHON = 'python3';
const CHECKS = path.join(__dirname, 'testinfra', 'test_ipam_host.py');
const missing = [...(havePythonModule(PYTHON, 'testinfra') ? [] : ['python module testinfra (pytest-testinfra)']), ...(havePythonModule(PYTHON, 'winrm') ? [] : ['python module winrm (pywinrm)'])];

function pytest(port: number): Promise<{ code: number; output: string }> {
  return runPytest(PYTHON, [`--hosts=winrm://Administrator:Passw0rd!@127.0.0.1:${port}?no_ssl=true&no_verify_ssl=true`, CHECKS]);
}

requireOrSkip('testinfra', missing.length === 0, missing)('pytest-testinfra over winrm (NTLM, sealed)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.stop());

  test("a user's checks pass, and what they provisioned the CIM door reads back", async () => {
    const r = await pytest(emu.port);
    expect({ code: r.code, output: r.output.slice(-2000) }).toMatchObject({ code: 0 });
    expect(r.output).toMatch(/\b4 passed\b/);
    const db = await call(emu.url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_DBConfig', body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' });
    expect(propsOf(itemsOf(child(bodyOf(db.xml), NS.enumeration, 'EnumerateResponse')!)[0]!)).toMatchObject({ DatabaseType: '1', WidSchemaPath: 'C:\\Windows\\System32\\IPAM\\Database' });
  });
});
