"""Drives the emulator with the real pywinrm (Debian python3-winrm 0.3.0).

Usage: /usr/bin/python3 pywinrm_client.py URL USER PASSWORD OPERATION [ARGUMENT]
       (environment: PYWINRM_TRANSPORT, PYWINRM_ENCRYPTION; see main)

Envelopes are built the way pywinrm builds its own (Protocol._get_soap_header
rendered by xmltodict, as in Protocol.open_shell) and sent with
Protocol.send_message, so the server sees pywinrm's header quirks: unprefixed
mustUnderstand, a fixed a:To of http://windows-host:5985/wsman, and
User-Agent "Python WinRM client". Replies are read with ElementTree by
namespace URI. Prints one JSON object on stdout.
"""
import ast
import json
import os
import sys
import uuid
import xml.etree.ElementTree as ET

import xmltodict
import winrm
from winrm.exceptions import InvalidCredentialsError, WinRMError, WinRMTransportError

NS = {
    's': 'http://www.w3.org/2003/05/soap-envelope',
    'a': 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
    'n': 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
    'w': 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
    'wsmid': 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
}
XSI_NIL = '{http://www.w3.org/2001/XMLSchema-instance}nil'
DMTF_CLASS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server'
IPAM_NAMESPACE = 'root/Microsoft/IPAM'
ENUMERATE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate'
PULL = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull'
GET = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get'
IDENTIFY = (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
    '<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>'
)
SERVER_KEYS = [
    ('Name', 'IP Address Management (IPAM) Server'),
    ('IdentifyingNumber', 'ipam1.contoso.com'),
    ('Vendor', 'Microsoft Corporation'),
    ('Version', '10.0.20348'),
]


def local(tag):
    return tag.rsplit('}', 1)[-1]


def namespace_of(tag):
    return tag[1:].split('}', 1)[0] if tag.startswith('{') else ''


def properties(instance):
    """Property values by local name; None for xsi:nil."""
    return {local(p.tag): (None if p.get(XSI_NIL) == 'true' else (p.text or '')) for p in instance}


def epr_of(epr):
    params = epr.find('a:ReferenceParameters', NS)
    uri = params.find('w:ResourceURI', NS)
    selectors = params.findall('w:SelectorSet/w:Selector', NS)
    return {
        'resource_uri': uri.text if uri is not None else None,
        'selectors': {s.get('Name'): s.text for s in selectors},
    }


def envelope(protocol, action, selectors, body, resource_uri=None):
    """An envelope with pywinrm's own header (Protocol._get_soap_header) plus selectors and a body.
    Returns the XML and the a:MessageID it carries."""
    message_id = uuid.uuid4()
    req = {'env:Envelope': protocol._get_soap_header(resource_uri=resource_uri or DMTF_CLASS, action=action, message_id=message_id)}
    header = req['env:Envelope']['env:Header']
    header['w:SelectorSet'] = {'w:Selector': [{'@Name': k, '#text': v} for k, v in selectors]}
    req['env:Envelope']['env:Body'] = body
    return xmltodict.unparse(req), 'uuid:{0}'.format(message_id)


def items_of(response):
    """(instance properties, EPR) pairs from an Enumerate/Pull response in EnumerateObjectAndEPR mode."""
    items = response.find('w:Items', NS)
    if items is None:
        items = response.find('n:Items', NS)
    out = []
    for item in (items if items is not None else []):
        if local(item.tag) != 'Item':
            raise AssertionError('expected w:Item elements in EnumerateObjectAndEPR mode, got ' + item.tag)
        instance = next(c for c in item if namespace_of(c.tag) != NS['a'])
        epr = item.find('a:EndpointReference', NS)
        out.append({
            'class_uri': namespace_of(instance.tag),
            'properties': properties(instance),
            'epr': epr_of(epr) if epr is not None else None,
        })
    return out


def op_identify(protocol):
    root = ET.fromstring(protocol.send_message(IDENTIFY))
    resp = root.find('s:Body/wsmid:IdentifyResponse', NS)
    return {
        'ok': True,
        'protocol_version': resp.findtext('wsmid:ProtocolVersion', namespaces=NS),
        'product_vendor': resp.findtext('wsmid:ProductVendor', namespaces=NS),
        'product_version': resp.findtext('wsmid:ProductVersion', namespaces=NS),
    }


def op_enumerate(protocol, optimize):
    enumerate_body = {}
    if optimize:
        enumerate_body['w:OptimizeEnumeration'] = None
        enumerate_body['w:MaxElements'] = '32000'
    enumerate_body['w:EnumerationMode'] = 'EnumerateObjectAndEPR'
    selectors = [('__cimnamespace', IPAM_NAMESPACE)]
    xml, message_id = envelope(protocol, ENUMERATE, selectors, {'n:Enumerate': enumerate_body})
    root = ET.fromstring(protocol.send_message(xml))
    relates_to = [(message_id, root.findtext('s:Header/a:RelatesTo', namespaces=NS))]
    response = root.find('s:Body/n:EnumerateResponse', NS)
    messages = 1
    items = items_of(response)
    done = response.find('w:EndOfSequence', NS) is not None
    context = response.findtext('n:EnumerationContext', default='', namespaces=NS)
    while not done and context:
        pull = {'n:Pull': {'n:EnumerationContext': context, 'n:MaxElements': '1'}}
        xml, message_id = envelope(protocol, PULL, selectors, pull)
        root = ET.fromstring(protocol.send_message(xml))
        relates_to.append((message_id, root.findtext('s:Header/a:RelatesTo', namespaces=NS)))
        messages += 1
        response = root.find('s:Body/n:PullResponse', NS)
        items.extend(items_of(response))
        done = response.find('n:EndOfSequence', NS) is not None
        context = response.findtext('n:EnumerationContext', default='', namespaces=NS)
        if messages > 50:
            raise AssertionError('the enumeration never ended')
    return {'ok': True, 'messages': messages, 'end_of_sequence': done, 'items': items, 'relates_to': relates_to}


def op_get(protocol):
    selectors = [('__cimnamespace', IPAM_NAMESPACE)] + SERVER_KEYS
    xml, message_id = envelope(protocol, GET, selectors, {})
    root = ET.fromstring(protocol.send_message(xml))
    instance = root.find('s:Body', NS)[0]
    return {
        'ok': True,
        'message_id': message_id,
        'relates_to': root.findtext('s:Header/a:RelatesTo', namespaces=NS),
        'action': root.findtext('s:Header/a:Action', namespaces=NS),
        'class_uri': namespace_of(instance.tag),
        'element': local(instance.tag),
        'properties': properties(instance),
    }


def op_invoke(protocol, parameters):
    body = {
        'p0:InvokeIpamServerProvisioning_INPUT': dict(
            [('@xmlns:p0', DMTF_CLASS)] + [('p0:' + k, v) for k, v in parameters]
        )
    }
    action = DMTF_CLASS + '/InvokeIpamServerProvisioning'
    xml, message_id = envelope(protocol, action, [('__cimnamespace', IPAM_NAMESPACE)], body)
    try:
        reply = protocol.send_message(xml)
    except WinRMError as e:
        result = {'ok': False, 'error': type(e).__name__, 'message': str(e), 'message_id': message_id}
        # What pywinrm itself extracted: "<reason> (extended fault data: {...})".
        marker = '(extended fault data: '
        if marker in str(e):
            data = ast.literal_eval(str(e).split(marker, 1)[1].rstrip(')'))
            result.update({k: data.get(k) for k in ('fault_code', 'fault_subcode', 'http_status_code', 'wsmanfault_code')})
        # The raw fault pywinrm parsed, for the CIM error it does not surface.
        transport_error = e.__context__
        if isinstance(transport_error, WinRMTransportError):
            fault = ET.fromstring(transport_error.response_text)
            wmi = [el for el in fault.iter() if local(el.tag) == 'MSFT_WmiError']
            result['cim_error'] = properties(wmi[0]) if wmi else None
            result['relates_to'] = fault.findtext('s:Header/a:RelatesTo', namespaces=NS)
        return result
    root = ET.fromstring(reply)
    output = root.find('s:Body', NS)[0]
    return {
        'ok': True,
        'message_id': message_id,
        'relates_to': root.findtext('s:Header/a:RelatesTo', namespaces=NS),
        'output': local(output.tag),
        'return_value': next((c.text for c in output if local(c.tag) == 'ReturnValue'), None),
    }


def op_read(protocol, class_name):
    """Every instance of a read-back class (DMTF form, __cimnamespace), pulled to the end."""
    uri = DMTF_CLASS.rsplit('/', 1)[0] + '/' + class_name
    selectors = [('__cimnamespace', IPAM_NAMESPACE)]
    body = {'n:Enumerate': {'w:OptimizeEnumeration': None, 'w:MaxElements': '100', 'w:EnumerationMode': 'EnumerateObjectAndEPR'}}
    xml, _ = envelope(protocol, ENUMERATE, selectors, body, resource_uri=uri)
    response = ET.fromstring(protocol.send_message(xml)).find('s:Body/n:EnumerateResponse', NS)
    items = items_of(response)
    context = response.findtext('n:EnumerationContext', default='', namespaces=NS)
    while response.find('w:EndOfSequence', NS) is None and response.find('n:EndOfSequence', NS) is None and context:
        xml, _ = envelope(protocol, PULL, selectors, {'n:Pull': {'n:EnumerationContext': context, 'n:MaxElements': '100'}}, resource_uri=uri)
        response = ET.fromstring(protocol.send_message(xml)).find('s:Body/n:PullResponse', NS)
        items.extend(items_of(response))
        context = response.findtext('n:EnumerationContext', default='', namespaces=NS)
    return {'ok': True, 'instances': [i['properties'] for i in items]}


def op_get_job(protocol, instance_id):
    """A Get of one MSFT_IPAM_ConcreteJob by its key, through the DMTF form."""
    uri = DMTF_CLASS.rsplit('/', 1)[0] + '/MSFT_IPAM_ConcreteJob'
    xml, message_id = envelope(protocol, GET, [('__cimnamespace', IPAM_NAMESPACE), ('InstanceID', instance_id)], {}, resource_uri=uri)
    root = ET.fromstring(protocol.send_message(xml))
    instance = root.find('s:Body', NS)[0]
    return {'ok': True, 'element': local(instance.tag), 'properties': properties(instance), 'relates_to': root.findtext('s:Header/a:RelatesTo', namespaces=NS), 'message_id': message_id}


CIMV2 = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/'


def op_cimv2_get(protocol, class_name):
    """A Get of a root/cimv2 singleton (no selectors), through the WMI form of the URI."""
    message_id = uuid.uuid4()
    req = {'env:Envelope': protocol._get_soap_header(resource_uri=CIMV2 + class_name, action=GET, message_id=message_id)}
    req['env:Envelope']['env:Body'] = {}
    root = ET.fromstring(protocol.send_message(xmltodict.unparse(req)))
    instance = root.find('s:Body', NS)[0]
    return {'ok': True, 'element': local(instance.tag), 'class_uri': namespace_of(instance.tag), 'properties': properties(instance)}


def op_cimv2_enumerate(protocol, class_name):
    """Every instance of a root/cimv2 class, pulled to the end (no selectors: the WMI form names the namespace)."""
    uri = CIMV2 + class_name
    def send(action, body):
        req = {'env:Envelope': protocol._get_soap_header(resource_uri=uri, action=action, message_id=uuid.uuid4())}
        req['env:Envelope']['env:Body'] = body
        return ET.fromstring(protocol.send_message(xmltodict.unparse(req)))
    response = send(ENUMERATE, {'n:Enumerate': {'w:OptimizeEnumeration': None, 'w:MaxElements': '20'}}).find('s:Body/n:EnumerateResponse', NS)
    instances = []
    while True:
        items = response.find('w:Items', NS)
        if items is None:
            items = response.find('n:Items', NS)
        instances.extend(properties(i) for i in (items if items is not None else []))
        context = response.findtext('n:EnumerationContext', default='', namespaces=NS)
        if response.find('w:EndOfSequence', NS) is not None or response.find('n:EndOfSequence', NS) is not None or not context:
            break
        response = send(PULL, {'n:Pull': {'n:EnumerationContext': context, 'n:MaxElements': '20'}}).find('s:Body/n:PullResponse', NS)
    return {'ok': True, 'instances': instances}


def op_bad_password(protocol):
    try:
        protocol.send_message(IDENTIFY)
    except InvalidCredentialsError as e:
        return {'ok': False, 'error': type(e).__name__, 'message': str(e)}
    return {'ok': True}


OPERATIONS = {
    'identify': op_identify,
    'enumerate': lambda p: op_enumerate(p, optimize=True),
    'enumerate_pull': lambda p: op_enumerate(p, optimize=False),
    'get': op_get,
    'invoke_gpo_without_prefix': lambda p: op_invoke(p, [('ProvisioningMethod', '0')]),
    'invoke_manual': lambda p: op_invoke(p, [('ProvisioningMethod', '1')]),
    'bad_password': op_bad_password,
    # With an argument: provision '<JSON of parameters>', read <Class>.
    'provision': lambda p, arg: op_invoke(p, list(json.loads(arg).items())),
    'read': op_read,
    'get_job': op_get_job,
    'cimv2_get': op_cimv2_get,
    'cimv2_enumerate': op_cimv2_enumerate,
}

TAKES_ARGUMENT = ('provision', 'read', 'get_job', 'cimv2_get', 'cimv2_enumerate')


def main(argv):
    if len(argv) not in (5, 6) or argv[4] not in OPERATIONS or (len(argv) == 6) != (argv[4] in TAKES_ARGUMENT):
        sys.stderr.write('usage: pywinrm_client.py URL USER PASSWORD {%s} [ARGUMENT]\n' % '|'.join(OPERATIONS))
        return 2
    url, user, password, operation = argv[1:5]
    # PYWINRM_TRANSPORT: plaintext (Basic over http), ssl (Basic over https), ntlm (Negotiate,
    # sealed per PYWINRM_ENCRYPTION: auto, always or never). The emulator's certificate is
    # self-signed, so https runs with server_cert_validation='ignore'.
    transport = os.environ.get('PYWINRM_TRANSPORT', 'plaintext')
    protocol = winrm.Protocol(
        url,
        transport=transport,
        username=user,
        password=password,
        server_cert_validation='ignore',
        message_encryption=os.environ.get('PYWINRM_ENCRYPTION', 'auto'),
    )
    try:
        result = OPERATIONS[operation](protocol, *argv[5:])
    except Exception as e:  # reported, so the test shows what the client saw
        result = {'ok': False, 'error': type(e).__name__, 'message': str(e)}
    result['operation'] = operation
    json.dump(result, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
