"""A pytest harness that tests what a client does when its account is locked out (docs/admin-api.md),
without locking itself out: the fixture gives the admin API a credential of its own. The interop test
(test/interop/lockouts.test.ts) runs it against an emulator with that fixture; EMULATOR says where.
"""
import os

import pytest
import requests
import winrm
from winrm.exceptions import InvalidCredentialsError

EMULATOR = os.environ.get('EMULATOR', 'http://127.0.0.1:5985')
HARNESS = ('harness', 'Harness-Passw0rd!')


def session(password):
    return winrm.Session(EMULATOR + '/wsman', auth=('Administrator', password), transport='plaintext')


@pytest.fixture(autouse=True)
def no_lockouts():
    """Before and after each test: every lockout ended."""
    requests.delete(EMULATOR + '/_emulator/lockouts', auth=HARNESS).raise_for_status()
    yield
    requests.delete(EMULATOR + '/_emulator/lockouts', auth=HARNESS).raise_for_status()


def test_a_locked_out_account_is_refused_even_with_its_password():
    for _ in range(3):
        with pytest.raises(InvalidCredentialsError):
            session('wrong').run_cmd('hostname')
    with pytest.raises(InvalidCredentialsError):
        session('Passw0rd!').run_cmd('hostname')
    locked = requests.get(EMULATOR + '/_emulator/lockouts', auth=HARNESS).json()
    assert [entry['account'] for entry in locked] == ['ipam1\\administrator']


def test_the_next_test_logs_on_again():
    r = session('Passw0rd!').run_cmd('hostname')
    assert r.status_code == 0
    assert r.std_out.decode().strip().upper() == 'IPAM1'
