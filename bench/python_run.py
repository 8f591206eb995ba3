"""Prints what the Python module costs on top of the engine, best of RUNS:

  kb.run() on a DataFrame of BARS bars (the example series repeated): the whole call, the engine's own
  execution_time_seconds inside it, and the rest (DataFrame -> bars, result structs -> numpy -> DataFrames);
  the same result through JSON instead: result_to_json text (ktrdr-backtest run --output) parsed back by
  BacktestResult.from_json, as the fleet's results() do.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_run.py [BARS] [RUNS]   (from the source tree;
       needs build/client/ktrdr-backtest)
"""
import pathlib
import subprocess
import sys
import tempfile
import time

import pandas as pd

import ktrdr_backtest as kb

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODEL = ROOT / "examples/models/example_mlp/1h_v1"
BARS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 3


def long_frame(bars):
    base = pd.read_csv(ROOT / "examples/data/EXAMPLE_1h.csv", index_col=0, parse_dates=True)
    week = pd.Timedelta(weeks=1)
    span = ((base.index[-1] - base.index[0]) // week + 1) * week
    parts = []
    k = 0
    while sum(map(len, parts)) < bars:
        part = base.copy()
        part.index = part.index + k * span
        parts.append(part)
        k += 1
    return pd.concat(parts).iloc[:bars]


def best(f):
    times = []
    out = None
    for _ in range(RUNS):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


frame = long_frame(BARS)
print(f"{len(frame)} bars, best of {RUNS}")
t_bars, _ = best(lambda: kb.bars_from_frame(frame))
t_run, r = best(lambda: kb.run(MODEL, frame))
engine = r["execution_time_seconds"]
print(f"  DataFrame -> bars (checked):           {t_bars * 1e3:8.1f} ms")
print(f"  kb.run(DataFrame) total:               {t_run * 1e3:8.1f} ms")
print(f"    engine (execution_time_seconds):     {engine * 1e3:8.1f} ms")
print(f"    binding (bars in, numpy + frames out): {(t_run - engine) * 1e3:6.1f} ms")
with tempfile.TemporaryDirectory() as d:
    csv = pathlib.Path(d) / "EXAMPLE_1h.csv"
    frame.to_csv(csv, index_label="timestamp", date_format="%Y-%m-%dT%H:%M:%SZ")
    out = pathlib.Path(d) / "r.json"
    cli = [ROOT / "build/client/ktrdr-backtest", "run", "--model", MODEL, "--data-dir", d, "--output", out,
           "--quiet"]
    t_cli, _ = best(lambda: subprocess.run([str(a) for a in cli], check=True))
    text = out.read_bytes()
    t_json, rj = best(lambda: kb.BacktestResult.from_json(text))
print(f"  ktrdr-backtest run --output (process): {t_cli * 1e3:8.1f} ms  ({len(text) / 1e6:.0f} MB of JSON)")
print(f"  BacktestResult.from_json(that JSON):   {t_json * 1e3:8.1f} ms")
assert rj.metrics == r.metrics and len(rj.equity_curve) == len(r.equity_curve)
