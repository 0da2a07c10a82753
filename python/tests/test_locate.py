"""Which emulator the plugin runs: named (option, environment, ini), on PATH, or found upward."""
import json
import os

import pytest

from ipam_emulator import EmulatorNotFound, find_emulator_bin

NO_PATH = {'PATH': ''}


def project(folder, built=True):
    """A checkout of the emulator's repository (package.json named ipam-wsman-emulator)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'package.json').write_text(json.dumps({'name': 'ipam-wsman-emulator'}), encoding='utf-8')
    if built:
        (folder / 'dist').mkdir()
        (folder / 'dist' / 'cli.js').write_text('', encoding='utf-8')
    return folder


def executable(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('#!/bin/sh\n', encoding='utf-8')
    path.chmod(0o755)
    return path


def test_the_option_wins_over_the_environment_and_the_ini(tmp_path):
    given, env, ini = (executable(tmp_path / name) for name in ('given', 'env', 'ini'))
    environ = {'PATH': '', 'IPAM_EMULATOR_BIN': str(env)}
    assert find_emulator_bin(given, given_by='--ipam-emulator-bin', ini=ini, environ=environ).path == given
    assert find_emulator_bin(None, ini=ini, environ=environ).path == env
    assert find_emulator_bin(None, ini=ini, environ=NO_PATH).path == ini


def test_a_named_path_that_does_not_exist_is_an_error_not_a_fallback(tmp_path):
    project(tmp_path)
    with pytest.raises(EmulatorNotFound, match=r'IPAM_EMULATOR_BIN names .*/gone/dist/cli\.js, which does not exist \(build it'):
        find_emulator_bin(None, search_from=tmp_path, environ={'PATH': '', 'IPAM_EMULATOR_BIN': str(tmp_path / 'gone' / 'dist' / 'cli.js')})


def test_ipam_emulator_on_path(tmp_path):
    on_path = executable(tmp_path / 'bin' / 'ipam-emulator')
    found = find_emulator_bin(None, search_from=tmp_path, environ={'PATH': str(on_path.parent)})
    assert (found.path, found.found_by) == (on_path, 'ipam-emulator on PATH')
    assert found.command() == [str(on_path)]


def test_the_emulator_project_above_the_rootdir(tmp_path):
    repo = project(tmp_path / 'repo')
    found = find_emulator_bin(None, search_from=repo / 'python' / 'tests', environ=NO_PATH)
    assert found.path == repo / 'dist' / 'cli.js'
    # A JavaScript file runs under node, executable or not.
    assert found.command()[1:] == [str(repo / 'dist' / 'cli.js')]
    assert os.path.basename(found.command()[0]) == 'node'


def test_an_unbuilt_emulator_project_says_to_build_it(tmp_path):
    repo = project(tmp_path / 'repo', built=False)
    with pytest.raises(EmulatorNotFound, match=r'names .*/repo/dist/cli\.js, which does not exist \(build it: `npm run build`'):
        find_emulator_bin(None, search_from=repo, environ=NO_PATH)


def test_an_installed_emulator_in_node_modules(tmp_path):
    package = project(tmp_path / 'app' / 'node_modules' / 'ipam-wsman-emulator')
    link = tmp_path / 'app' / 'node_modules' / '.bin' / 'ipam-emulator'
    link.parent.mkdir()
    link.symlink_to(package / 'dist' / 'cli.js')
    found = find_emulator_bin(None, search_from=tmp_path / 'app' / 'test', environ=NO_PATH)
    assert found.path == link
    assert found.command()[1:] == [str(package / 'dist' / 'cli.js')]


def test_nothing_found_lists_every_way_to_name_one(tmp_path):
    with pytest.raises(EmulatorNotFound) as nothing:
        find_emulator_bin(None, search_from=tmp_path, environ=NO_PATH)
    for way in ('--ipam-emulator-bin', 'IPAM_EMULATOR_BIN', 'ipam_emulator_bin', 'on PATH', 'node_modules'):
        assert way in str(nothing.value)
