"""--ipam-hosts 3: three hosts, each on a URL of its own; one provisioned by its URL, the others untouched."""

INNER = '''
import doors

NAMES = ['ipam1.contoso.com', 'ipam2.contoso.com', 'ipam3.contoso.com']

def test_each_host_has_a_url_of_its_own(ipam_emulator):
    assert [h.name for h in ipam_emulator.hosts] == NAMES
    urls = [h.url for h in ipam_emulator.hosts]
    assert len(set(urls + [ipam_emulator.url])) == 4
    for host in ipam_emulator.hosts:
        r = doors.shell(host.url, ipam_emulator.credentials).run_cmd('hostname')
        assert r.std_out == host.name.split('.')[0].upper().encode() + b'\\r\\n'

def test_provisioning_one_host_by_its_url_leaves_the_others_untouched(ipam_fresh):
    ipam2 = ipam_fresh.host('ipam2.contoso.com')
    r = doors.shell(ipam2.url, ipam_fresh.credentials).run_ps(
        'Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force; (Get-IpamDatabase).DatabaseType')
    assert (r.status_code, r.std_out) == (0, b'WID\\r\\n'), r.std_err

    states = {h['fqdn']: h['provisioningState'] for h in ipam_fresh.admin.hosts()}
    assert states == {'ipam1.contoso.com': 'NotProvisioned', 'ipam2.contoso.com': 'Provisioned', 'ipam3.contoso.com': 'NotProvisioned'}
    assert [j['fqdn'] for j in ipam_fresh.admin.jobs()] == ['ipam2.contoso.com']
    # Each host, asked through its own URL, says so itself.
    for host in ipam_fresh.hosts:
        [server] = doors.instances(doors.protocol(host.url, ipam_fresh.credentials), 'MSFT_IPAM_Server')
        assert (server['ServerName'], server['ProvisioningState']) == (host.name, '2' if host.name == ipam2.name else '0')
'''


def test_a_fleet_of_three_hosts(pytester, inner_run):
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest(*inner_run, '--ipam-hosts', '3', '-v')
    result.assert_outcomes(passed=2)
