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
