"""A snapshot taken and restored through the admin helper (docs/snapshots.md)."""
import doors


def test_a_snapshot_brings_a_provisioned_fleet_back_after_a_reset(ipam_fresh):
    emu = ipam_fresh
    shell = doors.shell(emu.url, emu.credentials)
    r = shell.run_ps('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force')
    assert r.status_code == 0, r.std_err
    snapshot = emu.admin.take_snapshot('provisioned')
    assert (snapshot['name'], snapshot['hosts'], snapshot['provisioned']) == ('provisioned', 1, 1)

    emu.admin.reset()
    assert emu.admin.host('ipam1.contoso.com')['provisioningState'] == 'NotProvisioned'

    restored = emu.admin.restore_snapshot('provisioned')
    assert [h['provisioningState'] for h in restored['hosts']] == ['Provisioned']
    assert shell.run_ps('(Get-IpamDatabase).DatabaseType').std_out == b'WID\r\n'
    [server] = doors.instances(doors.protocol(emu.url, emu.credentials), 'MSFT_IPAM_Server')
    assert server['ProvisioningState'] == '2'

    # Snapshots outlive fleet resets (a session may provision once and restore before each test): this
    # one is deleted, so the name is free for the next test that wants it.
    assert [s['name'] for s in emu.admin.snapshots()] == ['provisioned']
    emu.admin.delete_snapshot('provisioned')
    assert emu.admin.snapshots() == []
