"""ktrdr_backtest.Fleet against a real broker and worker (processes, ipc:// sockets): submit the example,
follow it, and get the same numbers as run() in this process; status, list, cancel, resume, errors."""
import pandas as pd
import pytest

import ktrdr_backtest as kb
from conftest import EXAMPLE_MODEL

RANGE = dict(timeframe="1h", start="2022-01-03", end="2022-12-30")


def assert_same_result(remote, local):
    assert remote.metrics == local.metrics
    assert remote.extended == local.extended
    pd.testing.assert_frame_equal(remote.trades, local.trades, check_exact=True)
    pd.testing.assert_frame_equal(remote.equity_curve, local.equity_curve, check_exact=True)


def test_the_example_through_the_fleet_equals_run_in_process(local_fleet):
    local_fleet.start_broker()
    local_fleet.start_worker("w1")
    fleet = local_fleet.client()
    seen = []
    op = fleet.submit("example_mlp", mode="ktrdr", capital=50000, **RANGE)
    assert op.startswith("op_backtesting_")
    final = fleet.wait(op, timeout=120, progress=seen.append)
    assert final["state"] == "completed", local_fleet.logs()
    assert final["job"]["strategy"] == "example_mlp" and final["job"]["initial_capital"] == 50000
    assert final["worker_id"] == "w1"
    assert seen and seen[-1]["percentage"] == 100.0 and seen[-1]["op_id"] == op
    assert [p["percentage"] for p in seen] == sorted(p["percentage"] for p in seen)
    remote = fleet.results(op)
    local = kb.run(EXAMPLE_MODEL, local_fleet.data, mode="ktrdr", capital=50000, **RANGE)
    assert len(local.trades) > 10
    assert_same_result(remote, local)
    assert remote["mode"] == "ktrdr" and remote["symbol"] == "EXAMPLE"

    workers = fleet.fleet()["workers"]
    assert [(w["worker_id"], w["jobs_done"]) for w in workers] == [("w1", 1)]
    assert [o["op_id"] for o in fleet.list(states=["completed"])] == [op]
    assert fleet.list(states=["running", "pending"]) == []


def test_cancel_resume_and_timeouts_on_a_queued_job(local_fleet):
    local_fleet.start_broker()  # no worker yet: the job stays queued
    fleet = local_fleet.client()
    op = fleet.submit("example_mlp", **RANGE)
    assert fleet.status(op)["state"] == "pending"
    with pytest.raises(TimeoutError, match=f"operation {op} is still pending after 0.3 s"):
        fleet.wait(op, timeout=0.3)
    assert fleet.cancel(op, reason="test")["state"] == "cancelled"
    assert fleet.wait(op, timeout=10)["state"] == "cancelled"
    with pytest.raises(kb.FleetError, match="^not_ready: "):
        fleet.results(op)
    assert fleet.resume(op) == op
    assert fleet.status(op)["state"] in ("resuming", "pending")
    local_fleet.start_worker("w1")
    assert fleet.wait(op, timeout=120)["state"] == "completed", local_fleet.logs()
    assert_same_result(fleet.results(op), kb.run(EXAMPLE_MODEL, local_fleet.data, **RANGE))


def test_errors_name_the_problem(local_fleet):
    local_fleet.start_broker()
    local_fleet.start_worker("w1")
    fleet = local_fleet.client()
    with pytest.raises(kb.FleetError, match="^not_found: .*op_backtesting_20200101_000000_deadbeef"):
        fleet.status("op_backtesting_20200101_000000_deadbeef")
    with pytest.raises(ValueError, match="submit needs a strategy"):
        fleet.submit(**RANGE)
    op = fleet.submit("no_such_strategy", **RANGE)
    final = fleet.wait(op, timeout=60)
    assert final["state"] == "failed"
    assert any("no_such_strategy" in e for e in final["errors"]), final["errors"]
    silent = kb.Fleet(f"ipc://{local_fleet.dir}/nobody-here", timeout=0.2, retries=1)
    with pytest.raises(kb.BrokerUnreachable, match="no reply from the broker at .*nobody-here after 2 attempt"):
        silent.fleet()
    assert issubclass(kb.BrokerUnreachable, kb.FleetError)
