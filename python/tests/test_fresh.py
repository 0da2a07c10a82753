"""ipam_fresh resets the fleet before each test; ipam_emulator alone does not. Run as a session of
its own (pytester), so the order of its tests is the file's."""

INNER = '''
import doors

def provision(emu):
    r = doors.shell(emu.url, emu.credentials).run_ps('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force')
    assert r.status_code == 0, r.std_err

def state(emu):
    return emu.admin.host('ipam1.contoso.com')['provisioningState']

def test_1_provisions(ipam_fresh):
    provision(ipam_fresh)
    assert state(ipam_fresh) == 'Provisioned'

def test_2_finds_the_host_unprovisioned_again(ipam_fresh):
    assert state(ipam_fresh) == 'NotProvisioned'
    assert ipam_fresh.admin.jobs() == []

def test_3_leaves_a_job_running_and_a_fault_rule(ipam_fresh):
    # The database step held back 2 s; AsJob returns at once, the job still running.
    ipam_fresh.admin.add_fault({'match': {'step': 'database'}, 'effect': {'delay': {'ms': 2000}}})
    p = doors.protocol(ipam_fresh.url, ipam_fresh.credentials)
    assert doors.invoke_provisioning(p, as_job=True, ProvisioningMethod=doors.MANUAL, Force='true')['ReturnValue'] == '4096'
    assert [j['stateName'] for j in ipam_fresh.admin.jobs()] == ['Running']

def test_4_waits_for_that_job_then_resets_all_the_same(ipam_fresh):
    assert state(ipam_fresh) == 'NotProvisioned'
    assert ipam_fresh.admin.jobs() == []
    assert ipam_fresh.admin.faults()['rules'] == []

def test_5_without_a_reset(ipam_emulator):
    provision(ipam_emulator)

def test_6_the_session_fixture_keeps_what_the_last_test_did(ipam_emulator):
    assert state(ipam_emulator) == 'Provisioned'
'''


def test_ipam_fresh_resets_the_fleet_before_each_test(pytester, inner_run):
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest(*inner_run, '-v')
    result.assert_outcomes(passed=6)
