"""Runs a command or a PowerShell script through the WinRS shell with the real pywinrm:
winrm.Session.run_cmd / run_ps, as users call them. Debian's python3-winrm (0.3.0) or
PyPI's pywinrm, whichever the interpreter running this script imports.

Usage: python3 pywinrm_shell.py URL USER PASSWORD cmd|ps|ps_via_cmd COMMAND [ARG...]
       (environment: PYWINRM_TRANSPORT plaintext|ntlm|ssl, PYWINRM_ENCRYPTION auto|always|never)

ps is Session.run_ps itself. ps_via_cmd sends exactly what run_ps sends (powershell
-encodedcommand of the UTF-16LE script, through run_cmd) and cleans stderr with pywinrm's
own _clean_error_msg, given text: Debian's 0.3.0 run_ps hands that function bytes and
raises TypeError whenever stderr is not empty (its str/bytes bug, fixed in later releases).
Prints one JSON object: std_out, std_err, status_code, and pywinrm's version.
"""
import json
import os
import sys
from base64 import b64encode

import winrm

try:
    from importlib.metadata import version
    PYWINRM_VERSION = version('pywinrm')
except Exception:  # Debian's package has no dist-info metadata under that name everywhere
    PYWINRM_VERSION = 'unknown'


def main(argv):
    if len(argv) < 6 or argv[4] not in ('cmd', 'ps', 'ps_via_cmd'):
        sys.stderr.write('usage: pywinrm_shell.py URL USER PASSWORD cmd|ps|ps_via_cmd COMMAND [ARG...]\n')
        return 2
    url, user, password, mode, command = argv[1:6]
    session = winrm.Session(
        url,
        auth=(user, password),
        transport=os.environ.get('PYWINRM_TRANSPORT', 'plaintext'),
        server_cert_validation='ignore',
        message_encryption=os.environ.get('PYWINRM_ENCRYPTION', 'auto'),
    )
    try:
        if mode == 'cmd':
            r = session.run_cmd(command, argv[6:])
        elif mode == 'ps':
            r = session.run_ps(command)
        else:
            encoded = b64encode(command.encode('utf_16_le')).decode('ascii')
            r = session.run_cmd('powershell -encodedcommand {0}'.format(encoded))
            if len(r.std_err):
                r.std_err = session._clean_error_msg(r.std_err.decode('utf-8'))
        out = {
            'version': PYWINRM_VERSION,
            'ok': True,
            'std_out': r.std_out.decode('utf-8', 'replace'),
            'std_err': r.std_err.decode('utf-8', 'replace') if isinstance(r.std_err, bytes) else r.std_err,
            'status_code': r.status_code,
        }
    except Exception as e:  # reported, so the test shows what the client saw
        out = {'ok': False, 'error': type(e).__name__, 'message': str(e)}
    json.dump(out, sys.stdout)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
