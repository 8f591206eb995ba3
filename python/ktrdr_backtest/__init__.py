"""ktrdr-backtest from Python.

    import ktrdr_backtest as kb
    r = kb.run("examples/models/example_mlp/1h_v1", data="examples/data", timeframe="1h")
    r.metrics["sharpe_ratio"], r.trades, r.equity_curve.portfolio_value

run() backtests in this process with the engine of `ktrdr-backtest run` (same numbers); Fleet submits to a
ktrdr-broker and follows the operations. Errors in the inputs raise ValueError / TypeError (engine errors are
ktrdr_backtest.Error, a ValueError) naming the value and the fix.
"""
import datetime as _dt
import os as _os

from . import _core
from ._bars import bars_argument as _bars_argument
from ._bars import bars_from_frame
from ._result import TRADE_COLUMNS, BacktestResult

Error = _core.Error
DEFAULTS = dict(_core.DEFAULTS)

__all__ = ["run", "BacktestResult", "Error", "DEFAULTS", "TRADE_COLUMNS", "bars_from_frame", "load_result"]


def _time_text(value, what):
    """start/end -> the text the engine parses ("" = open)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    import pandas as pd
    if isinstance(value, (pd.Timestamp, _dt.datetime)):
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        text = ts.strftime("%Y-%m-%dT%H:%M:%S")
        if ts.microsecond or ts.nanosecond:
            text += f".{ts.microsecond:06d}"
        return text + "Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"{what} must be None, a string, a date, a datetime or a pandas Timestamp; got "
                    f"{type(value).__name__}")


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
