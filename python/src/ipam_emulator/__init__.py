"""A pytest plugin, and a small library, that run the IPAM WS-Management emulator
(ipam-wsman-emulator) for tests: see python/README.md.

The plugin's fixtures are ``ipam_emulator`` and ``ipam_fresh`` (ipam_emulator.plugin); outside pytest,
``start_emulator()`` gives the same :class:`Emulator`.
"""
from .admin import AdminClient, AdminError
from .emulator import Credentials, Emulator, Host, start_emulator
from .locate import EmulatorBin, EmulatorNotFound, find_emulator_bin
from .process import EmulatorExited, EmulatorStartError

__all__ = [
    'AdminClient',
    'AdminError',
    'Credentials',
    'Emulator',
    'EmulatorBin',
    'EmulatorExited',
    'EmulatorNotFound',
    'EmulatorStartError',
    'Host',
    'find_emulator_bin',
    'start_emulator',
]
