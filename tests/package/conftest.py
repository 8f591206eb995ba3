"""The .deb files built by the "package: build" ctest fixture (build_debs.py), and helpers to read them."""
import os
import pathlib
import shutil
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("KTRDR_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
DEB_DIR = pathlib.Path(os.environ.get("KTRDR_DEB_DIR", SOURCE_DIR / "build/package-test"))


def deb(name):
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    found = sorted(DEB_DIR.glob(f"{name}_*.deb"))
    assert found, f"no {name}_*.deb in {DEB_DIR}: the 'package: build' fixture did not run or failed"
    return found[-1]


@pytest.fixture(scope="session")
def fleet_deb():
    return deb("ktrdr-backtest")


@pytest.fixture(scope="session")
def python_deb():
    return deb("python3-ktrdr-backtest")


def dpkg_deb(*args):
    return subprocess.run(["dpkg-deb", *map(str, args)], check=True, capture_output=True, text=True).stdout


def contents(path):
    """{path inside the package: (mode string, link target or '')} from dpkg-deb -c."""
    files = {}
    for line in dpkg_deb("-c", path).splitlines():
        fields = line.split(None, 5)
        name = fields[5]
        target = ""
        if " -> " in name:
            name, target = name.split(" -> ", 1)
        files[name.removeprefix(".")] = (fields[0], target)
    return files


def member_text(path, member):
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(path)], check=True, capture_output=True).stdout
    return subprocess.run(["tar", "-xO", "." + member], input=tar, check=True, capture_output=True).stdout.decode()


def control_text(path, member):
    """A control file (postinst, conffiles, ...) of a package."""
    tar = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(path)], check=True, capture_output=True).stdout
    return subprocess.run(["tar", "-xO", "./" + member], input=tar, check=True, capture_output=True).stdout.decode()


def field(path, name):
    return dpkg_deb("-f", path, name).strip()
