"""pypsrp's Client.execute_cmd (WinRS, not PSRP) against the emulator.

Usage: python3 pypsrp_client.py HOST PORT USER PASSWORD basic|ntlm COMMAND
Prints one JSON object: stdout, stderr, rc (as execute_cmd returns them).
"""
import json
import sys

from pypsrp.client import Client


def main(argv):
    host, port, user, password, auth, command = argv[1:7]
    client = Client(host, port=int(port), username=user, password=password, ssl=False, auth=auth,
                    encryption='never' if auth == 'basic' else 'auto', cert_validation=False)
    try:
        stdout, stderr, rc = client.execute_cmd(command)
        out = {'ok': True, 'stdout': stdout, 'stderr': stderr, 'rc': rc}
    except Exception as e:  # reported, so the test shows what the client saw
        out = {'ok': False, 'error': type(e).__name__, 'message': str(e)}
    json.dump(out, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
