"""Which emulator to run, and how: the ``ipam-emulator`` command line (``dist/cli.js``)."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import List, Mapping, Optional, Union

#: The npm package of the emulator, as its package.json names it.
PROJECT_NAME = 'ipam-wsman-emulator'
#: The command the npm package installs (package.json "bin").
BIN_NAME = 'ipam-emulator'
#: The environment variable that names the emulator's CLI.
BIN_ENV = 'IPAM_EMULATOR_BIN'


class EmulatorNotFound(Exception):
    """No emulator CLI where one was named or looked for; the message says where, and what to do."""


@dataclass(frozen=True)
class EmulatorBin:
    """The emulator's CLI, and where it was found (for messages)."""

    path: Path
    found_by: str

    def command(self) -> List[str]:
        """The argv that runs it: a JavaScript file (``dist/cli.js``, or the ``node_modules/.bin``
        link to it) under ``node``, so it need not be executable; anything else as it is."""
        real = self.path.resolve()
        if real.suffix not in ('.js', '.mjs', '.cjs'):
            return [str(self.path)]
        node = shutil.which('node')
        if node is None:
            raise EmulatorNotFound(f'{self.path} ({self.found_by}) runs on Node.js, but there is no `node` on PATH')
        return [node, str(real)]


def find_emulator_bin(
    given: Union[str, os.PathLike[str], None] = None,
    *,
    given_by: str = 'the argument',
    ini: Optional[Path] = None,
    search_from: Optional[Path] = None,
    environ: Mapping[str, str] = os.environ,
) -> EmulatorBin:
    """Finds the emulator's CLI: ``given`` (the ``--ipam-emulator-bin`` option), else the environment's
    ``IPAM_EMULATOR_BIN``, else ``ini`` (the ini option, already made absolute), else ``ipam-emulator``
    on PATH, else the nearest ``node_modules/.bin/ipam-emulator`` or this project's ``dist/cli.js`` in
    ``search_from`` (the rootdir) or a folder above it.

    A path that is named but does not exist is an error, not a reason to look further: a run that was
    told which emulator to test must not quietly test another one.
    """
    named = [
        (given, given_by),
        (environ.get(BIN_ENV) or None, f'the environment variable {BIN_ENV}'),
        (ini, 'the ini option ipam_emulator_bin'),
    ]
    for value, source in named:
        if value is not None:
            return _existing(Path(value).absolute(), source)
    on_path = shutil.which(BIN_NAME, path=environ.get('PATH'))
    if on_path is not None:
        return EmulatorBin(Path(on_path), f'{BIN_NAME} on PATH')
    start = (search_from or Path.cwd()).absolute()
    for folder in (start, *start.parents):
        linked = folder / 'node_modules' / '.bin' / BIN_NAME
        if linked.exists():
            return EmulatorBin(linked, f'the search upward from {start}')
        if _is_emulator_project(folder):
            return _existing(folder / 'dist' / 'cli.js', f'the emulator project found upward from {start}')
    raise EmulatorNotFound(
        f'no emulator found: give --ipam-emulator-bin PATH (dist/cli.js of {PROJECT_NAME}, or '
        f'node_modules/.bin/{BIN_NAME}), set {BIN_ENV} or the ini option ipam_emulator_bin, put {BIN_NAME} '
        f'on PATH, or install {PROJECT_NAME} into a node_modules in {start} or a folder above it'
    )


def _existing(path: Path, found_by: str) -> EmulatorBin:
    if path.exists():
        return EmulatorBin(path, found_by)
    hint = ' (build it: `npm run build` in the emulator\'s project)' if path.parts[-2:] == ('dist', 'cli.js') else ''
    raise EmulatorNotFound(f'{found_by} names {path}, which does not exist{hint}')


def _is_emulator_project(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / 'package.json').read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get('name') == PROJECT_NAME
