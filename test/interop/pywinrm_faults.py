"""One WS-Man exchange through the real pywinrm (winrm.Protocol.send_message), to see
how it reports a transport fault the emulator injects (docs/faults.md).

Usage: python3 pywinrm_faults.py URL USER PASSWORD READ_TIMEOUT_S
Sends an authenticated Identify; prints one JSON object: ok, or the exception's class
(with its module) and message.
"""
import json
import sys

import winrm

IDENTIFY = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">'
            '<s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>')


def main(argv):
    url, user, password, read_timeout = argv[1:5]
    read = int(read_timeout)
    protocol = winrm.Protocol(url, transport='plaintext', username=user, password=password,
                              read_timeout_sec=read, operation_timeout_sec=max(1, read - 1))
    try:
        reply = protocol.send_message(IDENTIFY)
        text = reply.decode('utf-8') if isinstance(reply, bytes) else reply
        out = {'ok': True, 'identify': 'IdentifyResponse' in text}
    except Exception as e:  # reported, so the test shows what the client saw
        chain = []
        cur = e
        while cur is not None and len(chain) < 6:
            chain.append('{0}.{1}'.format(type(cur).__module__, type(cur).__name__))
            cur = cur.__cause__ or cur.__context__
        out = {'ok': False, 'error': chain[0], 'chain': chain, 'message': str(e)[:500]}
    json.dump(out, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
