"""start/end arguments -> the text the engine and the protocol carry ("" = open)."""
import datetime as dt


def time_text(value, what):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    import pandas as pd
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        text = ts.strftime("%Y-%m-%dT%H:%M:%S")
        if ts.microsecond or ts.nanosecond:
            text += f".{ts.microsecond:06d}"
        return text + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{what} must be None, a string, a date, a datetime or a pandas Timestamp; got "
                    f"{type(value).__name__}")
