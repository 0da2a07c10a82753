"""The package's own build backend (build_backend/ipam_build.py): `pip install ./python` with no package
index at all, and a wheel whose RECORD and entry point are right."""
import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

PYTHON_DIR = Path(__file__).resolve().parent.parent


def test_pip_installs_it_with_no_package_index(tmp_path):
    # --no-index: nothing may be fetched, not even for the build (requires = [] in pyproject.toml).
    target = tmp_path / 'site'
    r = subprocess.run(
        [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--target', str(target), str(PYTHON_DIR)],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    assert (target / 'ipam_emulator' / 'plugin.py').is_file()
    assert (target / 'ipam_emulator' / 'py.typed').is_file()
    [info] = target.glob('pytest_ipam_emulator-*.dist-info')
    assert '[pytest11]\nipam_emulator.plugin = ipam_emulator.plugin' in (info / 'entry_points.txt').read_text()


def test_the_wheel_records_every_file_with_its_hash(tmp_path):
    sys.path.insert(0, str(PYTHON_DIR / 'build_backend'))
    try:
        import ipam_build
    finally:
        sys.path.pop(0)
    name = ipam_build.build_wheel(str(tmp_path))
    assert name.endswith('-py3-none-any.whl')
    with zipfile.ZipFile(tmp_path / name) as whl:
        names = set(whl.namelist())
        [record_name] = [n for n in names if n.endswith('.dist-info/RECORD')]
        rows = [line.split(',') for line in whl.read(record_name).decode().splitlines()]
        assert {row[0] for row in rows} == names
        for path, digest, size in rows:
            if path == record_name:
                continue
            data = whl.read(path)
            assert digest == 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
            assert int(size) == len(data)
        metadata = whl.read(record_name.replace('RECORD', 'METADATA')).decode()
        assert 'Name: pytest-ipam-emulator' in metadata
        assert 'Requires-Dist: pytest>=7' in metadata
        assert not any('__pycache__' in n or n.endswith('.pyc') for n in names)
