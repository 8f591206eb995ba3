"""pandas OHLCV data -> the engine's bars (_core.Bars), with the CSV loader's rules.

A DataFrame needs open, high, low, close and volume columns (names matched case-insensitively, the first of
each kept, as the CSV loader does) and its bar-open times: a DatetimeIndex, or else a column named timestamp,
datetime, date or time. Naive times are UTC; tz-aware ones are converted to UTC. Texts are parsed by the CSV
loader's own parser (ISO-8601 or YYYY-MM-DD). Rows must be sorted, without duplicates, NaN or infinities
(checked in C++, bars_from_columns); negative volume becomes 0.
"""
import os

import numpy as np
import pandas as pd

from . import _core

OHLCV = ("open", "high", "low", "close", "volume")
TIMESTAMP_NAMES = ("timestamp", "datetime", "date", "time")


def _columns_by_name(df):
    by_name = {}
    for col in df.columns:
        by_name.setdefault(str(col).strip().lower(), col)
    return by_name


def _timestamps_ns(values, what, origin):
    """int64 ns UTC (NaT as the int64 minimum, rejected by _core) from an index or a column."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.tz_convert("UTC").tz_localize(None) if isinstance(values, pd.Index) \
            else values.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return np.ascontiguousarray(values.to_numpy(dtype="datetime64[ns]").view(np.int64))
    if pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype):
        items = list(values)
        if all(isinstance(v, str) for v in items):
            return _core.parse_timestamps(items, origin)
        try:
            parsed = pd.to_datetime(pd.Series(items), utc=True)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{origin}: {what} holds values that are not times ({e}); convert it with "
                            f"pd.to_datetime()") from None
        return _timestamps_ns(parsed, what, origin)
    raise TypeError(f"{origin}: {what} has dtype {values.dtype}, not times; convert it with pd.to_datetime() "
                    f"(e.g. pd.to_datetime(values, unit='s') for epoch seconds)")


def _numbers(series, name, origin):
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        raise TypeError(f"{origin}: column '{name}' has dtype {dtype}, not numbers; convert it with "
                        f"pd.to_numeric(df['{name}'])")
    return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))


def bars_from_frame(df, origin="DataFrame"):
    """One DataFrame -> _core.Bars (raises TypeError / ValueError naming the column or row and the fix)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{origin}: expected a pandas DataFrame, got {type(df).__name__}")
    by_name = _columns_by_name(df)
    missing = [n for n in OHLCV if n not in by_name]
    if missing:
        raise ValueError(f"{origin}: missing column(s) {', '.join(missing)}; the DataFrame needs open, high, low, "
                         f"close and volume columns (any case) and a DatetimeIndex or a timestamp column "
                         f"(has columns {', '.join(map(str, df.columns)) or 'none'})")
    if isinstance(df.index, pd.DatetimeIndex):
        ts = _timestamps_ns(df.index, "the index", origin)
    else:
        name = next((n for n in TIMESTAMP_NAMES if n in by_name), None)
        if name is None:
            raise ValueError(f"{origin}: no bar times: use a DatetimeIndex (df.set_index('timestamp')) or a column "
                             f"named {', '.join(TIMESTAMP_NAMES)} (the index is a {type(df.index).__name__})")
        col = by_name[name]
        ts = _timestamps_ns(df[col], f"column '{col}'", origin)
    cols = [_numbers(df[by_name[n]], by_name[n], origin) for n in OHLCV]
    return _core.Bars(ts, *cols, origin=origin)


def bars_argument(data):
    """run()'s data -> (data_dir or None, {timeframe or "": Bars})."""
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if os.path.isdir(path):
            return path, {}
        if os.path.isfile(path):
            return None, {"": _core.Bars.from_csv(path)}
        raise ValueError(f"data path {path} does not exist: give a data directory ({{symbol}}_{{timeframe}}.csv) "
                         f"or a CSV file")
    if isinstance(data, pd.DataFrame):
        return None, {"": bars_from_frame(data)}
    if isinstance(data, dict):
        if not data:
            raise ValueError("data: the dict is empty; map each timeframe ('1h', '4h', ...) to its DataFrame")
        bars = {}
        for tf, df in data.items():
            if not isinstance(tf, str):
                raise TypeError(f"data: keys must be timeframes such as '1h', got {tf!r}")
            bars[tf] = bars_from_frame(df, origin=f"DataFrame {tf}")
        return None, bars
    raise TypeError(f"data must be a pandas DataFrame, a dict of DataFrames by timeframe, or a path; got "
                    f"{type(data).__name__}")
