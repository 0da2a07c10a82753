"""A pytest harness that provisions a fleet once, keeps it as a snapshot, and brings it back before
each test (docs/snapshots.md). The interop test (test/interop/snapshots.test.ts) runs it against
the emulator; EMULATOR says where it listens.
"""
import os

import pytest
import requests
import winrm

EMULATOR = os.environ.get('EMULATOR', 'http://127.0.0.1:5985')
ADMIN = ('Administrator', 'Passw0rd!')


def shell():
    # Basic over HTTP, as the contoso fixture allows; use transport='ntlm' against a stock fleet.
    return winrm.Session(EMULATOR + '/wsman', auth=ADMIN, transport='plaintext')


@pytest.fixture(scope='session')
def provisioned():
    """Once per session: provision ipam1, then save the fleet as the snapshot 'provisioned'."""
    r = shell().run_ps('Invoke-IpamServerProvisioning -ProvisioningMethod Manual -Force')
    assert r.status_code == 0, r.std_err
    requests.delete(EMULATOR + '/_emulator/snapshots/provisioned', auth=ADMIN)  # 204, or 404 the first time
    requests.post(EMULATOR + '/_emulator/snapshots', json={'name': 'provisioned'}, auth=ADMIN).raise_for_status()
    return 'provisioned'


@pytest.fixture(autouse=True)
def fleet(provisioned):
    """Before each test: the fleet exactly as the snapshot has it (running jobs would make this a 409)."""
    requests.post(f'{EMULATOR}/_emulator/snapshots/{provisioned}/restore', auth=ADMIN).raise_for_status()


def test_a_test_may_change_the_method():
    r = shell().run_ps('Set-IpamConfiguration -ProvisioningMethod Automatic -GpoPrefix TEST -Force; (Get-IpamConfiguration).ProvisioningMethod')
    assert r.status_code == 0, r.std_err
    assert r.std_out.decode().strip() == 'Automatic'


def test_the_next_test_sees_the_snapshot_again():
    r = shell().run_ps('(Get-IpamConfiguration).ProvisioningMethod')
    assert r.std_out.decode().strip() == 'Manual'


def test_the_snapshot_is_listed():
    snapshots = requests.get(EMULATOR + '/_emulator/snapshots', auth=ADMIN).json()
    assert [(s['name'], s['provisioned']) for s in snapshots] == [('provisioned', 1)]
