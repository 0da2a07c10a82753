"""A running emulator, as a test sees it: its endpoints, its hosts, credentials that open them, and
the admin API. :func:`start_emulator` starts one in a temporary data directory of its own."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Type, Union

from .admin import AdminClient
from .locate import EmulatorBin, find_emulator_bin
from .process import EmulatorExited, EmulatorProcess, EmulatorStartError

#: The default fixture's administrator (fixtures/contoso.json), for a fixture that cannot be read.
DEFAULT_CREDENTIALS = ('Administrator', 'Passw0rd!')
#: How long ``serve`` may take to stop after SIGTERM before it is killed: past its own 10 s grace.
STOP_GRACE_S = 15.0
#: How long the emulator may take to become ready.
READY_TIMEOUT_S = 60.0
#: What the plugin reads from the ready object (the rest is there in ``Emulator.ready``).
READY_KEYS = ('url', 'adminUrl', 'healthUrl', 'dashboardUrl', 'dataDir', 'defaultHost', 'hosts')


class Host(NamedTuple):
    """A host of the fleet and the URL that reaches it: its own listener's, or the main one (where
    the ``Host`` header picks it, and a client addressing 127.0.0.1 reaches the default host)."""

    name: str
    url: str


class Credentials(NamedTuple):
    """A user and password; a tuple, so it can be pywinrm's ``auth=`` as it is."""

    user: str
    password: str


class Emulator:
    """A running ``ipam-emulator serve`` and what its ready object says about it."""

    def __init__(self, process: EmulatorProcess, ready: Mapping[str, Any], work_dir: Path, emulator_bin: EmulatorBin) -> None:
        missing = [key for key in READY_KEYS if key not in ready]
        if missing:
            raise EmulatorStartError(process.describe(
                f'the ready object lacks {", ".join(missing)}: is this emulator older than its readiness contract? {json.dumps(dict(ready))}'))
        self.process = process
        #: The ready object as the emulator wrote it (docs: contract of ``serve`` readiness).
        self.ready: Dict[str, Any] = dict(ready)
        #: The temporary folder of this run (data dir, ready file); removed at :meth:`stop`.
        self.work_dir = work_dir
        #: The CLI that runs it.
        self.emulator_bin = emulator_bin
        self.url: str = ready['url']
        self.https_url: Optional[str] = ready.get('httpsUrl')
        self.thumbprint: Optional[str] = ready.get('thumbprint')
        self.admin_url: str = ready['adminUrl']
        self.health_url: str = ready['healthUrl']
        self.dashboard_url: str = ready['dashboardUrl']
        self.version: str = ready.get('version', '')
        self.fleet: str = ready.get('fleet', '')
        self.data_dir = Path(ready['dataDir'])
        self.fixture: Optional[Path] = Path(ready['fixture']) if ready.get('fixture') else None
        self.default_host: str = ready['defaultHost']
        self.hosts: List[Host] = [Host(h['name'], h['url']) for h in ready['hosts']]
        self.credentials, admin_credentials = fixture_credentials(self.fixture, self.default_host)
        self.admin = AdminClient(self.admin_url, *admin_credentials)
        self._stopped = False

    def __repr__(self) -> str:
        return f'<Emulator {self.fleet} {self.url} pid={self.process.pid} hosts={len(self.hosts)}>'

    def host(self, name: str) -> Host:
        """A host by name (case-insensitive)."""
        for host in self.hosts:
            if host.name.lower() == name.lower():
                return host
        raise KeyError(f'{name} is not a host of this fleet ({", ".join(h.name for h in self.hosts)})')

    def check_running(self) -> None:
        """Raises :class:`EmulatorExited`, with the emulator's last words, if it is no longer running."""
        if self.process.returncode is not None:
            raise EmulatorExited(self.process.describe(f'the emulator exited with status {self.process.returncode} during the run'))

    def log_tail(self) -> List[str]:
        """The last lines of the emulator's log (stdout; JSON, one line per request)."""
        return self.process.stdout_tail()

    def stop(self) -> None:
        """Stops the emulator (SIGTERM, then SIGKILL past a grace period) and removes its temporary
        folder. Raises :class:`EmulatorExited` if it had already exited on its own."""
        if self._stopped:
            return
        self._stopped = True
        exited_early = self.process.returncode
        status = self.process.stop(STOP_GRACE_S)
        shutil.rmtree(self.work_dir, ignore_errors=True)
        if exited_early is not None:
            raise EmulatorExited(self.process.describe(f'the emulator exited with status {exited_early} before it was stopped'))
        # SIGTERM handled (0), or the stop's own error or timeout (non-zero): worth a word, not a failure.
        if status != 0:
            warnings.warn(self.process.describe(f'the emulator stopped with status {status}'), RuntimeWarning, stacklevel=2)

    def __enter__(self) -> 'Emulator':
        return self

    def __exit__(self, kind: Optional[Type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]) -> None:
        self.stop()


def start_emulator(
    emulator_bin: Union[EmulatorBin, str, os.PathLike[str], None] = None,
    *,
    hosts: Optional[int] = None,
    fixture: Union[str, os.PathLike[str], None] = None,
    args: Sequence[str] = (),
    ready_timeout: float = READY_TIMEOUT_S,
    env: Optional[Mapping[str, str]] = None,
) -> Emulator:
    """Starts ``ipam-emulator serve`` on free ports with a temporary data directory and waits until it
    is ready. ``emulator_bin``: the CLI (default: :func:`find_emulator_bin`); ``hosts``: generate that many
    hosts, each with a listener of its own; ``fixture``: the fleet's fixture file; ``args``: more
    options of ``serve`` (``--seed``, ``--clock``…). Use it as a context manager, or call ``stop()``.
    """
    if not isinstance(emulator_bin, EmulatorBin):
        emulator_bin = find_emulator_bin(emulator_bin)
    work_dir = Path(tempfile.mkdtemp(prefix='ipam-emulator-'))
    ready_file = work_dir / 'ready.json'
    argv = [*emulator_bin.command(), 'serve', '--port', '0', '--data-dir', str(work_dir / 'data'),
            '--ready-file', str(ready_file), '--log-format', 'json']
    if fixture is not None:
        argv += ['--fixture', str(Path(fixture).absolute())]
    if hosts is not None:
        argv += ['--hosts', str(hosts)]
    argv += list(args)
    try:
        process = EmulatorProcess(argv, env=env)
    except OSError as e:
        shutil.rmtree(work_dir, ignore_errors=True)
        # Not executable, or its interpreter is missing: say which file, and found how.
        raise EmulatorStartError(f'could not run {emulator_bin.path} ({emulator_bin.found_by}): {e}\ncommand: {" ".join(argv)}') from e
    try:
        ready = process.wait_ready(ready_file, ready_timeout)
        return Emulator(process, ready, work_dir, emulator_bin)
    except BaseException:
        process.stop(STOP_GRACE_S)
        shutil.rmtree(work_dir, ignore_errors=True)
        raise


def fixture_credentials(fixture: Optional[Path], default_host: str) -> Tuple[Credentials, Credentials]:
    """From the fixture file: an account of the default host in the admin group, to log on to the
    hosts with, and the admin API's credential (the fixture's ``admin.credential`` if it has one,
    else that account). Without a readable fixture: Administrator / Passw0rd!, as in the default
    fleet. The ready object names the file and never carries a password itself."""
    default = Credentials(*DEFAULT_CREDENTIALS)
    if fixture is None:
        return default, default
    try:
        spec = json.loads(fixture.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return default, default
    admin_spec = spec.get('admin') or {}
    account = _admin_account(spec, default_host, admin_spec.get('group', 'Administrators')) or default
    own = admin_spec.get('credential')
    return account, (Credentials(own['user'], own['password']) if own else account)


def _admin_account(spec: Mapping[str, Any], default_host: str, group: str) -> Optional[Credentials]:
    """The first enabled account of the default host in ``group``: a local one, else one of its domain."""
    hosts = spec.get('hosts') or []
    host = next((h for h in hosts if h.get('fqdn', '').lower() == default_host.lower()), hosts[0] if hosts else None)
    if host is None:
        return None

    def member(account: Mapping[str, Any]) -> bool:
        groups = [g.lower() for g in account.get('groups', [])]
        return not account.get('disabled') and 'password' in account and group.lower() in groups

    for account in host.get('accounts', []):
        if member(account):
            return Credentials(account['name'], account['password'])
    for domain in spec.get('domains', []):
        if domain.get('name', '').lower() == host.get('domain', '').lower():
            for account in domain.get('accounts', []):
                if member(account):
                    return Credentials(f"{domain['name']}\\{account['name']}", account['password'])
    return None
