"""The plugin's own tests. They run the emulator of this repository (python/pyproject.toml's
ipam_emulator_bin: ../dist/cli.js, made by `npm run build`), and use pytester (``-p pytester`` in
its addopts) for runs with other options, each starting an emulator of its own."""
from pathlib import Path
from typing import List

import pytest

from ipam_emulator import Emulator

DOORS = Path(__file__).with_name('doors.py')


@pytest.fixture
def inner_run(pytester: pytest.Pytester, ipam_emulator: Emulator) -> List[str]:
    """Arguments for a pytester run with the plugin and the emulator this session runs (an inner run
    has no ini file to name it), and doors.py beside its test files."""
    pytester.makepyfile(doors=DOORS.read_text(encoding='utf-8'))
    pytester.syspathinsert()
    # Loaded by name as well as by the entry point when installed: one plugin either way (pyproject.toml).
    # `--option=value`: pytest picks the rootdir before it knows a plugin's options, and would take a
    # value given as an argument of its own for a path to test.
    return ['-p', 'ipam_emulator.plugin', f'--ipam-emulator-bin={ipam_emulator.emulator_bin.path}']
