"""BacktestResult: one backtest's metrics (dicts) and its trades and equity curve (pandas DataFrames).

Built from the engine's structs by run() (numpy columns from _core, no JSON), or from the result document
(`ktrdr-backtest run --output`, a fleet operation's results) by from_json(); both give equal frames.
"""
import json

import numpy as np
import pandas as pd

from . import _core

# Trade columns, in this order (the result document's trade members, with decision_metadata flattened to
# confidence and forced).
TRADE_COLUMNS = ("trade_id", "symbol", "side", "entry_time", "entry_price", "exit_time", "exit_price", "quantity",
                 "gross_pnl", "commission", "slippage", "net_pnl", "holding_period_hours",
                 "max_favorable_excursion", "max_adverse_excursion", "return_pct", "confidence", "forced")
_TRADE_DTYPES = {"trade_id": np.int64, "quantity": np.int64, "forced": bool, "symbol": object, "side": object}
# Members of the result document that are not summary values.
_NOT_SUMMARY = ("metrics", "extended", "trades", "equity_curve", "decisions", "trade_count",
                "equity_curve_length")


def _utc(ts_ns):
    return pd.DatetimeIndex(pd.to_datetime(np.asarray(ts_ns, dtype=np.int64), unit="ns", utc=True))


def _trades_frame(columns):
    data = {}
    for name in TRADE_COLUMNS:
        values = columns[name]
        if name.endswith("_time"):
            data[name] = pd.Series(_utc(values))
        else:
            data[name] = pd.Series(np.asarray(values, dtype=_TRADE_DTYPES.get(name, np.float64)))
    return pd.DataFrame(data, columns=list(TRADE_COLUMNS))


def _equity_frame(columns):
    index = _utc(columns["timestamp"])
    index.name = "timestamp"
    position = pd.Categorical.from_codes(np.asarray(columns["position"], dtype=np.int8),
                                         categories=list(_core.POSITION_NAMES))
    return pd.DataFrame({"price": np.asarray(columns["price"], dtype=np.float64),
                         "portfolio_value": np.asarray(columns["portfolio_value"], dtype=np.float64),
                         "position": position}, index=index)


def _number(value):
    return np.nan if value is None else value  # the document writes non-finite numbers as null


class BacktestResult:
    """metrics: the 22 reference metrics (dict, reference names, sanitised as the result document);
    extended: the extended block (dict); trades: DataFrame, one row per closed trade (TRADE_COLUMNS);
    equity_curve: DataFrame indexed by bar time (UTC) with price, portfolio_value, position;
    summary: the document's other members (strategy_name, symbol, timeframe, mode, config, final_capital,
    bars, loop_bars, execution_time_seconds, ...). result["metrics"] etc. work as on the JSON document."""

    def __init__(self, metrics, extended, trades, equity_curve, summary):
        self.metrics = metrics
        self.extended = extended
        self.trades = trades
        self.equity_curve = equity_curve
        self.summary = summary

    @classmethod
    def _from_core(cls, d):
        summary = {k: v for k, v in d.items() if k not in _NOT_SUMMARY}
        return cls(d["metrics"], d["extended"], _trades_frame(d["trades"]), _equity_frame(d["equity_curve"]),
                   summary)

    @classmethod
    def from_json(cls, document):
        """From the result document: its text, bytes, or the parsed dict."""
        doc = json.loads(document) if isinstance(document, (str, bytes, bytearray)) else document
        trades = doc.get("trades", [])
        columns = {name: [] for name in TRADE_COLUMNS}
        for t in trades:
            meta = t.get("decision_metadata") or {}
            for name in TRADE_COLUMNS:
                if name == "confidence":
                    value = _number(meta.get("confidence"))
                elif name == "forced":
                    value = bool(meta.get("forced", False))
                else:
                    value = t[name]
                columns[name].append(value)
        for name in ("entry_time", "exit_time"):
            columns[name] = _core.parse_timestamps(columns[name], "result trades")
        for name in TRADE_COLUMNS:
            if _TRADE_DTYPES.get(name, np.float64) is np.float64:
                columns[name] = [_number(v) for v in columns[name]]
        curve = doc.get("equity_curve", [])
        names = list(_core.POSITION_NAMES)
        equity = {
            "timestamp": _core.parse_timestamps([p["timestamp"] for p in curve], "result equity_curve"),
            "price": [_number(p["price"]) for p in curve],
            "portfolio_value": [_number(p["portfolio_value"]) for p in curve],
            "position": [names.index(p["position"]) for p in curve],
        }
        summary = {k: v for k, v in doc.items() if k not in _NOT_SUMMARY}
        return cls(doc["metrics"], doc["extended"], _trades_frame(columns), _equity_frame(equity), summary)

    def __getitem__(self, key):
        if key in ("metrics", "extended", "trades", "equity_curve"):
            return getattr(self, key)
        return self.summary[key]

    def __contains__(self, key):
        return key in ("metrics", "extended", "trades", "equity_curve") or key in self.summary

    def __repr__(self):
        m = self.metrics
        return (f"<BacktestResult {self.summary.get('strategy_name', '')} {self.summary.get('symbol', '')} "
                f"{self.summary.get('timeframe', '')} {self.summary.get('mode', '')}: "
                f"total_return {m['total_return']:.2f}, {m['total_trades']} trades, "
                f"sharpe {m['sharpe_ratio']:.3f}, max_drawdown_pct {m['max_drawdown_pct']:.4f}, "
                f"{len(self.equity_curve)} equity points>")
