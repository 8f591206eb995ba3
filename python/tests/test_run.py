"""ktrdr_backtest.run(): the same numbers as the CLI and as the reference's golden case, from every kind of
data argument."""
import numpy as np
import pandas as pd
import pytest

import ktrdr_backtest as kb
from conftest import EXAMPLE_DATA, EXAMPLE_MODEL, GOLDEN, cli_run

TIMING = ("execution_time_seconds", "phase_seconds")


def run_golden(case, data=None, **kw):
    args = dict(symbol=case["symbol"], timeframe=case["timeframe"], start=case["start_date"],
                end=case["end_date"], capital=case["initial_capital"], commission=case["commission"],
                slippage=case["slippage"], mode="ktrdr")
    args.update(kw)
    return kb.run(GOLDEN / "model", GOLDEN / "data" if data is None else data, **args)


def ts(text):
    return pd.Timestamp(text).tz_convert("UTC") if pd.Timestamp(text).tzinfo else pd.Timestamp(text, tz="UTC")


def test_golden_v1_bench12_in_ktrdr_mode_equals_the_reference_exactly(golden_case, golden_expected):
    r = run_golden(golden_case)
    assert r.metrics == golden_expected["metrics"]  # all 22, bit for bit
    assert len(r.metrics) == 22
    want = golden_expected["trades"]
    assert len(r.trades) == len(want) == 61
    for i, (got, exp) in enumerate(zip(r.trades.itertuples(index=False), want)):
        for key in ("side", "quantity", "entry_price", "exit_price", "gross_pnl", "commission", "slippage",
                    "net_pnl", "holding_period_hours", "max_favorable_excursion", "max_adverse_excursion"):
            assert getattr(got, key) == exp[key], f"trade {i} {key}"
        assert got.entry_time == ts(exp["entry_time"]) and got.exit_time == ts(exp["exit_time"]), f"trade {i}"
    curve = golden_expected["equity_curve"]
    assert len(r.equity_curve) == len(curve) == 2950
    assert list(r.equity_curve.index) == [ts(p["timestamp"]) for p in curve]
    assert r.equity_curve.portfolio_value.tolist() == [p["portfolio_value"] for p in curve]
    assert r.equity_curve.position.astype(str).tolist() == [p["position"] for p in curve]
    assert r.summary["final_capital"] == golden_expected["final"]["capital"]


def assert_same_as_document(r, doc):
    """Every member of the CLI's result document, timings aside, with exact values."""
    assert r.metrics == doc["metrics"]
    assert r.extended == doc["extended"]
    for key, value in doc.items():
        if key in TIMING or key in ("metrics", "extended", "trades", "equity_curve"):
            continue
        if key in ("trade_count", "equity_curve_length"):
            continue
        assert r[key] == value, key
    assert doc["trade_count"] == len(r.trades) and doc["equity_curve_length"] == len(r.equity_curve)
    from_doc = kb.BacktestResult.from_json(doc)
    pd.testing.assert_frame_equal(r.trades, from_doc.trades, check_exact=True)
    pd.testing.assert_frame_equal(r.equity_curve, from_doc.equity_curve, check_exact=True)


def test_the_example_equals_the_cli_result_document(tmp_path):
    doc = cli_run(tmp_path, ["--model", str(EXAMPLE_MODEL), "--data-dir", str(EXAMPLE_DATA), "--timeframe", "1h",
                             "--start", "2022-01-03", "--end", "2022-12-30", "--capital", "50000",
                             "--commission", "0.0007", "--slippage", "0.0002", "--position-fraction", "0.5"])
    r = kb.run(EXAMPLE_MODEL, EXAMPLE_DATA, timeframe="1h", start="2022-01-03", end="2022-12-30", capital=50000,
               commission=0.0007, slippage=0.0002, position_fraction=0.5)
    assert r["mode"] == "corrected" and r["config"]["position_fraction"] == 0.5
    assert len(r.trades) > 10  # a real run, not an empty one
    assert_same_as_document(r, doc)


def test_a_dataframe_a_csv_file_and_the_data_directory_give_the_same_result(golden_case):
    from_dir = run_golden(golden_case)
    csv = GOLDEN / "data/SYNTH_1h.csv"
    from_file = run_golden(golden_case, data=csv)
    frame = pd.read_csv(csv, index_col=0, parse_dates=True)
    from_frame = run_golden(golden_case, data=frame)
    from_dict = run_golden(golden_case, data={"1h": frame.rename_axis("Date").reset_index()})
    for other in (from_file, from_frame, from_dict):
        assert other.metrics == from_dir.metrics
        pd.testing.assert_frame_equal(other.trades, from_dir.trades, check_exact=True)
        pd.testing.assert_frame_equal(other.equity_curve, from_dir.equity_curve, check_exact=True)


def test_bounds_as_timestamps_dates_and_a_tz_aware_index_select_the_same_bars(golden_case):
    base = run_golden(golden_case, start="2020-02-03", end="2020-04-30T23:00:00Z")
    frame = pd.read_csv(GOLDEN / "data/SYNTH_1h.csv", index_col=0, parse_dates=True)
    frame.index = frame.index.tz_convert("America/New_York")  # same instants, another zone
    import datetime as dt
    other = run_golden(golden_case, data=frame, start=dt.date(2020, 2, 3),
                       end=pd.Timestamp("2020-04-30 19:00", tz="America/New_York"))
    assert other.metrics == base.metrics
    assert other["start_time"] == "2020-02-03T00:00:00Z" and other["end_time"] == "2020-04-30T23:00:00Z"
    assert other.equity_curve.index[0] >= pd.Timestamp("2020-02-03", tz="UTC")
    assert other.equity_curve.index[-1] == pd.Timestamp("2020-04-30 23:00", tz="UTC")


def test_modes_differ_and_costs_are_applied(golden_case):
    ktrdr = run_golden(golden_case)
    corrected = run_golden(golden_case, mode="corrected")
    assert corrected["mode"] == "corrected"
    assert corrected.metrics != ktrdr.metrics
    free = run_golden(golden_case, commission=0.0, slippage=0.0)
    assert (free.trades.commission == 0).all() and (free.trades.slippage == 0).all()
    # gross P&L without slippage: quantity x price move at the raw fills
    assert (free.trades.net_pnl == free.trades.gross_pnl).all()


def test_progress_callback_sees_the_run_and_can_stop_it(golden_case):
    frame = pd.read_csv(GOLDEN / "data/SYNTH_1h.csv", index_col=0, parse_dates=True)
    # 8 copies of the series back to back (shifted in time) so that the loop reports progress several times
    parts = []
    span = frame.index[-1] - frame.index[0] + pd.Timedelta(weeks=1)
    for k in range(8):
        part = frame.copy()
        part.index = part.index + k * (span - span % pd.Timedelta(weeks=1) + pd.Timedelta(weeks=1))
        parts.append(part)
    long = pd.concat(parts)
    seen = []
    r = kb.run(GOLDEN / "model", long, mode="ktrdr", progress=seen.append)
    assert len(long) == 24000 and r["bars"] == 24000
    assert len(seen) >= 2
    pct = [p["percentage"] for p in seen]
    assert pct == sorted(pct) and pct[-1] == 100.0
    assert seen[-1]["bars_done"] == seen[-1]["bars_total"] == r["loop_bars"]
    assert seen[-1]["trades"] == len(r.trades)

    class Stop(Exception):
        pass

    def stop(p):
        raise Stop(p["percentage"])

    with pytest.raises(Stop):
        kb.run(GOLDEN / "model", long, mode="ktrdr", progress=stop)


def test_engine_errors_name_the_value_and_the_fix(golden_case):
    with pytest.raises(kb.Error, match="mode 'fast' is unknown: use ktrdr or corrected"):
        run_golden(golden_case, mode="fast")
    with pytest.raises(ValueError, match=r"initial_capital must be a positive number \(got -1\)"):
        run_golden(golden_case, capital=-1)
    with pytest.raises(ValueError, match="no data file .*NOPE_1h.csv"):
        run_golden(golden_case, symbol="NOPE")
    with pytest.raises(ValueError, match=r"DataFrame has no 4h bars \(it holds 1h\)"):
        run_golden(golden_case, data={"1h": pd.read_csv(GOLDEN / "data/SYNTH_1h.csv", index_col=0,
                                                      parse_dates=True)}, timeframe="4h")
    with pytest.raises(ValueError, match="DataFrame 1h: no bars between 2030-01-01T00:00:00Z"):
        run_golden(golden_case, data=pd.read_csv(GOLDEN / "data/SYNTH_1h.csv", index_col=0, parse_dates=True),
                   start="2030-01-01", end="2030-02-01")
    with pytest.raises(ValueError, match="does not exist"):
        run_golden(golden_case, data="/nonexistent/data")
    with pytest.raises(TypeError, match="start must be None, a string"):
        run_golden(golden_case, start=3)


def test_load_result_reads_the_cli_document(tmp_path):
    doc = cli_run(tmp_path, ["--model", str(EXAMPLE_MODEL), "--data-dir", str(EXAMPLE_DATA), "--mode", "ktrdr",
                             "--start", "2021-03-01", "--end", "2021-06-30"])
    r = kb.load_result(tmp_path / "cli.json")
    assert r.metrics == doc["metrics"]
    assert r.trades.net_pnl.tolist() == [t["net_pnl"] for t in doc["trades"]]
    forced = [bool(t["decision_metadata"].get("forced", False)) for t in doc["trades"]]
    assert r.trades.forced.tolist() == forced
    assert np.isnan(r.trades.confidence[r.trades.forced]).all()
