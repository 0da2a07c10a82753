"""The package's own PEP 517 build backend: standard library only, so `pip install ./python` needs no
package index (pip's isolated build would otherwise fetch setuptools from PyPI first).

It builds a pure-Python wheel (py3-none-any) of `src/ipam_emulator`, an editable wheel (PEP 660: a .pth
pointing at `src`) and an sdist, from the [project] table of pyproject.toml: name, version, description,
readme, requires-python, dependencies, classifiers and entry points. Nothing else of PEP 621 is used here.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

try:
    import tomllib
except ImportError:  # Python before 3.11
    import tomli as tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = 'ipam_emulator'
SOURCE = os.path.join(ROOT, 'src')
TAG = 'py3-none-any'


def _project():
    with open(os.path.join(ROOT, 'pyproject.toml'), 'rb') as f:
        return tomllib.load(f)['project']


def _names(project):
    """The distribution's name as file names spell it (PEP 427, PEP 503), and its version."""
    return re.sub(r'[-_.]+', '_', project['name']).lower(), project['version']


def _metadata(project):
    lines = [
        'Metadata-Version: 2.1',
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project.get('description', '')}",
    ]
    if 'requires-python' in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    lines += [f'Requires-Dist: {d}' for d in project.get('dependencies', [])]
    lines += [f'Classifier: {c}' for c in project.get('classifiers', [])]
    readme = project.get('readme')
    body = ''
    if readme:
        lines.append('Description-Content-Type: text/markdown')
        with open(os.path.join(ROOT, readme), encoding='utf-8') as f:
            body = f.read()
    return '\n'.join(lines) + '\n\n' + body


def _entry_points(project):
    out = []
    for group, points in project.get('entry-points', {}).items():
        out.append(f'[{group}]')
        out += [f'{name} = {target}' for name, target in points.items()]
        out.append('')
    return '\n'.join(out)


def _dist_info_files(project):
    name, version = _names(project)
    info = f'{name}-{version}.dist-info'
    wheel = f'Wheel-Version: 1.0\nGenerator: ipam_build\nRoot-Is-Purelib: true\nTag: {TAG}\n'
    return info, {
        f'{info}/METADATA': _metadata(project).encode(),
        f'{info}/WHEEL': wheel.encode(),
        f'{info}/entry_points.txt': _entry_points(project).encode(),
        f'{info}/top_level.txt': f'{PACKAGE}\n'.encode(),
    }


def _package_files():
    files = {}
    for folder, dirs, names in os.walk(os.path.join(SOURCE, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for n in sorted(names):
            if n.endswith(('.pyc', '.pyo')):
                continue
            path = os.path.join(folder, n)
            with open(path, 'rb') as f:
                files[os.path.relpath(path, SOURCE).replace(os.sep, '/')] = f.read()
    return files


def _write_wheel(directory, files):
    project = _project()
    name, version = _names(project)
    info, meta = _dist_info_files(project)
    files = {**files, **meta}
    record = []
    filename = f'{name}-{version}-{TAG}.whl'
    with zipfile.ZipFile(os.path.join(directory, filename), 'w', zipfile.ZIP_DEFLATED) as whl:
        for path, data in files.items():
            whl.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
            record.append(f'{path},sha256={digest},{len(data)}')
        record.append(f'{info}/RECORD,,')
        whl.writestr(f'{info}/RECORD', '\n'.join(record) + '\n')
    return filename


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info, meta = _dist_info_files(_project())
    for path, data in meta.items():
        os.makedirs(os.path.join(metadata_directory, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(metadata_directory, path), 'wb') as f:
            f.write(data)
    return info


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _package_files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    name, _ = _names(_project())
    return _write_wheel(wheel_directory, {f'__editable__.{name}.pth': (SOURCE + '\n').encode()})


def build_sdist(sdist_directory, config_settings=None):
    name, version = _names(_project())
    base = f'{name}-{version}'
    filename = f'{base}.tar.gz'
    with tarfile.open(os.path.join(sdist_directory, filename), 'w:gz') as tar:
        for rel in ['pyproject.toml', 'README.md', 'build_backend/ipam_build.py']:
            tar.add(os.path.join(ROOT, rel), arcname=f'{base}/{rel}')
        for path, data in _package_files().items():
            info = tarfile.TarInfo(f'{base}/src/{path}')
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        pkg_info = _metadata(_project()).encode()
        info = tarfile.TarInfo(f'{base}/PKG-INFO')
        info.size = len(pkg_info)
        tar.addfile(info, io.BytesIO(pkg_info))
    return filename
