"""dpkg installs the packages into a scratch root (dpkg --root, maintainer scripts run chrootless with
$DPKG_ROOT: no booted systemd needed): the postinst creates the ktrdr user and the workers' directories and
enables the broker and worker 1 into ktrdr-fleet.target; the packaged programs, configs and example run a
fleet that completes a backtest with the CLI's numbers; the packaged module gives them too; remove and purge
clean up what they should and keep what they should."""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

EXAMPLE_ARGS = ["--timeframe", "1h", "--start", "2022-01-03", "--end", "2022-03-31"]


def run(*cmd, timeout=60, **kw):
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True, timeout=timeout, **kw)


@pytest.fixture(scope="module")
def root(fleet_deb, python_deb):
    if os.geteuid() != 0:
        pytest.skip("dpkg --root with maintainer scripts (systemd-sysusers --root) needs root")
    for tool in ("dpkg", "systemd-sysusers", "systemd-tmpfiles", "deb-systemd-helper"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    r = pathlib.Path(tempfile.mkdtemp(prefix="ktrdr-deb-root-"))
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "etc"):
        (r / d).mkdir(parents=True)
    (r / "var/lib/dpkg/status").touch()
    run("dpkg", f"--root={r}", "--force-script-chrootless", "--force-depends", "-i", fleet_deb, python_deb)
    yield r
    shutil.rmtree(r, ignore_errors=True)


def cli_result(root, model, data):
    """`ktrdr-backtest run --output` of the packaged program on the example range -> the result document."""
    with tempfile.TemporaryDirectory() as d:
        run(root / "usr/bin/ktrdr-backtest", "run", "--model", model, "--data-dir", data, *EXAMPLE_ARGS,
            "--output", f"{d}/r.json", "--quiet")
        return json.loads(pathlib.Path(d, "r.json").read_text())


def dpkg_status(root, package):
    out = subprocess.run(["dpkg-query", f"--root={root}", "-W", "-f=${Status}", package], capture_output=True,
                         text=True)
    return out.stdout


def test_postinst_creates_the_user_the_directories_and_enables_the_fleet(root):
    assert dpkg_status(root, "ktrdr-backtest") == "install ok installed"
    assert dpkg_status(root, "python3-ktrdr-backtest") == "install ok installed"
    passwd = {line.split(":")[0]: line.split(":") for line in (root / "etc/passwd").read_text().splitlines()}
    user = passwd["ktrdr"]
    assert user[5:] == ["/var/lib/ktrdr", "/usr/sbin/nologin"]
    for d in ("models", "data"):
        st = (root / "var/lib/ktrdr" / d).stat()
        assert st.st_uid == int(user[2]) and oct(st.st_mode & 0o777) == "0o755", d
    wants = root / "etc/systemd/system/ktrdr-fleet.target.wants"
    assert sorted(p.name for p in wants.iterdir()) == ["ktrdr-broker.service", "ktrdr-gateway.service",
                                                       "ktrdr-worker@1.service"]
    assert os.readlink(wants / "ktrdr-worker@1.service") == "/usr/lib/systemd/system/ktrdr-worker@.service"
    # the target itself is not enabled: nothing starts at boot until the admin says so
    assert not (root / "etc/systemd/system/multi-user.target.wants").exists()
    assert (root / "etc/ktrdr/ktrdr-worker.conf").read_text() == \
        (pathlib.Path(os.environ["KTRDR_SOURCE_DIR"]) / "conf/ktrdr-worker.conf").read_text()


def test_the_packaged_programs_configs_and_example_run_a_fleet(root):
    bin_dir, conf = root / "usr/bin", root / "etc/ktrdr"
    assert "usage: ktrdr-backtest" in run(bin_dir / "ktrdr-backtest", "--help").stdout
    # the example, where the packaged worker config looks for models and data (README: "Debian package")
    examples = root / "usr/share/ktrdr-backtest/examples"
    models, data = root / "var/lib/ktrdr/models", root / "var/lib/ktrdr/data"
    shutil.copytree(examples / "models", models, symlinks=True, dirs_exist_ok=True)
    shutil.copytree(examples / "data", data, dirs_exist_ok=True)
    sock = pathlib.Path(tempfile.mkdtemp(prefix="kdeb-"))  # short ipc:// paths
    ep = {n: f"ipc://{sock}/{n}" for n in ("clients", "workers", "progress-in", "progress-out")}
    procs = []
    try:
        procs.append(subprocess.Popen(
            [bin_dir / "ktrdr-broker", "--config", conf / "ktrdr-broker.conf", "--state-dir", sock / "broker",
             *[a for n in ep for a in (f"--{n}", ep[n])]], stderr=open(sock / "broker.log", "w")))
        procs.append(subprocess.Popen(
            [bin_dir / "ktrdr-worker", "--config", conf / "ktrdr-worker.conf", "--state-dir", sock / "w1",
             "--broker", ep["workers"], "--progress", ep["progress-in"], "--models-root", models,
             "--data-dir", data, "--id", "w1"], stderr=open(sock / "worker.log", "w")))
        submit = [bin_dir / "ktrdr-submit", "--broker", ep["clients"], "--progress", ep["progress-out"], "--json"]
        job = json.loads(run(*submit, "backtest", "example_mlp", *EXAMPLE_ARGS, "--wait", timeout=120).stdout)
        assert job["status"] == "completed", job
        fleet = json.loads(run(*submit, "results", job["operation_id"]).stdout)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        logs = "".join(f.read_text() for f in sock.glob("*.log"))
        shutil.rmtree(sock, ignore_errors=True)
    local = cli_result(root, models / "example_mlp/1h_v1", data)
    assert fleet["metrics"] == local["metrics"], logs
    assert fleet["trades"] == local["trades"]
    assert len(fleet["equity_curve"]) == len(local["equity_curve"]) > 1000


def test_the_packaged_python_module_gives_the_cli_numbers(root):
    pytest.importorskip("pandas")
    site = root / "usr/lib/python3/dist-packages"
    examples = root / "usr/share/ktrdr-backtest/examples"
    code = (
        "import json, sys, ktrdr_backtest as kb\n"
        "print(kb.__file__)\n"
        f"r = kb.run('{examples}/models/example_mlp/1h_v1', '{examples}/data', timeframe='1h', "
        "start='2022-01-03', end='2022-03-31')\n"
        "print(json.dumps(r.metrics))\n")
    out = run(sys.executable, "-c", code, env={**os.environ, "PYTHONPATH": str(site)}).stdout.splitlines()
    assert out[0] == f"{site}/ktrdr_backtest/__init__.py"
    local = cli_result(root, examples / "models/example_mlp/1h_v1", examples / "data")
    assert json.loads(out[1]) == local["metrics"]


def test_remove_keeps_configs_and_purge_cleans_up(root):
    state = [root / "var/lib/ktrdr/broker", root / "var/lib/ktrdr/worker-1"]
    for d in state:  # what StateDirectory= would have made
        d.mkdir(parents=True, exist_ok=True)
        (d / "CURRENT").write_text("x")
    (root / "var/lib/ktrdr/models/mine").mkdir(parents=True, exist_ok=True)
    run("dpkg", f"--root={root}", "--force-script-chrootless", "-r", "python3-ktrdr-backtest", "ktrdr-backtest")
    assert not (root / "usr/bin/ktrdr-broker").exists()
    assert not (root / "usr/lib/python3/dist-packages/ktrdr_backtest").exists()
    assert (root / "etc/ktrdr/ktrdr-broker.conf").exists()  # conffiles stay until purge
    assert dpkg_status(root, "ktrdr-backtest") == "deinstall ok config-files"
    run("dpkg", f"--root={root}", "--force-script-chrootless", "--purge", "ktrdr-backtest")
    assert not (root / "etc/ktrdr").exists()
    assert not (root / "etc/systemd/system/ktrdr-fleet.target.wants").exists()
    assert not [p for p in (root / "etc/systemd/system").iterdir() if p.name.startswith("ktrdr")]
    assert not any(d.exists() for d in state)
    assert (root / "var/lib/ktrdr/models/mine").is_dir()  # the admin's models and data stay
    assert "ktrdr:" in (root / "etc/passwd").read_text()  # Debian keeps system users
