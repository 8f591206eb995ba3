"""Shared fixtures: where the sources and the built binaries are, the golden case and the bundled example,
and the CLI's result document for the same inputs (the numbers run() must reproduce)."""
import json
import os
import pathlib
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("KTRDR_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BINARY_DIR = pathlib.Path(os.environ.get("KTRDR_BINARY_DIR", SOURCE_DIR / "build"))
GOLDEN = SOURCE_DIR / "tests/golden/v1_bench12"
EXAMPLE_MODEL = SOURCE_DIR / "examples/models/example_mlp/1h_v1"
EXAMPLE_DATA = SOURCE_DIR / "examples/data"


def binary(relative):
    path = BINARY_DIR / relative
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path} is not built")
    return path


@pytest.fixture(scope="session")
def golden_case():
    return json.loads((GOLDEN / "case.json").read_text())


@pytest.fixture(scope="session")
def golden_expected():
    return json.loads((GOLDEN / "expected.json").read_text())


def cli_run(tmp_path, args):
    """`ktrdr-backtest run ARGS --output` -> the parsed result document."""
    out = tmp_path / "cli.json"
    subprocess.run([str(binary("client/ktrdr-backtest")), "run", *args, "--output", str(out), "--quiet"],
                   check=True, timeout=120)
    return json.loads(out.read_text())


class LocalFleet:
    """A real ktrdr-broker and ktrdr-workers (the built binaries) on ipc:// endpoints in a temp dir, with the
    bundled example as models root and data dir. Everything is killed and removed by close()."""

    def __init__(self, tmp):
        import shutil
        self.dir = pathlib.Path(tmp)
        self.models = self.dir / "models"
        self.data = self.dir / "data"
        shutil.copytree(SOURCE_DIR / "examples/models", self.models, symlinks=True)
        shutil.copytree(EXAMPLE_DATA, self.data)
        self.ep = {n: f"ipc://{self.dir}/{n}" for n in ("clients", "workers", "progress-in", "progress-out")}
        self.procs = {}

    def _spawn(self, name, args):
        log = open(self.dir / f"{name}.log", "w")
        self.procs[name] = subprocess.Popen([str(a) for a in args], stdout=log, stderr=log)

    def start_broker(self):
        self._spawn("broker", [binary("broker/ktrdr-broker"), *[a for n in self.ep for a in (f"--{n}", self.ep[n])],
                               "--state-dir", self.dir / "broker", "--heartbeat-interval-ms", "250",
                               "--log-level", "debug"])
        self._until(lambda f: f.fleet() is not None, "the broker to answer")

    def start_worker(self, worker_id):
        self._spawn(worker_id, [binary("daemon/ktrdr-worker"), "--broker", self.ep["workers"], "--progress",
                                self.ep["progress-in"], "--id", worker_id, "--models-root", self.models,
                                "--data-dir", self.data, "--state-dir", self.dir / f"{worker_id}-state",
                                "--heartbeat-interval-ms", "250", "--reconnect-max-ms", "1000",
                                "--log-level", "debug"])
        self._until(lambda f: any(w["worker_id"] == worker_id and w["state"] != "dead"
                                  for w in f.fleet()["workers"]), f"worker {worker_id} to register")

    def _until(self, ready, what, timeout=15):
        import time
        import ktrdr_backtest as kb
        fleet = kb.Fleet(self.ep["clients"], timeout=0.3, retries=0)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, p in self.procs.items():
                assert p.poll() is None, f"{name} exited at start\n{self.logs()}"
            try:
                if ready(fleet):
                    return
            except kb.BrokerUnreachable:
                pass
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}\n{self.logs()}")

    def client(self, **kw):
        import ktrdr_backtest as kb
        return kb.Fleet(self.ep["clients"], progress=self.ep["progress-out"], **kw)

    def logs(self):
        return "".join(f"---- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.dir.glob("*.log")))

    def close(self):
        for p in self.procs.values():
            p.terminate()
        for p in self.procs.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@pytest.fixture
def local_fleet():
    import shutil
    import tempfile
    tmp = tempfile.mkdtemp(prefix="kpy-")  # short: ipc:// paths must stay under 107 characters
    f = LocalFleet(tmp)
    try:
        yield f
    finally:
        f.close()
        shutil.rmtree(tmp, ignore_errors=True)
