/**
 * Issue 11: Ansible (Debian ansible-core) runs the raw module over ansible_connection=winrm
 * with gather_facts: false against three hosts of a fleet, each on its own port, and
 * provisions them: every raw command goes out as `PowerShell -NoProfile -NonInteractive
 * -ExecutionPolicy Unrestricted -EncodedCommand …` in a shell Ansible opens with codepage
 * 65001. The CIM door then reads each host back provisioned.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadFixture, type Fixture } from '../../src/config/fixture';
import { freePort, startEmulator, tempDir, type TestEmulator } from '../support/emulator';
import { ACTION, NS, WMI, bodyOf, call, child, itemsOf, propsOf } from '../support/soap';
import { haveCommand, havePythonModule, requireOrSkip } from './clients';

jest.setTimeout(180_000);

const missing = [...(haveCommand('ansible-playbook') ? [] : ['ansible-playbook']), ...(havePythonModule('/usr/bin/python3', 'winrm') ? [] : ['python3-winrm'])];

function playbook(dir: string, inventory: string, book: string): Promise<{ code: number; output: string }> {
  fs.writeFileSync(path.join(dir, 'inventory.ini'), inventory);
  fs.writeFileSync(path.join(dir, 'site.yml'), book);
  return new Promise((resolve) => {
    execFile(
      'ansible-playbook',
      ['-i', 'inventory.ini', 'site.yml'],
      {
        cwd: dir,
        timeout: 170_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          LANG: 'C.UTF-8',
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_HOST_KEY_CHECKING: 'False',
          ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'),
          ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

requireOrSkip('ansible', missing.length === 0, missing)('Ansible (ansible-core) raw over winrm against three hosts', () => {
  let emu: TestEmulator;
  let ports: number[];
  const names = ['ipam1.contoso.com', 'ipam2.contoso.com', 'ipam3.contoso.com'];
  beforeAll(async () => {
    ports = [await freePort(), await freePort(), await freePort()];
    const fx: Fixture = loadFixture(path.join(__dirname, '..', '..', 'fixtures', 'contoso.json'));
    const template = fx.hosts[0]!;
    fx.hosts = names.map((fqdn, i) => ({ ...template, fqdn, port: ports[i] }));
    emu = await startEmulator({ fixture: fx });
  });
  afterAll(() => emu?.stop());

  test('a playbook provisions each host; the CIM door reads all three back provisioned', async () => {
    const dir = tempDir('ansible-');
    const inventory = [
      '[ipam]',
      ...names.map((n, i) => `${n.split('.')[0]} ansible_host=127.0.0.1 ansible_port=${ports[i]}`),
      '',
      '[ipam:vars]',
      'ansible_connection=winrm',
      'ansible_winrm_transport=basic',
      'ansible_winrm_scheme=http',
      'ansible_user=Administrator',
      'ansible_password=Passw0rd!',
      'ansible_winrm_server_cert_validation=ignore',
      '',
    ].join('\n');
    const book = [
      '- hosts: ipam',
      '  gather_facts: false',
      '  tasks:',
      '    - name: provision IPAM',
      "      raw: Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force; (Get-IpamDatabase).DatabaseType",
      '      register: provisioned',
      '    - name: check what the host says',
      '      assert:',
      '        that:',
      "          - provisioned.rc == 0",
      "          - provisioned.stdout_lines == ['WID']",
      '',
    ].join('\n');
    const r = await playbook(dir, inventory, book);
    expect({ code: r.code, tail: r.output.slice(-1500) }).toMatchObject({ code: 0 });
    expect(r.output).toMatch(/ipam1\s+: ok=2\s+changed=1/);
    for (const host of names) {
      const reply = await call(emu.url, { action: ACTION.enumerate, resourceUri: WMI + 'MSFT_IPAM_Server', body: '<n:Enumerate><w:OptimizeEnumeration/></n:Enumerate>' }, { Host: host });
      expect([host, propsOf(itemsOf(child(bodyOf(reply.xml), NS.enumeration, 'EnumerateResponse')!)[0]!).ProvisioningState]).toEqual([host, '2']);
    }
  });
});
