"""The emulator's admin API (``/_emulator/``, docs/admin-api.md) from Python.

The standard library only (urllib), so the plugin needs nothing beyond pytest. Every call sends
HTTP Basic credentials of the admin API and speaks JSON; an answer outside 2xx raises
:class:`AdminError` with the API's own message.
"""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Mapping, Optional, Union

#: A decoded JSON value, as the admin API answers it.
Json = Any


class AdminError(Exception):
    """An answer of the admin API outside 2xx: what was asked, the HTTP status and the decoded body.

    ``message`` is the API's ``error`` field when it sent one (it names what was wrong, e.g. every
    problem of an invalid fault rule), else the body's text.
    """

    def __init__(self, method: str, path: str, status: int, body: Json) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.body = body
        self.message = body['error'] if isinstance(body, dict) and 'error' in body else str(body)
        super().__init__(f'{method} /_emulator/{path}: HTTP {status}: {self.message}')


class AdminClient:
    """A small client of the admin API: one method per request a harness needs, plus :meth:`call`
    for the rest (clock, lockouts, near misses, shells…).

    Methods return the decoded JSON the API answers (see docs/admin-api.md for its shapes), except
    where noted.
    """

    def __init__(self, admin_url: str, user: str, password: str, timeout: float = 30.0) -> None:
        self.url = admin_url if admin_url.endswith('/') else admin_url + '/'
        self.user = user
        self.timeout = timeout
        # Encoded once; the password itself is not kept, so it cannot end up in a repr or a message.
        token = base64.b64encode(f'{user}:{password}'.encode('utf-8')).decode('ascii')
        self._authorization = 'Basic ' + token

    def __repr__(self) -> str:
        return f'AdminClient({self.url!r}, user={self.user!r})'

    def call(self, method: str, path: str, body: Json = None, **query: Union[str, int, None]) -> Json:
        """``method`` on ``/_emulator/<path>`` with a JSON ``body`` (if not None) and the ``query``
        parameters that are not None. Returns the decoded JSON, or None for an empty answer (204)."""
        params = {k: str(v) for k, v in query.items() if v is not None}
        url = self.url + path.lstrip('/') + ('?' + urllib.parse.urlencode(params) if params else '')
        headers = {'Authorization': self._authorization, 'Accept': 'application/json'}
        data = None
        if body is not None:
            data = json.dumps(body).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _decode(response.read())
        except urllib.error.HTTPError as e:
            answer = _decode(e.read())
            e.close()
            raise AdminError(method, path.lstrip('/'), e.code, answer) from None

    # Fleet and hosts

    def hosts(self) -> List[Dict[str, Json]]:
        """Every host: ``fqdn``, ``port``, ``provisioningState``, ``configuration``, ``busy``, job counts."""
        return self.call('GET', 'hosts')

    def host(self, name: str) -> Dict[str, Json]:
        """One host by name (404 for an unknown one)."""
        return self.call('GET', 'hosts/' + _segment(name))

    def reset(self) -> Json:
        """Every host back to the fixture's state, the fixture's fault rules, an empty journal, no
        lockouts (409 while a job is queued or running)."""
        return self.call('POST', 'reset')

    def reset_host(self, name: str) -> Json:
        """One host back to the fixture's state (409 while a job is queued or running on it)."""
        return self.call('POST', 'hosts/' + _segment(name) + '/reset')

    # Jobs and concurrency

    def jobs(self, host: Optional[str] = None, state: Union[str, int, None] = None) -> List[Dict[str, Json]]:
        """Jobs, optionally of one host and in one state (a name such as ``Completed``, or a JobState number)."""
        return self.call('GET', 'jobs', host=host, state=state)

    def job(self, job_id: str) -> Dict[str, Json]:
        """One job by id."""
        return self.call('GET', 'jobs/' + _segment(job_id))

    def concurrency(self) -> Dict[str, Json]:
        """What the dispatcher observed since the last reset: ``overall``, ``perHost``, ``perClient`` peaks."""
        return self.call('GET', 'concurrency')

    # Fault rules (docs/faults.md)

    def add_fault(self, rule: Mapping[str, Json]) -> str:
        """Adds a fault rule; returns its id (the API refuses an invalid rule with 400, every problem named)."""
        return self.call('POST', 'faults', dict(rule))['id']

    def remove_fault(self, rule_id: str) -> None:
        """Removes one fault rule."""
        self.call('DELETE', 'faults/' + _segment(rule_id))

    def clear_faults(self) -> int:
        """Removes every fault rule; returns how many there were."""
        return self.call('DELETE', 'faults')['removed']

    def faults(self) -> Dict[str, Json]:
        """``{rules, hostsDown}``: each rule with its ``id``, ``source``, ``fired`` and ``retired``."""
        return self.call('GET', 'faults')

    # Snapshots (docs/snapshots.md)

    def take_snapshot(self, name: str) -> Dict[str, Json]:
        """Saves the whole fleet under ``name``; returns the snapshot (409 if the name is taken)."""
        return self.call('POST', 'snapshots', {'name': name})

    def restore_snapshot(self, name: str) -> Dict[str, Json]:
        """Brings the fleet back to the snapshot; returns ``{snapshot, hosts}``."""
        return self.call('POST', 'snapshots/' + _segment(name) + '/restore')

    def delete_snapshot(self, name: str) -> None:
        """Deletes a snapshot."""
        self.call('DELETE', 'snapshots/' + _segment(name))

    def snapshots(self) -> List[Dict[str, Json]]:
        """Every snapshot, oldest first."""
        return self.call('GET', 'snapshots')

    # The request journal (docs/journal.md)

    def requests(self, **query: Union[str, int, None]) -> Dict[str, Json]:
        """The request journal, filtered by ``host``, ``operation``, ``status``, ``fault``, ``since``,
        ``limit``: ``{capacity, lastSeq, matched, entries}``."""
        return self.call('GET', 'requests', **query)


def _segment(value: str) -> str:
    """``value`` as one path segment: a name can never step into another route."""
    return urllib.parse.quote(value, safe='')


def _decode(raw: bytes) -> Json:
    if not raw:
        return None
    text = raw.decode('utf-8', errors='replace')
    try:
        return json.loads(text)
    except ValueError:
        # Not JSON (a proxy's page, an HTML error): kept as text for the error message.
        return text
