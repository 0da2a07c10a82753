"""What the ipam_emulator fixture gives a test, and how it is configured: options, ini options,
the fixture file's credentials, and the errors a run gets when the emulator cannot start."""
import json
import time
import urllib.request
from pathlib import Path

import pytest

from ipam_emulator import AdminError, Host


def test_the_emulator_listens_on_free_ports_and_is_healthy(ipam_emulator):
    emu = ipam_emulator
    assert emu.url.startswith('http://127.0.0.1:') and emu.url.endswith('/wsman')
    assert emu.url != 'http://127.0.0.1:5985/wsman'
    assert emu.https_url.startswith('https://127.0.0.1:')
    assert len(emu.thumbprint) == 40 and emu.thumbprint == emu.thumbprint.upper()
    assert (emu.ready['event'], emu.ready['pid'], emu.fleet) == ('ready', emu.process.pid, 'contoso')
    assert 'msg' not in emu.ready  # the ready object, not pino's record of it
    # One host, without a port of its own: the main URL reaches it.
    assert emu.hosts == [Host('ipam1.contoso.com', emu.url)]
    assert emu.default_host == 'ipam1.contoso.com'
    assert emu.credentials == ('Administrator', 'Passw0rd!')
    base = emu.url[:-len('/wsman')]
    assert (emu.admin_url, emu.health_url, emu.dashboard_url) == (
        base + '/_emulator/', base + '/_emulator/health', base + '/_emulator/ui/')
    assert emu.data_dir.parent == emu.work_dir
    with urllib.request.urlopen(emu.health_url, timeout=10) as response:  # no credentials needed
        health = json.load(response)
    assert (health['status'], health['hosts'], health['fleet']) == ('ok', 1, 'contoso')


def test_an_admin_api_error_says_what_was_asked_and_why(ipam_emulator):
    with pytest.raises(AdminError) as unknown:
        ipam_emulator.admin.host('ipam9.contoso.com')
    assert unknown.value.status == 404
    assert str(unknown.value).startswith('GET /_emulator/hosts/ipam9.contoso.com: HTTP 404: ')
    # A name is one path segment: it cannot reach another route.
    with pytest.raises(AdminError) as smuggled:
        ipam_emulator.admin.reset_host('../reset')
    assert smuggled.value.status == 404


INNER_FIXTURE = '''
import doors

def test_the_credentials_are_the_fixture_s(ipam_emulator):
    assert ipam_emulator.fixture.name == 'lab.json'
    assert ipam_emulator.credentials == ('Administrator', 'Lab-Passw0rd!')
    assert ipam_emulator.admin.user == 'harness'
    r = doors.shell(ipam_emulator.url, ipam_emulator.credentials).run_cmd('hostname')
    assert r.std_out == b'IPAM1\\r\\n'
    # The admin API opens with the fixture's own credential; ipam_emulator_args passed --seed 7.
    assert ipam_emulator.admin.call('GET', 'clock')['seed'] == 7
'''


def test_ini_options_name_the_fixture_and_more_serve_options(pytester, inner_run, ipam_emulator):
    lab = json.loads(ipam_emulator.fixture.read_text(encoding='utf-8'))
    lab.pop('$schema', None)
    for account in lab['hosts'][0]['accounts']:
        account['password'] = 'Lab-Passw0rd!'
    lab['admin'] = {'credential': {'user': 'harness', 'password': 'Harness-Passw0rd!'}}
    pytester.makefile('.json', lab=json.dumps(lab))
    pytester.makeini('[pytest]\nipam_fixture = lab.json\nipam_emulator_args = --seed 7\n')
    pytester.makepyfile(test_inner=INNER_FIXTURE)
    pytester.runpytest(*inner_run).assert_outcomes(passed=1)


def test_a_missing_emulator_is_named_with_what_to_do(pytester):
    pytester.makepyfile('def test_it(ipam_emulator):\n    pass\n')
    result = pytester.runpytest('-p', 'ipam_emulator.plugin', '--ipam-emulator-bin=nowhere/dist/cli.js')
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(['*--ipam-emulator-bin names */nowhere/dist/cli.js, which does not exist (build it: `npm run build`*'])


def fake_emulator(pytester, script):
    """An executable standing in for the emulator's CLI."""
    path = pytester.path / 'fake-emulator'
    path.write_text('#!/bin/sh\n' + script, encoding='utf-8')
    path.chmod(0o755)
    return path


def test_an_emulator_that_exits_at_start_is_reported_with_its_stderr(pytester):
    fake = fake_emulator(pytester, 'echo "listen EADDRINUSE: address already in use" >&2\nexit 2\n')
    pytester.makepyfile('def test_it(ipam_emulator):\n    pass\n')
    result = pytester.runpytest('-p', 'ipam_emulator.plugin', f'--ipam-emulator-bin={fake}')
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        '*the emulator exited with status 2 before it was ready',
        f'command: {fake} serve --port 0 --data-dir * --ready-file * --log-format json',
        '--- last 1 lines of its stderr ---',
        'listen EADDRINUSE: address already in use',
    ])


def test_a_file_that_cannot_run_is_named(pytester):
    fake = fake_emulator(pytester, 'exit 0\n')
    fake.chmod(0o644)
    pytester.makepyfile('def test_it(ipam_emulator):\n    pass\n')
    result = pytester.runpytest('-p', 'ipam_emulator.plugin', f'--ipam-emulator-bin={fake}')
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f'*could not run {fake} (--ipam-emulator-bin): [[]Errno 13[]] Permission denied*'])


def test_an_emulator_that_never_gets_ready_is_stopped_after_the_timeout(pytester):
    fake = fake_emulator(pytester, 'echo \'{"level":30,"msg":"opening the state store"}\'\nexec sleep 60\n')
    pytester.makepyfile('def test_it(ipam_emulator):\n    pass\n')
    started = time.monotonic()
    result = pytester.runpytest('-p', 'ipam_emulator.plugin', f'--ipam-emulator-bin={fake}', '--ipam-ready-timeout', '1')
    assert time.monotonic() - started < 10
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        '*the emulator was not ready within 1 s (no ready line on stdout, no */ready.json)',
        '{"level":30,"msg":"opening the state store"}',
    ])


INNER_KILLED = '''
import os, signal, time

def test_1_the_emulator_dies(ipam_emulator):
    os.kill(ipam_emulator.process.pid, signal.SIGKILL)
    while ipam_emulator.process.returncode is None:
        time.sleep(0.05)

def test_2_the_next_reset_says_so(ipam_fresh):
    pass
'''


def test_an_emulator_that_dies_during_the_session_is_reported(pytester, inner_run):
    pytester.makepyfile(test_inner=INNER_KILLED)
    result = pytester.runpytest(*inner_run)
    # test_2's setup, and the session's teardown after test_2.
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(['*EmulatorExited: the emulator exited with status -9 during the run*',
                                 '*EmulatorExited: the emulator exited with status -9 before it was stopped*'])


def test_the_readme_example_is_test_example_py():
    readme = (Path(__file__).parents[1] / 'README.md').read_text(encoding='utf-8')
    example = Path(__file__).with_name('test_example.py').read_text(encoding='utf-8')
    assert f'```python\n{example}```' in readme
