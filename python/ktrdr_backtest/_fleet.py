"""Fleet: a ktrdr-broker's client (submit, status, wait with a progress callback, results, cancel, resume).

The protocol is the C++ one (ktrdr/proto, bound by _core.FleetClient): this file only shapes calls and
follows an operation. Operations and fleet status come back as dicts (states by their protocol names:
pending, running, completed, failed, cancelled, resuming).
"""
import time
import uuid

from . import _core
from ._result import BacktestResult
from ._times import time_text

DEFAULTS = dict(_core.DEFAULTS)


class Fleet:
    """Fleet("tcp://broker:5555", progress="tcp://broker:5558"): the broker's client endpoint (its `clients`
    ROUTER) and, optionally, its progress feed (`progress-out`) for live progress in wait(); without it,
    wait() polls the operation's status. timeout (seconds) bounds each request; retries re-sends it on a
    fresh socket (then BrokerUnreachable)."""

    def __init__(self, endpoint, progress=None, *, timeout=2.5, retries=2):
        self._client = _core.FleetClient(endpoint, int(timeout * 1000), int(retries) + 1)
        self.endpoint = endpoint
        self.progress_endpoint = progress

    def submit(self, strategy=None, *, model=None, model_version=0, symbol=None, timeframe=None, start=None,
               end=None, mode=DEFAULTS["mode"], capital=DEFAULTS["capital"], commission=DEFAULTS["commission"],
               slippage=DEFAULTS["slippage"], position_fraction=DEFAULTS["position_fraction"], key=None):
        """Queues a backtest; returns its operation id. The worker resolves the model under its models root:
        {strategy}/{timeframe}_latest (or the highest _v{N}, or _v{model_version}), or `model` (a directory
        relative to the root). `key`: idempotency key (default: a fresh one per call, so that a re-sent
        request never starts the job twice)."""
        if not strategy and not model:
            raise ValueError("submit needs a strategy (models root/{strategy}/...) or a model directory")
        return self._client.start(strategy or "", model or "", int(model_version), symbol or "", timeframe or "",
                                  time_text(start, "start"), time_text(end, "end"), float(capital),
                                  float(commission), float(slippage), float(position_fraction), mode, "backtest",
                                  key or uuid.uuid4().hex)

    def status(self, op):
        """The operation as a dict (op_id, state, job, progress, attempts, worker_id, errors, ...)."""
        ops, _ = self._client.status(op)
        return ops[0]

    def fleet(self):
        """The fleet: workers (id, state, current op), queue_length, running, operations."""
        return self._client.status("")[1]

    def list(self, states=(), limit=100, offset=0):
        """Operations, newest first (states: e.g. ["running", "pending"]; empty = all)."""
        return self._client.list(list(states), int(limit), int(offset))

    def cancel(self, op, reason=""):
        """Stops the job (a checkpoint is kept for resume); returns the operation."""
        return self._client.cancel(op, reason)[0]

    def resume(self, op):
        """Continues a cancelled or failed job from its latest checkpoint; returns the operation id."""
        return self._client.resume(op)

    def results(self, op):
        """The completed operation's result as a BacktestResult (the worker's result document)."""
        _, document = self._client.results(op)
        return BacktestResult.from_json(document)

    def wait(self, op, timeout=None, progress=None, poll=0.5):
        """Waits until the operation ends (completed, failed or cancelled) and returns its final status.
        progress(dict) is called with each new progress snapshot (percentage, bars_done, bars_total,
        bars_per_second, eta_seconds, equity, trades, ...). Raises TimeoutError after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        feed = self._client.subscribe(self.progress_endpoint, op) if self.progress_endpoint else None
        last_seq = None

        def report(p):
            nonlocal last_seq
            key = (p["attempt"], p["seq"])
            if progress is not None and p["bars_total"] > 0 and key != last_seq:
                last_seq = key
                progress(p)

        while True:
            st = self.status(op)
            report(st["progress"])
            if _core.is_terminal(st["state"]):
                return st
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError(f"operation {op} is still {st['state']} after {timeout} s")
            until = time.monotonic() + (poll if left is None else min(poll, left))
            if feed is None:
                time.sleep(max(0.0, until - time.monotonic()))
                continue
            while (ms := int((until - time.monotonic()) * 1000)) > 0:
                event = feed.next(ms)
                if event is None:
                    break
                kind, body = event
                if kind == "progress":
                    report(body)
                elif _core.is_terminal(body["state"]):
                    break  # the status call above the loop returns it
