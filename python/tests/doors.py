"""The emulator's two doors through pywinrm, for the plugin's tests.

The remote shell: a ``winrm.Session`` (run_cmd, run_ps). The CIM door: WS-Man envelopes built the
way pywinrm builds its own (Protocol._get_soap_header rendered by xmltodict, as
test/interop/pywinrm_client.py does), sent with Protocol.send_message, replies read with
ElementTree by namespace URI.
"""
import uuid
import xml.etree.ElementTree as ET
from typing import Dict, List, Optional, Tuple

import winrm
import xmltodict

from ipam_emulator import Credentials

NS = {
    's': 'http://www.w3.org/2003/05/soap-envelope',
    'n': 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
    'w': 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
}
XSI_NIL = '{http://www.w3.org/2001/XMLSchema-instance}nil'
CIM_SCHEMA = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/'
IPAM_NAMESPACE = 'root/Microsoft/IPAM'
ENUMERATE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate'
PULL = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull'
#: ProvisioningMethod 1 is Manual (MSFT_IPAM_Server.InvokeIpamServerProvisioning, docs/provisioning.md).
MANUAL = '1'


def shell(url: str, credentials: Credentials) -> winrm.Session:
    """A pywinrm Session with Basic over HTTP, which the default fleet allows."""
    return winrm.Session(url, auth=credentials, transport='basic')


def protocol(url: str, credentials: Credentials) -> winrm.Protocol:
    """A pywinrm Protocol with Basic over HTTP, which the default fleet allows."""
    return winrm.Protocol(url, transport='basic', username=credentials.user, password=credentials.password)


def invoke_provisioning(p: winrm.Protocol, as_job: bool = False, **parameters: str) -> Dict[str, Optional[str]]:
    """MSFT_IPAM_Server.InvokeIpamServerProvisioning with ``parameters``; the output's values by name.
    ``as_job``: the emulator's IpamEmulator_AsJob option, so the call returns 4096 at once (docs/jobs.md)."""
    server = CIM_SCHEMA + 'MSFT_IPAM_Server'
    body = {'p0:InvokeIpamServerProvisioning_INPUT': dict([('@xmlns:p0', server)] + [('p0:' + k, v) for k, v in parameters.items()])}
    message = _envelope(p, server + '/InvokeIpamServerProvisioning', server, body)
    if as_job:
        message['env:Envelope']['env:Header']['w:OptionSet'] = {
            'w:Option': {'@Name': 'IpamEmulator_AsJob', '@Type': 'xs:boolean', '#text': 'true'}}
    reply = _send(p, message)
    output = reply.find('s:Body', NS)[0]
    return {_local(c.tag): _text(c) for c in output}


def instances(p: winrm.Protocol, class_name: str) -> List[Dict[str, Optional[str]]]:
    """Every instance of an IPAM class (the DMTF form of its URI with __cimnamespace), pulled to the end."""
    uri = CIM_SCHEMA + class_name
    body = {'n:Enumerate': {'w:OptimizeEnumeration': None, 'w:MaxElements': '100'}}
    response = _send(p, _envelope(p, ENUMERATE, uri, body)).find('s:Body/n:EnumerateResponse', NS)
    found, context, done = _page(response)
    while not done:
        pull = {'n:Pull': {'n:EnumerationContext': context, 'n:MaxElements': '100'}}
        response = _send(p, _envelope(p, PULL, uri, pull)).find('s:Body/n:PullResponse', NS)
        more, context, done = _page(response)
        found += more
    return found


def _envelope(p: winrm.Protocol, action: str, resource_uri: str, body: dict) -> dict:
    """pywinrm's own header for ``action`` on ``resource_uri`` in root/Microsoft/IPAM, and ``body``."""
    message = {'env:Envelope': p._get_soap_header(action=action, resource_uri=resource_uri, message_id=uuid.uuid4())}
    message['env:Envelope']['env:Header']['w:SelectorSet'] = {'w:Selector': [{'@Name': '__cimnamespace', '#text': IPAM_NAMESPACE}]}
    message['env:Envelope']['env:Body'] = body
    return message


def _send(p: winrm.Protocol, message: dict) -> ET.Element:
    return ET.fromstring(p.send_message(xmltodict.unparse(message)))


def _page(response: ET.Element) -> Tuple[List[Dict[str, Optional[str]]], str, bool]:
    """The instances of one Enumerate or Pull response, its context, and whether the sequence ended."""
    items = response.find('w:Items', NS)
    if items is None:
        items = response.find('n:Items', NS)
    found = [{_local(prop.tag): _text(prop) for prop in instance} for instance in (items if items is not None else [])]
    context = response.findtext('n:EnumerationContext', default='', namespaces=NS)
    done = response.find('w:EndOfSequence', NS) is not None or response.find('n:EndOfSequence', NS) is not None or not context
    return found, context, done


def _local(tag: str) -> str:
    return tag.rsplit('}', 1)[-1]


def _text(element: ET.Element) -> Optional[str]:
    return None if element.get(XSI_NIL) == 'true' else (element.text or '')
