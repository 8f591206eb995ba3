#!/usr/bin/python3
"""Writes the sequence-model directories the benchmarks use (run with Debian's /usr/bin/python3).

Usage: /usr/bin/python3 scripts/make_bench_models.py OUT_DIR

OUT_DIR/lstm and OUT_DIR/gru are complete reference model directories (metadata_v3.json, config.json,
features.json, model.pt) of the golden v1_bench12 strategy (12 fuzzy inputs), with a small recurrent network
instead of the MLP: hidden_size 32, num_layers 2, sequence_length 20, random weights (seeded). They are real
torch.save() state_dicts of the reference LSTMNetwork / GRUNetwork (make_test_models.py), so Model loads them
exactly as it loads a trained model.
"""
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_test_models import GRUNetwork, LSTMNetwork  # noqa: E402

HIDDEN, LAYERS, SEQ_LEN = 32, 2, 20


def main():
    out = sys.argv[1]
    golden = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden", "v1_bench12", "model")
    torch.manual_seed(20240608)
    for kind, net in (("lstm", LSTMNetwork(12, HIDDEN, LAYERS, 3)), ("gru", GRUNetwork(12, HIDDEN, LAYERS, 3))):
        d = os.path.join(out, kind)
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(golden, "features.json"), d)
        with open(os.path.join(golden, "metadata_v3.json")) as fh:
            meta = json.load(fh)
        meta["model_name"] = meta["strategy_name"] = "bench12_" + kind
        meta["model_type"] = kind
        meta["sequence_length"] = SEQ_LEN
        with open(os.path.join(d, "metadata_v3.json"), "w") as fh:
            json.dump(meta, fh, indent=2)
        with open(os.path.join(golden, "config.json")) as fh:
            config = json.load(fh)
        config["name"] = meta["model_name"]
        config["model"] = {
            "type": kind,
            "architecture": {"hidden_size": HIDDEN, "num_layers": LAYERS, "dropout": 0.2,
                             "sequence_length": SEQ_LEN},
        }
        with open(os.path.join(d, "config.json"), "w") as fh:
            json.dump(config, fh, indent=2)
        net.eval()
        torch.save(net.state_dict(), os.path.join(d, "model.pt"))


if __name__ == "__main__":
    main()
