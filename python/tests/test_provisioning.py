"""A provisioning through each door of the emulator the plugin started, read back through the other
door and through the admin helper."""
import doors


def test_run_ps_provisioning_is_seen_by_cim_and_the_admin_api(ipam_fresh):
    emu = ipam_fresh
    r = doors.shell(emu.url, emu.credentials).run_ps(
        'Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force; (Get-IpamDatabase).DatabaseType')
    assert r.status_code == 0, r.std_err
    assert r.std_out == b'WID\r\n'

    p = doors.protocol(emu.url, emu.credentials)
    [server] = doors.instances(p, 'MSFT_IPAM_Server')
    assert (server['ServerName'], server['ProvisioningState']) == ('ipam1.contoso.com', '2')
    [database] = doors.instances(p, 'MSFT_IPAM_DBConfig')
    assert database['DatabaseType'] == '1'  # WID

    host = emu.admin.host('ipam1.contoso.com')
    assert host['provisioningState'] == 'Provisioned'
    assert host['configuration']['database']['type'] == 'WID'
    assert host['configuration']['provisioningMethod'] == 'Manual'


def test_cim_provisioning_is_seen_by_the_shell_and_the_admin_api(ipam_fresh):
    emu = ipam_fresh
    output = doors.invoke_provisioning(doors.protocol(emu.url, emu.credentials), ProvisioningMethod=doors.MANUAL, Force='true')
    assert output['ReturnValue'] == '0'

    r = doors.shell(emu.url, emu.credentials).run_ps('(Get-IpamDatabase).DatabaseType; (Get-IpamConfiguration).ProvisioningMethod')
    assert r.status_code == 0, r.std_err
    assert r.std_out == b'WID\r\nManual\r\n'

    [job] = emu.admin.jobs(host='ipam1.contoso.com')
    assert (job['operation'], job['stateName']) == ('InvokeIpamServerProvisioning', 'Completed')
    assert emu.admin.job(job['instanceId'])['status'] == 'Completed: IPAM was provisioned'
    assert emu.admin.jobs(state='Running') == []
    assert emu.admin.concurrency()['perHost']['ipam1.contoso.com']['peak'] == 1
