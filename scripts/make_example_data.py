#!/usr/bin/env python3
"""Writes the bundled example's OHLCV file: examples/data/EXAMPLE_1h.csv (plain python3, stdlib only).

Synthetic FX-like hourly bars (weekdays only, Monday 00:00 to Friday 23:00 UTC) from 2021-01-04 to
2023-01-06, around 1.10. The price switches between regimes (up trend, down trend, range, choppy) that
last 1-3 weeks, so a model trained on momentum/trend features has something to learn. Volatility follows
the trading sessions (quiet Asian hours, busy London/New York overlap). Fixed seed: the file is
reproducible byte for byte.

usage: python3 scripts/make_example_data.py [--out examples/data/EXAMPLE_1h.csv] [--seed 7]
"""
import argparse
import datetime as dt
import math
import os
import random

REGIMES = {
    # name: (drift per hour in log price, volatility multiplier, mean reversion strength)
    "up": (0.00022, 1.0, 0.0),
    "down": (-0.00022, 1.0, 0.0),
    "range": (0.0, 0.8, 0.02),
    "choppy": (0.0, 1.5, 0.005),
}
TRANSITIONS = {  # next-regime weights
    "up": {"range": 3, "down": 2, "choppy": 1},
    "down": {"range": 3, "up": 2, "choppy": 1},
    "range": {"up": 3, "down": 3, "choppy": 1},
    "choppy": {"up": 2, "down": 2, "range": 2},
}


def session_vol(hour):
    if 7 <= hour < 12:
        return 1.3  # London
    if 12 <= hour < 16:
        return 1.6  # London / New York overlap
    if 16 <= hour < 21:
        return 1.0
    return 0.55  # Asia / late


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="examples/data/EXAMPLE_1h.csv")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--start", default="2021-01-04")
    ap.add_argument("--end", default="2023-01-06")  # inclusive day
    args = ap.parse_args()

    rng = random.Random(args.seed)
    t = dt.datetime.fromisoformat(args.start).replace(tzinfo=dt.timezone.utc)
    end = dt.datetime.fromisoformat(args.end).replace(tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
    base_sigma = 0.0011  # hourly log-return volatility at multiplier 1

    log_p = math.log(1.10)
    anchor = log_p
    regime = "range"
    left = rng.randint(120, 360)
    prev_close = 1.10
    rows = []
    while t < end:
        if t.weekday() >= 5:  # no weekend bars
            t += dt.timedelta(hours=1)
            continue
        if left <= 0:
            choices = TRANSITIONS[regime]
            regime = rng.choices(list(choices), weights=list(choices.values()))[0]
            left = rng.randint(120, 360)
            anchor = log_p
        left -= 1
        drift, vol_mult, revert = REGIMES[regime]
        sigma = base_sigma * vol_mult * session_vol(t.hour)
        # Monday open: a small weekend gap
        gap = rng.gauss(0.0, base_sigma * 1.5) if (t.weekday() == 0 and t.hour == 0) else 0.0
        open_p = prev_close * math.exp(gap)
        log_p = math.log(open_p)
        ret = drift + revert * (anchor - log_p) + rng.gauss(0.0, sigma)
        close_p = open_p * math.exp(ret)
        wick_hi = abs(rng.gauss(0.0, sigma * 0.6))
        wick_lo = abs(rng.gauss(0.0, sigma * 0.6))
        o = round(open_p, 5)
        c = round(close_p, 5)
        h = round(max(open_p, close_p) * math.exp(wick_hi), 5)
        lo = round(min(open_p, close_p) * math.exp(-wick_lo), 5)
        h = max(h, o, c)
        lo = min(lo, o, c)
        volume = int(rng.lognormvariate(math.log(1200.0), 0.35) * session_vol(t.hour) * vol_mult)
        rows.append(f"{t.strftime('%Y-%m-%dT%H:%M:%SZ')},{o:.5f},{h:.5f},{lo:.5f},{c:.5f},{volume}")
        prev_close = c
        log_p = math.log(c)
        t += dt.timedelta(hours=1)

    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w", newline="\n") as fh:
        fh.write("timestamp,open,high,low,close,volume\n")
        fh.write("\n".join(rows) + "\n")
    print(f"wrote {args.out}: {len(rows)} bars, {rows[0].split(',')[0]} .. {rows[-1].split(',')[0]}")


if __name__ == "__main__":
    main()
