"""What the packages hold: files, modes, conffiles, maintainer scripts, Depends, and units that run the
packaged programs (prefix /usr) with the packaged configs."""
import re

from conftest import contents, control_text, dpkg_deb, field, member_text

PROGRAMS = ("ktrdr-backtest", "ktrdr-broker", "ktrdr-gateway", "ktrdr-submit", "ktrdr-worker")


def test_the_fleet_package_holds_programs_units_user_configs_and_docs(fleet_deb):
    files = contents(fleet_deb)
    for p in PROGRAMS:
        assert files[f"/usr/bin/{p}"][0] == "-rwxr-xr-x", p
    for f in ("/usr/lib/systemd/system/ktrdr-broker.service", "/usr/lib/systemd/system/ktrdr-worker@.service",
              "/usr/lib/systemd/system/ktrdr-fleet.target", "/usr/lib/sysusers.d/ktrdr.conf",
              "/usr/lib/tmpfiles.d/ktrdr.conf", "/etc/ktrdr/ktrdr-broker.conf", "/etc/ktrdr/ktrdr-worker.conf",
              "/usr/share/doc/ktrdr-backtest/copyright", "/usr/share/doc/ktrdr-backtest/changelog.Debian.gz",
              "/usr/share/doc/ktrdr-backtest/operations.md", "/usr/share/lintian/overrides/ktrdr-backtest",
              "/usr/share/ktrdr-backtest/examples/models/example_mlp/1h_v1/model.pt",
              "/usr/share/ktrdr-backtest/examples/data/EXAMPLE_1h.csv",
              "/usr/lib/systemd/system/ktrdr-gateway.service", "/etc/ktrdr/ktrdr-gateway.conf",
              "/usr/share/ktrdr/web/index.html", "/usr/lib/ktrdr/libktrdr_torch.so"):
        assert files[f][0] == "-rw-r--r--", f
    assert files["/usr/share/ktrdr-backtest/examples/models/example_mlp/1h_latest"] == ("lrwxrwxrwx", "1h_v1")
    # nothing under the build's own prefix, nothing of the Python module
    assert not [f for f in files if f.startswith("/usr/local") or "python" in f]


def test_units_run_the_packaged_programs_with_the_packaged_configs(fleet_deb):
    files = contents(fleet_deb)
    for unit, program in (("ktrdr-broker.service", "ktrdr-broker"), ("ktrdr-worker@.service", "ktrdr-worker"),
                          ("ktrdr-gateway.service", "ktrdr-gateway")):
        text = member_text(fleet_deb, f"/usr/lib/systemd/system/{unit}")
        exec_start = re.search(r"^ExecStart=(\S+) --config (\S+)", text, re.M)
        assert exec_start.group(1) == f"/usr/bin/{program}"
        assert exec_start.group(2) == f"/etc/ktrdr/{program}.conf"
        assert exec_start.group(1) in files and exec_start.group(2) in files
        assert re.search(r"^Documentation=file:/usr/share/doc/ktrdr-backtest/operations.md$", text, re.M)
        assert "@KTRDR" not in text and "/usr/local" not in text
    worker = member_text(fleet_deb, "/usr/lib/systemd/system/ktrdr-worker@.service")
    assert re.search(r"^DefaultInstance=1$", worker, re.M)


def test_configs_are_conffiles_and_the_maintainer_scripts_are_there(fleet_deb):
    info = dpkg_deb("-I", fleet_deb)
    for script in ("postinst", "prerm", "postrm"):
        assert re.search(rf"^\s+\d+ bytes,\s+\d+ lines\s+\*\s+{script}\s+#!/bin/sh$", info, re.M), script
    assert control_text(fleet_deb, "conffiles").split() == ["/etc/ktrdr/ktrdr-broker.conf",
                                                           "/etc/ktrdr/ktrdr-worker.conf",
                                                           "/etc/ktrdr/ktrdr-gateway.conf"]
    postinst = control_text(fleet_deb, "postinst")
    assert "systemd-sysusers ${DPKG_ROOT:+--root=\"$DPKG_ROOT\"} ktrdr.conf" in postinst
    assert "deb-systemd-helper enable" in postinst


def test_the_changelog_has_a_maintainer_trailer(fleet_deb, python_deb):
    import gzip
    import subprocess
    for deb, name in ((fleet_deb, "ktrdr-backtest"), (python_deb, "python3-ktrdr-backtest")):
        tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True).stdout
        gz = subprocess.run(["tar", "-xO", f"./usr/share/doc/{name}/changelog.Debian.gz"], input=tar, check=True,
                            capture_output=True).stdout
        lines = gzip.decompress(gz).decode().splitlines()
        assert re.fullmatch(r"ktrdr-backtest \(\d+\.\d+\.\d+-1\) unstable; urgency=medium", lines[0])
        assert re.fullmatch(r" -- [^<]+ <[^>]+@[^>]+>  \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000", lines[-1])
        assert field(deb, "Maintainer") == lines[-1][4:lines[-1].index(">") + 1]


def test_control_fields_and_depends(fleet_deb):
    assert field(fleet_deb, "Package") == "ktrdr-backtest"
    assert field(fleet_deb, "Architecture") == "amd64"
    assert re.fullmatch(r"\d+\.\d+\.\d+-1", field(fleet_deb, "Version"))
    assert field(fleet_deb, "Section") == "science"
    assert field(fleet_deb, "Description").startswith("neural-network trading strategy backtester")
    depends = [d.strip().split(" ")[0] for d in field(fleet_deb, "Depends").split(",")]
    # the maintainer scripts' tools, then what dpkg-shlibdeps found the binaries link
    for pkg in ("systemd", "init-system-helpers", "libc6", "libstdc++6", "libtorch1.13", "libzmq5",
                "librocksdb7.8", "libfmt9", "libboost-program-options1.74.0", "libyaml-cpp0.7"):
        assert pkg in depends, pkg


def test_the_python_package_holds_the_module_for_debians_python3(python_deb):
    files = contents(python_deb)
    pkg = "/usr/lib/python3/dist-packages/ktrdr_backtest/"
    assert {f for f in files if f.startswith(pkg) and not f.endswith("/")} >= {
        pkg + "__init__.py", pkg + "_bars.py", pkg + "_result.py"}
    assert [f for f in files if f.startswith(pkg + "_core.cpython-") and f.endswith(".so")]
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]
    depends = field(python_deb, "Depends")
    # libtorch comes with ktrdr-backtest's plugin (the module dlopen()s <libdir>/ktrdr/libktrdr_torch.so)
    for pkg_name in ("python3 (>= 3.", "python3 (<< 3.", "python3-numpy", "python3-pandas", "ktrdr-backtest (= "):
        assert pkg_name in depends, pkg_name
    assert field(python_deb, "Section") == "python"
