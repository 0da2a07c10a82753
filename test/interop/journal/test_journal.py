"""Asserting on the IPAM emulator's request journal from pytest, with pywinrm.

Run against a running emulator (docs/journal.md):

    EMULATOR_URL=http://127.0.0.1:5985/wsman python3 -m pytest test_journal.py

Each test takes the journal's newest sequence number first and looks only at what came after
it, so the tests do not depend on each other or on what else talked to the emulator before.
"""
import json
import os
import uuid

import pytest
import requests
import winrm
from winrm.exceptions import InvalidCredentialsError, WinRMError, WinRMTransportError

URL = os.environ.get("EMULATOR_URL", "http://127.0.0.1:5985/wsman")
ADMIN = ("Administrator", "Passw0rd!")
ADMIN_API = URL.rsplit("/wsman", 1)[0] + "/_emulator"
IPAM = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/microsoft/ipam/"


def journal(listing, **filters):
    """GET /_emulator/requests or /_emulator/near-misses with filters (host, operation, status, fault, since, limit)."""
    r = requests.get(f"{ADMIN_API}/{listing}", params=filters, auth=ADMIN, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def since():
    """The newest sequence number before the test: the test looks only at requests after it."""
    return journal("requests", limit=1)["lastSeq"]


def get_envelope(resource_uri, selectors):
    """A WS-Transfer Get, as pywinrm's Protocol would build one for a CIM class."""
    selector_set = "".join(f'<w:Selector Name="{k}">{v}</w:Selector>' for k, v in selectors.items())
    return (
        '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header>'
        f"<a:To>{URL}</a:To><w:ResourceURI>{resource_uri}</w:ResourceURI>"
        "<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>"
        "<a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action>"
        f"<a:MessageID>uuid:{uuid.uuid4()}</a:MessageID><w:SelectorSet>{selector_set}</w:SelectorSet>"
        "</s:Header><s:Body/></s:Envelope>"
    )


def test_run_cmd_is_journaled_as_shell_operations_without_its_arguments(since):
    session = winrm.Session(URL, auth=ADMIN, transport="basic")
    result = session.run_cmd("echo", ["Not-In-The-Journal"])
    assert result.status_code == 0

    entries = journal("requests", since=since)["entries"]
    operations = [e["operation"] for e in entries]
    assert operations[:2] == ["Create", "Command"] and operations[-1] == "Delete"
    assert "Receive" in operations
    assert entries[1]["parameters"] == {"program": "echo"}
    assert all(e["door"] == "shell" and e["status"] == 200 and e["fault"] is None for e in entries)
    assert "Not-In-The-Journal" not in json.dumps(entries)


def test_a_wrong_class_name_is_a_near_miss_with_the_right_one(since):
    protocol = winrm.Protocol(URL, transport="basic", username=ADMIN[0], password=ADMIN[1])
    with pytest.raises((WinRMError, WinRMTransportError)):
        protocol.send_message(get_envelope(IPAM + "MSFT_IPAM_Servr", {"Name": "x"}))

    [miss] = journal("near-misses", since=since)["entries"]
    assert miss["kind"] == "resourceUri"
    assert miss["didYouMean"] == "MSFT_IPAM_Server"
    assert miss["suggested"]["resourceUri"] == IPAM + "MSFT_IPAM_Server"
    [entry] = journal("requests", since=since, fault="DestinationUnreachable")["entries"]
    assert entry["seq"] == miss["requestSeq"] and entry["status"] == 500


def test_a_refused_logon_is_journaled_without_its_password(since):
    session = winrm.Session(URL, auth=("Administrator", "Wr0ng-Pytest-Passw0rd"), transport="basic")
    with pytest.raises(InvalidCredentialsError):
        session.run_cmd("hostname")

    entries = journal("requests", since=since, status=401)["entries"]
    assert [e["user"] for e in entries] == ["Administrator"]
    assert "logon failed" in entries[0]["error"]
    assert "Wr0ng-Pytest-Passw0rd" not in json.dumps(journal("requests", limit=1000))


def test_a_bad_filter_is_refused_with_the_reason():
    r = requests.get(f"{ADMIN_API}/requests", params={"status": "teapot"}, auth=ADMIN, timeout=10)
    assert r.status_code == 400
    assert "status must be an HTTP status code" in r.json()["error"]
