"""The pytest plugin (entry point ``pytest11``): options, and the fixtures ``ipam_emulator`` (one
emulator for the session) and ``ipam_fresh`` (the same, its fleet reset before the test).

Installed, it loads in every pytest run of the environment, so importing it does nothing but
declare options and fixtures: no emulator is looked for or started until a test asks for one.
"""
from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Callable, Iterator, List, Optional, TypeVar

import pytest

from .admin import AdminError
from .emulator import READY_TIMEOUT_S, Emulator, start_emulator
from .locate import EmulatorNotFound, find_emulator_bin
from .process import EmulatorStartError

Number = TypeVar('Number', int, float)

#: How long ``ipam_fresh`` waits for jobs a previous test left running (a reset is refused meanwhile).
RESET_WAIT_S = 30.0


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup('ipam-emulator', 'the IPAM WS-Management emulator (fixtures ipam_emulator, ipam_fresh)')
    group.addoption('--ipam-emulator-bin', metavar='PATH',
                    help='the emulator\'s CLI: its dist/cli.js (run with node) or an executable such as '
                         'node_modules/.bin/ipam-emulator. Default: $IPAM_EMULATOR_BIN, the ini option '
                         'ipam_emulator_bin, ipam-emulator on PATH, else found upward from the rootdir.')
    group.addoption('--ipam-fixture', metavar='FILE', help='the fleet\'s fixture file (default: the emulator\'s, contoso).')
    group.addoption('--ipam-hosts', metavar='N', type=int, help='generate N hosts ipam1…ipamN, each on a port of its own.')
    group.addoption('--ipam-emulator-args', metavar='ARGS',
                    help='more options of `ipam-emulator serve`, as one shell-quoted string (e.g. "--seed 7").')
    group.addoption('--ipam-ready-timeout', metavar='SECONDS', type=float,
                    help=f'how long the emulator may take to start (default {READY_TIMEOUT_S:g}).')
    parser.addini('ipam_emulator_bin', 'the emulator\'s CLI (relative to the ini file)', type='paths')
    parser.addini('ipam_fixture', 'the fleet\'s fixture file (relative to the ini file)', type='paths')
    parser.addini('ipam_hosts', 'generate N hosts, each on a port of its own')
    parser.addini('ipam_emulator_args', 'more options of `ipam-emulator serve`', type='args')
    parser.addini('ipam_ready_timeout', 'how long the emulator may take to start, in seconds')


@pytest.fixture(scope='session')
def ipam_emulator(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """One emulator for the session, on free ports, in a temporary data directory: its ``url``,
    ``https_url``, ``hosts``, ``credentials``, ``admin`` (the admin API) and the rest of its ready
    object. Stopped, and its directory removed, at the end of the session."""
    config = pytestconfig
    invoked_in = config.invocation_params.dir
    given_bin = config.getoption('ipam_emulator_bin')
    given_fixture = config.getoption('ipam_fixture')
    try:
        emulator_bin = find_emulator_bin(
            invoked_in / given_bin if given_bin else None,
            given_by='--ipam-emulator-bin',
            ini=_first(config.getini('ipam_emulator_bin')),
            search_from=config.rootpath,
        )
        emulator = start_emulator(
            emulator_bin,
            hosts=config.getoption('ipam_hosts') or _number_ini(config, 'ipam_hosts', int),
            fixture=invoked_in / given_fixture if given_fixture else _first(config.getini('ipam_fixture')),
            args=[*config.getini('ipam_emulator_args'), *shlex.split(config.getoption('ipam_emulator_args') or '')],
            ready_timeout=config.getoption('ipam_ready_timeout') or _number_ini(config, 'ipam_ready_timeout', float) or READY_TIMEOUT_S,
        )
    except (EmulatorNotFound, EmulatorStartError) as e:
        # The message says it all (where it looked, or the emulator's last words): no traceback.
        pytest.fail(str(e), pytrace=False)
    with emulator:
        yield emulator


@pytest.fixture
def ipam_fresh(ipam_emulator: Emulator) -> Iterator[Emulator]:
    """The session's emulator, its fleet reset to the fixture's state first (POST /_emulator/reset:
    hosts, jobs, SQL Servers, the fixture's fault rules, an empty request journal, no lockouts)."""
    ipam_emulator.check_running()
    _reset_when_idle(ipam_emulator)
    yield ipam_emulator


def _reset_when_idle(emulator: Emulator) -> None:
    """A fleet reset, retried while a job a previous test started is still queued or running (409)."""
    deadline = time.monotonic() + RESET_WAIT_S
    while True:
        try:
            emulator.admin.reset()
            return
        except AdminError as e:
            if e.status != 409 or time.monotonic() >= deadline:
                raise
        time.sleep(0.1)


def _first(paths: List[Path]) -> Optional[Path]:
    return paths[0] if paths else None


def _number_ini(config: pytest.Config, name: str, kind: Callable[[str], Number]) -> Optional[Number]:
    value = config.getini(name)
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise pytest.UsageError(f'the ini option {name} must be a number, not {value!r}') from None
