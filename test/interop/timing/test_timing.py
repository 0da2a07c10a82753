"""A pytest harness that watches a provisioning step by step (docs/timing.md): the fixture gives every
step two seconds on the emulator's clock, the emulator runs on a virtual clock, so the run waits in the
middle until the test moves the clock. The interop test (test/interop/timing.test.ts) runs it against an
emulator started that way; EMULATOR says where it listens.
"""
import os
import threading
import time

import requests
import winrm

EMULATOR = os.environ.get('EMULATOR', 'http://127.0.0.1:5985')
ADMIN = ('Administrator', 'Passw0rd!')
HOST = EMULATOR + '/_emulator/hosts/ipam1.contoso.com'


def shell():
    return winrm.Session(EMULATOR + '/wsman', auth=ADMIN, transport='plaintext')


def state():
    return requests.get(HOST, auth=ADMIN).json()['provisioningState']


def test_a_provisioning_waits_for_the_clock():
    result = {}
    run = threading.Thread(target=lambda: result.update(r=shell().run_ps('Invoke-IpamServerProvisioning -Force')))
    run.start()
    # The run starts at once and then waits on its first step: poll (in real time) until it shows.
    for _ in range(200):
        if state() == 'Provisioning':
            break
        time.sleep(0.05)
    assert state() == 'Provisioning'
    assert run.is_alive()

    # Six steps of two seconds: moving the clock 12 s ends every one of them, without waiting 12 s.
    requests.post(EMULATOR + '/_emulator/clock', json={'advanceMs': 12_000}, auth=ADMIN).raise_for_status()
    run.join(timeout=60)
    assert result['r'].status_code == 0, result['r'].std_err
    assert state() == 'Provisioned'
