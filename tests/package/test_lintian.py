"""lintian on both packages: no error or warning. The tags accepted on purpose are overridden in the
packages (packaging/debian/*.lintian-overrides, each with its reason); info-level tags are not errors."""
import shutil
import subprocess

import pytest


def test_lintian_finds_no_errors_or_warnings(fleet_deb, python_deb):
    if shutil.which("lintian") is None:
        pytest.skip("lintian is not installed")
    out = subprocess.run(["lintian", "--fail-on", "error,warning", str(fleet_deb), str(python_deb)],
                         capture_output=True, text=True, timeout=300)
    tags = [line for line in out.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert out.returncode == 0 and not tags, out.stdout + out.stderr
