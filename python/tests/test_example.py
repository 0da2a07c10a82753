"""The example of python/README.md, run as it is shown there."""
import winrm


def test_provisioning_through_the_remote_shell(ipam_fresh):
    session = winrm.Session(ipam_fresh.url, auth=ipam_fresh.credentials, transport='basic')
    r = session.run_ps('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force; (Get-IpamDatabase).DatabaseType')
    assert r.status_code == 0, r.std_err
    assert r.std_out == b'WID\r\n'
    [host] = ipam_fresh.admin.hosts()
    assert host['provisioningState'] == 'Provisioned'


def test_a_step_that_fails_on_purpose(ipam_fresh):
    ipam_fresh.admin.add_fault({
        'match': {'step': 'database'},
        'effect': {'cimError': {'statusCode': 1, 'message': 'The database could not be created.'}},
        'times': 1,
    })
    session = winrm.Session(ipam_fresh.url, auth=ipam_fresh.credentials, transport='basic')
    r = session.run_ps('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force')
    assert r.status_code == 1
    assert b'The database could not be created.' in r.std_err
    assert ipam_fresh.admin.hosts()[0]['provisioningState'] == 'NotProvisioned'
