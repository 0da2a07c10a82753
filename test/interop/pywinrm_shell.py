"""Runs a command or a PowerShell script through the WinRS shell with the real pywinrm
(Debian python3-winrm 0.3.0): winrm.Session.run_cmd / run_ps, as users call them.

Usage: /usr/bin/python3 pywinrm_shell.py URL USER PASSWORD cmd|ps|ps_stdin COMMAND [ARG...]
       (environment: PYWINRM_TRANSPORT plaintext|ntlm|ssl, PYWINRM_ENCRYPTION auto|always|never)
Prints one JSON object: std_out, std_err (as pywinrm returns them, run_ps's CLIXML cleaned), status_code.
"""
import json
import os
import sys

import winrm


def main(argv):
    if len(argv) < 6 or argv[4] not in ('cmd', 'ps'):
        sys.stderr.write('usage: pywinrm_shell.py URL USER PASSWORD cmd|ps COMMAND [ARG...]\n')
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
        else:
            r = session.run_ps(command)
        out = {
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
