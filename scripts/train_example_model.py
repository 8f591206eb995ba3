#!/usr/bin/python3
"""Trains the bundled example model and writes a reference-format (ktrdr v3) model directory.

Run with Debian's /usr/bin/python3 (python3-torch, numpy, yaml). Inputs:
  * a features CSV made by our own feature pipeline, so that training sees exactly the numbers the backtest
    computes:
      build/client/ktrdr-backtest features --strategy examples/strategies/example_mlp.yaml \
          --data-dir examples/data --symbol EXAMPLE --timeframe 1h --start 2021-01-04 --end 2023-01-07 \
          --output /tmp/example_features.csv
  * the OHLCV file (close prices for the labels) and the strategy YAML.

Labels (0 BUY, 1 HOLD, 2 SELL, docs/reference.md §5.4): zigzag-style first touch. For bar i, walk the next
`label_lookahead` closes; if close/close_i - 1 reaches +zigzag_threshold before it reaches -threshold the
label is BUY, the other way round SELL, otherwise HOLD. Bars without a full look-ahead are not used.
Features get np.nan_to_num (NaN -> 0), as the reference training does (reference Appendix C); the first
70 % of the rows (in time order) are the training set, the rest the validation set.

Output: OUT_DIR/example_mlp/1h_v1/{model.pt, metadata_v3.json, config.json, features.json, metrics.json,
metadata.json} and the relative symlink OUT_DIR/example_mlp/1h_latest -> 1h_v1. model.pt is
torch.save(model.state_dict()) of an nn.Sequential [Linear, activation, Dropout]* + Linear (keys 0.weight,
0.bias, 3.weight, ...), exactly like the reference.

usage: /usr/bin/python3 scripts/train_example_model.py --features F.csv
           [--data examples/data/EXAMPLE_1h.csv] [--strategy examples/strategies/example_mlp.yaml]
           [--out-dir examples/models] [--seed 42]
"""
import argparse
import csv
import datetime as dt
import json
import os

import numpy as np
import torch
import torch.nn as nn
import yaml

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "leaky_relu": nn.LeakyReLU}
CLASS_NAMES = ["BUY", "HOLD", "SELL"]


def build_mlp(input_size, arch, num_classes):
    layers, prev = [], input_size
    act = ACTIVATIONS.get(arch.get("activation", "relu"), nn.ReLU)
    for h in arch["hidden_layers"]:
        layers += [nn.Linear(prev, h), act(), nn.Dropout(arch.get("dropout", 0.2))]
        prev = h
    layers.append(nn.Linear(prev, num_classes))
    return nn.Sequential(*layers)


def read_features(path):
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    if header[0] != "timestamp":
        raise SystemExit(f"{path}: first column must be 'timestamp' (got {header[0]!r})")
    stamps = [r[0] for r in body]
    x = np.array([[float(v) if v != "" else np.nan for v in r[1:]] for r in body], dtype=np.float64)
    return header[1:], stamps, x


def read_closes(path):
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        return {r[0]: float(r[4]) for r in reader}


def first_touch_labels(close, threshold, lookahead):
    """0 BUY / 1 HOLD / 2 SELL; -1 where the look-ahead window is incomplete."""
    n = len(close)
    labels = np.full(n, -1, dtype=np.int64)
    for i in range(n - lookahead):
        label = 1
        for j in range(i + 1, i + lookahead + 1):
            r = close[j] / close[i] - 1.0
            if r >= threshold:
                label = 0
                break
            if r <= -threshold:
                label = 2
                break
        labels[i] = label
    return labels


def accuracy_and_confusion(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(dim=1)
    conf = np.zeros((3, 3), dtype=np.int64)
    for t, p in zip(y.tolist(), pred.tolist()):
        conf[t][p] += 1
    return float((pred == y).float().mean()), conf


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--features", required=True)
    ap.add_argument("--data", default="examples/data/EXAMPLE_1h.csv")
    ap.add_argument("--strategy", default="examples/strategies/example_mlp.yaml")
    ap.add_argument("--out-dir", default="examples/models")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--created-at", default="2025-01-01T00:00:00+00:00",
                    help="metadata timestamp (fixed by default so the files are reproducible)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(1)

    with open(args.strategy) as fh:
        strategy = yaml.safe_load(fh)
    name = strategy["name"]
    tf_cfg = strategy["training_data"]["timeframes"]
    timeframes = tf_cfg.get("timeframes") or tf_cfg.get("list") or [tf_cfg["timeframe"]]
    symbol = strategy["training_data"]["symbols"]["symbol"]
    model_cfg = strategy["model"]
    labels_cfg = strategy["training"]["labels"]
    train_cfg = strategy["training"]

    names, stamps, x_raw = read_features(args.features)
    closes = read_closes(args.data)
    missing = [s for s in stamps if s not in closes]
    if missing:
        raise SystemExit(f"{args.data}: no bar for feature row {missing[0]} ({len(missing)} missing)")
    close = np.array([closes[s] for s in stamps])
    labels = first_touch_labels(close, labels_cfg["zigzag_threshold"], labels_cfg["label_lookahead"])

    usable = labels >= 0
    x = np.nan_to_num(x_raw[usable]).astype(np.float32)
    y = labels[usable]
    n_train = int(len(y) * (1.0 - train_cfg.get("validation_split", 0.3)))
    xt, yt = torch.from_numpy(x[:n_train]), torch.from_numpy(y[:n_train])
    xv, yv = torch.from_numpy(x[n_train:]), torch.from_numpy(y[n_train:])

    model = build_mlp(len(names), model_cfg["architecture"], 3)
    counts = np.bincount(y[:n_train], minlength=3).astype(np.float64)
    # mild balancing (square root of the inverse class frequency): HOLD usually dominates
    weights = torch.tensor(np.sqrt(counts.sum() / (3.0 * np.maximum(counts, 1.0))), dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=weights)
    opt = torch.optim.Adam(model.parameters(), lr=train_cfg.get("learning_rate", 0.001))
    batch = train_cfg.get("batch_size", 256)
    epochs = train_cfg.get("epochs", 50)
    gen = torch.Generator().manual_seed(args.seed)
    best = (float("inf"), None, -1)
    history = []
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(yt), generator=gen)
        total = 0.0
        for k in range(0, len(yt), batch):
            idx = perm[k:k + batch]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        model.eval()
        with torch.no_grad():
            val_loss = float(loss_fn(model(xv), yv))
        history.append({"epoch": epoch + 1, "train_loss": total / len(yt), "val_loss": val_loss})
        if val_loss < best[0]:
            best = (val_loss, {k: v.clone() for k, v in model.state_dict().items()}, epoch + 1)
    model.load_state_dict(best[1])
    model.eval()
    train_acc, _ = accuracy_and_confusion(model, xt, yt)
    val_acc, val_conf = accuracy_and_confusion(model, xv, yv)

    version_dir = os.path.join(args.out_dir, name, f"{timeframes[0]}_v1")
    os.makedirs(version_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(version_dir, "model.pt"))

    training_metrics = {
        "train_accuracy": train_acc,
        "val_accuracy": val_acc,
        "best_epoch": best[2],
        "best_val_loss": best[0],
        "epochs": epochs,
    }
    metadata_v3 = {
        "model_name": name,
        "strategy_name": name,
        "created_at": args.created_at,
        "strategy_version": str(strategy.get("version", "3.0")),
        "indicators": strategy["indicators"],
        "fuzzy_sets": strategy["fuzzy_sets"],
        "nn_inputs": strategy["nn_inputs"],
        "resolved_features": names,  # the features CSV's column order = the model's input order
        "training_symbols": [symbol],
        "training_timeframes": timeframes,
        "training_metrics": training_metrics,
        "output_type": "classification",
        "model_type": model_cfg.get("type", "mlp"),
        "sequence_length": model_cfg["architecture"].get("sequence_length"),
        "normalization_params": {},
        "context_data_config": None,
        "context_source_ids": [],
    }
    features = {
        "model_version": "pure_fuzzy_v1",
        "feature_type": "pure_fuzzy",
        "fuzzy_features": names,
        "feature_count": len(names),
        "temporal_config": {"lookback_periods": 0, "enabled": False},
        "scaling_info": {"requires_scaling": False, "reason": "fuzzy_values_already_normalized"},
        "feature_importance": {},
    }
    label_dist = {CLASS_NAMES[c]: int(v) for c, v in enumerate(np.bincount(y, minlength=3))}
    metrics = {
        **training_metrics,
        "final_train_loss": history[-1]["train_loss"],
        "final_val_loss": history[-1]["val_loss"],
        "train_rows": int(n_train),
        "val_rows": int(len(y) - n_train),
        "train_period": [stamps[0], [s for s, u in zip(stamps, usable) if u][n_train - 1]],
        "label_method": (f"first touch of +/-{labels_cfg['zigzag_threshold']} within "
                         f"{labels_cfg['label_lookahead']} bars (0 BUY, 1 HOLD, 2 SELL)"),
        "label_distribution": label_dist,
        "class_weights": [float(w) for w in weights],
        "val_confusion_matrix": {"rows_true_cols_pred": CLASS_NAMES, "counts": val_conf.tolist()},
        "history": history,
    }
    metadata_legacy = {
        "strategy_name": name,
        "symbol": symbol,
        "timeframe": timeframes[0],
        "created_at": args.created_at,
        "is_trained": True,
        "model_type": "Sequential",
        "model_version": 1,
        "architecture_type": model_cfg.get("type", "mlp"),
        "input_size": len(names),
        "pytorch_version": torch.__version__,
        "training_summary": {"epochs": epochs, "final_accuracy": train_acc, "best_val_accuracy": val_acc},
        "feature_engineering": {"removed": True, "scaler_required": False, "fuzzy_only": True},
    }
    for file_name, obj in [("metadata_v3.json", metadata_v3), ("config.json", strategy),
                           ("features.json", features), ("metrics.json", metrics),
                           ("metadata.json", metadata_legacy)]:
        with open(os.path.join(version_dir, file_name), "w") as fh:
            json.dump(obj, fh, indent=2)
            fh.write("\n")
    latest = os.path.join(args.out_dir, name, f"{timeframes[0]}_latest")
    if os.path.islink(latest) or os.path.exists(latest):
        os.remove(latest)
    os.symlink(os.path.basename(version_dir), latest)

    print(f"wrote {version_dir} (+ {latest} -> {os.path.basename(version_dir)})")
    print(f"  {len(names)} inputs, {len(y)} labelled rows ({n_train} train / {len(y) - n_train} val), "
          f"labels {label_dist}")
    print(f"  best epoch {best[2]}: train accuracy {train_acc:.3f}, val accuracy {val_acc:.3f}")
    print(f"  val confusion (rows true BUY/HOLD/SELL, cols predicted): {val_conf.tolist()}")


if __name__ == "__main__":
    main()
