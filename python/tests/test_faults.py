"""Fault rules added through the admin helper reach pywinrm (docs/faults.md)."""
import pytest
from winrm.exceptions import WSManFaultError

import doors
from ipam_emulator import AdminError


def test_a_wsman_fault_rule_reaches_pywinrm_once(ipam_fresh):
    emu = ipam_fresh
    rule_id = emu.admin.add_fault({
        'match': {'operation': 'Enumerate', 'className': 'MSFT_IPAM_Server'},
        'effect': {'wsmanFault': {'subcode': 'w:InternalError'}},
        'times': 1,
    })
    p = doors.protocol(emu.url, emu.credentials)
    with pytest.raises(WSManFaultError) as fault:
        doors.instances(p, 'MSFT_IPAM_Server')
    assert (fault.value.code, fault.value.fault_subcode) == (500, 'w:InternalError')
    # times: 1 — the next Enumerate is served.
    assert [s['ServerName'] for s in doors.instances(p, 'MSFT_IPAM_Server')] == ['ipam1.contoso.com']

    [rule] = emu.admin.faults()['rules']
    assert (rule['id'], rule['fired'], rule['retired']) == (rule_id, 1, True)
    [entry] = emu.admin.requests(operation='Enumerate', fault='InternalError')['entries']
    assert entry['faultRule'] == rule_id


def test_a_failed_step_reaches_run_ps_and_leaves_nothing(ipam_fresh):
    emu = ipam_fresh
    emu.admin.add_fault({
        'match': {'host': 'ipam1.contoso.com', 'step': 'roles'},
        'effect': {'cimError': {'statusCode': 1, 'messageId': 'IPAM.Test.RolesRefused', 'message': 'The IPAM roles could not be created.'}},
        'times': 1,
    })
    r = doors.shell(emu.url, emu.credentials).run_ps('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force')
    assert r.status_code == 1
    assert b'The IPAM roles could not be created.' in r.std_err
    assert emu.admin.host('ipam1.contoso.com')['provisioningState'] == 'NotProvisioned'
    [job] = emu.admin.jobs(state='Exception')
    assert job['fqdn'] == 'ipam1.contoso.com'


def test_rules_are_removed_one_by_one_or_all_at_once(ipam_fresh):
    admin = ipam_fresh.admin
    first = admin.add_fault({'match': {'operation': 'Get'}, 'effect': {'httpStatus': {'status': 503}}})
    second = admin.add_fault({'match': {'operation': 'Pull'}, 'effect': {'reset': True}})
    admin.remove_fault(first)
    assert [r['id'] for r in admin.faults()['rules']] == [second]
    assert admin.clear_faults() == 1
    assert admin.faults()['rules'] == []
    with pytest.raises(AdminError) as missing:
        admin.remove_fault(first)
    assert missing.value.status == 404


def test_an_invalid_rule_is_refused_with_its_problems(ipam_fresh):
    with pytest.raises(AdminError) as refused:
        ipam_fresh.admin.add_fault({'match': {'hots': 'ipam1.contoso.com'}, 'effect': {'reset': True}})
    assert refused.value.status == 400
    assert "/match: unknown property 'hots'" in refused.value.message
    assert ipam_fresh.admin.faults()['rules'] == []
