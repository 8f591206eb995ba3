"""ktrdr-backtest from Python.

    import ktrdr_backtest as kb
    r = kb.run("examples/models/example_mlp/1h_v1", data="examples/data", timeframe="1h")
    r.metrics["sharpe_ratio"], r.trades, r.equity_curve.portfolio_value

    fleet = kb.Fleet("tcp://127.0.0.1:5555", progress="tcp://127.0.0.1:5558")
    op = fleet.submit("example_mlp", timeframe="1h", start="2022-01-03", end="2022-12-30")
    fleet.wait(op, progress=lambda p: print(f"{p['percentage']:.0f}%")); r = fleet.results(op)

run() backtests in this process with the engine of `ktrdr-backtest run` (same numbers); Fleet submits to a
ktrdr-broker and follows the operations. Errors in the inputs raise ValueError / TypeError (engine errors are
ktrdr_backtest.Error, a ValueError) naming the value and the fix; broker replies that are not ok raise
FleetError ("not_found: ..."), silence BrokerUnreachable (a FleetError).
"""
import os as _os

from . import _core
from ._bars import bars_argument as _bars_argument
from ._bars import bars_from_frame
from ._fleet import Fleet
from ._result import TRADE_COLUMNS, BacktestResult
from ._times import time_text as _time_text

Error = _core.Error
FleetError = _core.FleetError
BrokerUnreachable = _core.BrokerUnreachable
DEFAULTS = dict(_core.DEFAULTS)

__all__ = ["run", "Fleet", "BacktestResult", "Error", "FleetError", "BrokerUnreachable", "DEFAULTS",
           "TRADE_COLUMNS", "bars_from_frame", "load_result"]


def run(model_dir, data, *, symbol=None, timeframe=None, start=None, end=None, mode=DEFAULTS["mode"],
        capital=DEFAULTS["capital"], commission=DEFAULTS["commission"], slippage=DEFAULTS["slippage"],
        position_fraction=DEFAULTS["position_fraction"], progress=None):
    """One backtest in this process; returns a BacktestResult.

    model_dir: a reference model directory (metadata_v3.json, config.json, features.json, model.pt).
    data: a pandas DataFrame (OHLCV, DatetimeIndex or timestamp column; the run's timeframe), a dict
      {timeframe: DataFrame} (multi-timeframe strategies), a data directory holding {symbol}_{timeframe}.csv,
      or one CSV file.
    symbol, timeframe: default the model's first training symbol and its base timeframe.
    start, end: inclusive bounds (str as the CLI's --start/--end, date, datetime, Timestamp; naive = UTC).
    mode: "corrected" or "ktrdr" (reproduces the reference, as-is behaviours included; docs/modes.md).
    capital, commission (fraction per leg), slippage (fraction of price), position_fraction (of capital).
    progress: called with a dict (percentage, bars_done, bars_total, equity, trades, bars_per_second, ...)
      every 10 000 bars; an exception it raises stops the run and is raised here (so does Ctrl-C).
    """
    data_dir, bars = _bars_argument(data)
    out = _core.run(_os.fspath(model_dir), data_dir=data_dir, bars=bars, symbol=symbol or "",
                    timeframe=timeframe or "", start=_time_text(start, "start"), end=_time_text(end, "end"),
                    mode=mode, capital=capital, commission=commission, slippage=slippage,
                    position_fraction=position_fraction, progress=progress)
    return BacktestResult._from_core(out)


def load_result(path):
    """A result document written by `ktrdr-backtest run --output` (or `ktrdr-submit results`)."""
    with open(path, "rb") as f:
        return BacktestResult.from_json(f.read())
