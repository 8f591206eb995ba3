"""DataFrame -> bars: the CSV loader's rules, with errors that name the column or row and the fix."""
import numpy as np
import pandas as pd
import pytest

import ktrdr_backtest as kb


def frame(n=4, **overrides):
    idx = pd.date_range("2021-01-04", periods=n, freq="h")
    df = pd.DataFrame({"open": np.arange(n) + 1.0, "high": np.arange(n) + 2.0, "low": np.arange(n) + 0.5,
                       "close": np.arange(n) + 1.5, "volume": np.full(n, 100.0)}, index=idx)
    for k, v in overrides.items():
        df[k] = v
    return df


def test_columns_values_and_times_are_taken_as_given():
    bars = kb.bars_from_frame(frame())
    assert len(bars) == 4
    assert bars.open.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert bars.close.tolist() == [1.5, 2.5, 3.5, 4.5]
    assert bars.ts_ns[0] == pd.Timestamp("2021-01-04", tz="UTC").value
    assert np.diff(bars.ts_ns).tolist() == [3_600_000_000_000] * 3


def test_names_any_case_timestamp_column_texts_and_integers_are_accepted():
    df = frame().reset_index().rename(columns={"index": "Timestamp", "open": "Open", "close": "CLOSE"})
    df["volume"] = np.array([1, 2, 3, 4], dtype=np.int64)
    df["Timestamp"] = ["2021-01-04", "2021-01-04T01:00:00Z", "2021-01-04 02:00", " 2021-01-04T03:00:00+00:00"]
    bars = kb.bars_from_frame(df)
    assert bars.volume.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert bars.ts_ns.tolist() == kb.bars_from_frame(frame()).ts_ns.tolist()


def test_tz_aware_times_are_converted_to_utc():
    df = frame()
    df.index = df.index.tz_localize("Europe/Paris")
    assert kb.bars_from_frame(df).ts_ns[0] == pd.Timestamp("2021-01-03 23:00", tz="UTC").value


def test_negative_volume_becomes_zero_as_in_the_csv_loader():
    assert kb.bars_from_frame(frame(volume=[-1.0, 5.0, -3.0, 0.0])).volume.tolist() == [0.0, 5.0, 0.0, 0.0]


def test_not_a_dataframe_is_a_type_error():
    with pytest.raises(TypeError, match="expected a pandas DataFrame, got list"):
        kb.bars_from_frame([1, 2])
    with pytest.raises(TypeError, match="data must be a pandas DataFrame, a dict of DataFrames by timeframe, or a "
                                        "path; got int"):
        kb.run("model", 3)


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"DataFrame: missing column\(s\) high, volume; the DataFrame needs open, "
                                         r"high, low, close and volume"):
        kb.bars_from_frame(frame().drop(columns=["high", "volume"]))


def test_no_bar_times_is_named():
    with pytest.raises(ValueError, match=r"no bar times: use a DatetimeIndex .*\(the index is a RangeIndex\)"):
        kb.bars_from_frame(frame().reset_index(drop=True))


def test_epoch_numbers_and_unparsable_texts_are_rejected():
    df = frame().reset_index(drop=True)
    df["timestamp"] = [1609718400, 1609722000, 1609725600, 1609729200]
    with pytest.raises(TypeError, match="column 'timestamp' has dtype int64, not times; convert it with "
                                        r"pd.to_datetime\(\)"):
        kb.bars_from_frame(df)
    df["timestamp"] = ["2021-01-04", "2021-01-04T01:00", "yesterday", "2021-01-04T03:00"]
    with pytest.raises(ValueError, match="DataFrame: row 2: cannot parse timestamp 'yesterday'"):
        kb.bars_from_frame(df)


def test_text_prices_are_a_type_error_naming_the_column():
    with pytest.raises(TypeError, match=r"column 'close' has dtype object, not numbers; convert it with "
                                        r"pd.to_numeric\(df\['close'\]\)"):
        kb.bars_from_frame(frame(close=["1", "2", "3", "4"]))


def test_nan_and_infinity_are_named_with_row_and_time():
    with pytest.raises(ValueError, match=r"DataFrame: row 2 \(2021-01-04T02:00:00Z\): low is NaN; drop or fill "
                                         r"such rows"):
        kb.bars_from_frame(frame(low=[1.0, 1.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match=r"row 1 \(2021-01-04T01:00:00Z\): volume is infinite"):
        kb.bars_from_frame(frame(volume=[1.0, np.inf, 1.0, 1.0]))


def test_missing_times_are_named():
    df = frame()
    df.index = pd.DatetimeIndex([df.index[0], pd.NaT, df.index[2], df.index[3]])
    with pytest.raises(ValueError, match=r"row 1: the timestamp is missing \(NaT\)"):
        kb.bars_from_frame(df)


def test_unsorted_and_duplicate_times_are_named_with_the_fix():
    df = frame()
    with pytest.raises(ValueError, match=r"row 2: timestamp 2021-01-04T01:00:00Z is before the previous row's "
                                         r"2021-01-04T03:00:00Z; sort the data \(e.g. df.sort_index\(\)\)"):
        kb.bars_from_frame(df.iloc[[0, 3, 1, 2]])
    with pytest.raises(ValueError, match="row 2: duplicate timestamp 2021-01-04T01:00:00Z; drop duplicates"):
        kb.bars_from_frame(df.iloc[[0, 1, 1, 2]])


def test_an_empty_frame_is_rejected():
    with pytest.raises(ValueError, match="DataFrame: no rows"):
        kb.bars_from_frame(frame().iloc[:0])
