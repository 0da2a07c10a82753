"""Checks a pytest-testinfra user writes for an IPAM server, run by the interop test
(test/interop/testinfra.test.ts) against the emulator through testinfra's winrm backend
(pywinrm's Protocol over NTLM: open_shell, run_command, get_command_output, close_shell).
"""


def test_the_host_answers_with_its_name(host):
    r = host.run('hostname')
    assert r.rc == 0
    assert r.stdout == 'IPAM1\r\n'


def test_an_unknown_command_is_cmd_exe_s_9009(host):
    r = host.run('no-such-tool')
    assert r.rc == 9009
    assert "'no-such-tool' is not recognized as an internal or external command" in r.stderr


def test_without_force_the_prompt_fails_and_nothing_changes(host):
    r = host.run('powershell -NonInteractive -Command "Invoke-IpamServerProvisioning -WidSchemaPath D:\\Elsewhere -ProvisioningMethod Manual"')
    assert r.rc == 1
    assert 'Windows PowerShell is in NonInteractive mode' in r.stderr
    # Not provisioned: the database has no type yet.
    assert host.run('powershell -Command "(Get-IpamDatabase).DatabaseType"').stdout == ''


def test_provisioning_through_powershell(host):
    r = host.run('powershell -NonInteractive -Command "Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force; (Get-IpamDatabase).DatabaseType"')
    assert r.rc == 0, r.stderr
    assert r.stdout == 'WID\r\n'
