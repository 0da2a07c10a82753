"""The emulator as a child process: started, watched until it says it is ready, stopped.

The readiness contract (``serve --port 0 --ready-file PATH``): once every listener is open, stdout
gets one JSON line with ``"event": "ready"`` (a pino record in ``--log-format json``) and the same
object, without pino's fields, is written to the ready file. Either one is enough.
"""
from __future__ import annotations

import collections
import json
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any, Deque, Dict, List, Mapping, Optional, Sequence

#: Lines of stdout and of stderr kept for error messages: the log says what went wrong last.
TAIL_LINES = 60
#: What pino adds to the ready line (``--log-format json``); the ready file has none of it.
PINO_FIELDS = ('level', 'time', 'name', 'msg', 'hostname')


class EmulatorStartError(RuntimeError):
    """The emulator exited before it was ready, or was not ready in time. The message holds the
    command, the exit status and the tails of its stderr and stdout."""


class EmulatorExited(RuntimeError):
    """The emulator exited while it was still needed (it crashed, or something else stopped it)."""


class EmulatorProcess:
    """A running ``ipam-emulator serve``. Both pipes are drained by threads from the start, so a
    chatty log (one line per request) never fills a pipe and stalls the emulator."""

    def __init__(self, argv: Sequence[str], env: Optional[Mapping[str, str]] = None) -> None:
        self.argv = list(argv)
        self._stdout: Deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._stderr: Deque[str] = collections.deque(maxlen=TAIL_LINES)
        self._ready_line: Optional[Dict[str, Any]] = None
        self._ready_seen = threading.Event()
        self._popen = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
        )
        assert self._popen.stdout is not None and self._popen.stderr is not None
        self._readers = [
            threading.Thread(target=self._drain_stdout, args=(self._popen.stdout,), name='ipam-emulator stdout', daemon=True),
            threading.Thread(target=self._drain, args=(self._popen.stderr, self._stderr), name='ipam-emulator stderr', daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def returncode(self) -> Optional[int]:
        """The exit status once it has exited (negative: the signal that ended it), else None."""
        return self._popen.poll()

    def wait_ready(self, ready_file: Path, timeout: float) -> Dict[str, Any]:
        """The ready object, from the ready line (without pino's fields) or the ready file, whichever
        comes first. Raises
        :class:`EmulatorStartError` (and stops the emulator) if it exits first or is not ready within
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            if self._ready_seen.wait(0.05):
                assert self._ready_line is not None
                return self._ready_line
            ready = _read_ready_file(ready_file)
            if ready is not None:
                return ready
            if self.returncode is not None:
                self._join_readers()
                raise EmulatorStartError(self.describe(f'the emulator exited with status {self.returncode} before it was ready'))
            if time.monotonic() >= deadline:
                self.stop(grace=5)
                raise EmulatorStartError(self.describe(f'the emulator was not ready within {timeout:g} s (no ready line on stdout, no {ready_file})'))

    def stop(self, grace: float) -> int:
        """SIGTERM, then SIGKILL if it has not exited within ``grace`` seconds. Returns the exit status."""
        if self._popen.poll() is None:
            self._popen.send_signal(signal.SIGTERM)
            try:
                self._popen.wait(grace)
            except subprocess.TimeoutExpired:
                self._popen.kill()
                self._popen.wait()
        self._join_readers()
        return self._popen.returncode

    def describe(self, what: str) -> str:
        """``what``, with the command and the last lines the emulator wrote, for an error message."""
        parts = [what, 'command: ' + ' '.join(self.argv)]
        for name, lines in (('stderr', self._stderr), ('stdout', self._stdout)):
            if lines:
                parts.append(f'--- last {len(lines)} lines of its {name} ---\n' + '\n'.join(lines))
            else:
                parts.append(f'--- its {name} was empty ---')
        return '\n'.join(parts)

    def stdout_tail(self) -> List[str]:
        """The last lines of stdout (the log: one JSON line per request)."""
        return list(self._stdout)

    def stderr_tail(self) -> List[str]:
        return list(self._stderr)

    def _drain_stdout(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b''):
            line = raw.decode('utf-8', errors='replace').rstrip('\r\n')
            self._stdout.append(line)
            if not self._ready_seen.is_set():
                ready = _ready_object(line)
                if ready is not None:
                    self._ready_line = {k: v for k, v in ready.items() if k not in PINO_FIELDS}
                    self._ready_seen.set()
        stream.close()

    @staticmethod
    def _drain(stream: IO[bytes], tail: Deque[str]) -> None:
        for raw in iter(stream.readline, b''):
            tail.append(raw.decode('utf-8', errors='replace').rstrip('\r\n'))
        stream.close()

    def _join_readers(self) -> None:
        # The pipes reach EOF when the emulator exits; a grandchild holding them open must not hang us.
        for reader in self._readers:
            reader.join(timeout=5)


def _ready_object(line: str) -> Optional[Dict[str, Any]]:
    """The ready object if ``line`` is one (JSON with ``event == "ready"``), else None."""
    if not line.startswith('{'):
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) and value.get('event') == 'ready' else None


def _read_ready_file(path: Path) -> Optional[Dict[str, Any]]:
    try:
        text = path.read_text(encoding='utf-8')
    except OSError:
        return None
    # Written atomically (a temp file renamed), so a file that is there is whole; checked all the same.
    return _ready_object(text.strip())
