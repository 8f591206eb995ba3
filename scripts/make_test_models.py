#!/usr/bin/python3
"""Writes the model-loader test fixtures (run with Debian's /usr/bin/python3, which has python3-torch).

Usage: /usr/bin/python3 scripts/make_test_models.py OUT_DIR

Every weight file is a genuine torch.save() product, built with the reference architectures
(docs/reference.md §5.3): nn.Sequential MLPs ([Linear, activation, Dropout] per hidden layer, then
Linear), and the LSTM/GRU wrappers (`lstm`/`gru` + `dropout` + `fc`, last layer at the last step).

OUT_DIR/expected.json describes each fixture: architecture, input rows, the expected per-row outputs
(one forward per row, [1, F] or [1, L, F], float32, eval mode, as the reference backtest runs), and the
full state_dict (exact float32 values as doubles) so the C++ pickle reader can be checked bit for bit.
"""
import json
import os
import sys
import zipfile
import zlib

import torch
import torch.nn as nn

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,  # slope 0.01
}


def build_mlp(input_size, hidden, activation, num_outputs, dropout=0.2):
    layers = []
    prev = input_size
    for h in hidden:
        layers += [nn.Linear(prev, h), ACTIVATIONS[activation](), nn.Dropout(dropout)]
        prev = h
    layers.append(nn.Linear(prev, num_outputs))
    return nn.Sequential(*layers)


class LSTMNetwork(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_outputs, dropout=0.2):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True,
                            dropout=dropout if num_layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden_size, num_outputs)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(self.dropout(h_n[-1]))


class GRUNetwork(nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, num_outputs, dropout=0.2):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True,
                          dropout=dropout if num_layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden_size, num_outputs)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.fc(self.dropout(h_n[-1]))


def tensor_json(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).double().tolist()}


def state_json(sd):
    return [{"name": k, **tensor_json(v)} for k, v in sd.items()]


def per_row_outputs(model, rows, seq_len):
    """One forward per row, like the reference backtest. NaN for rows without a full window."""
    outs = []
    with torch.no_grad():
        for i in range(rows.shape[0]):
            if i < seq_len - 1:
                outs.append(None)
                continue
            if seq_len == 1:
                x = rows[i:i + 1]  # [1, F]
            else:
                x = rows[i - seq_len + 1:i + 1].unsqueeze(0)  # [1, L, F]
            outs.append(model(x)[0].double().tolist())
    return outs


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20240607)
    expected = {"fixtures": {}}

    def record(name, model, arch, input_size, num_outputs, seq_len, n_rows, file_name, sd=None):
        model.eval()
        g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
        rows = torch.rand(n_rows, input_size, generator=g) * 2.0 - 0.5  # fuzzy-like plus some raw range
        expected["fixtures"][name] = {
            "file": file_name,
            "architecture": arch,
            "input_size": input_size,
            "num_outputs": num_outputs,
            "sequence_length": seq_len,
            "rows": rows.double().tolist(),
            "outputs": per_row_outputs(model, rows, seq_len),
            "state_dict": state_json(sd if sd is not None else model.state_dict()),
        }

    # --- MLPs, torch.save(model.state_dict()) (collections.OrderedDict + _metadata BUILD) ---
    mlps = [
        ("mlp_relu", 12, [32, 16], "relu", 3),
        ("mlp_tanh", 13, [24], "tanh", 3),
        ("mlp_sigmoid", 7, [16, 8, 4], "sigmoid", 3),
        ("mlp_leaky_relu", 9, [10, 6], "leaky_relu", 3),
        ("mlp_regression", 5, [8], "relu", 1),
    ]
    models = {}
    for name, f, hidden, act, c in mlps:
        m = build_mlp(f, hidden, act, c)
        m.eval()
        models[name] = m
        torch.save(m.state_dict(), os.path.join(out, name + ".pt"))
        record(name, m, {"type": "mlp", "hidden_layers": hidden, "activation": act}, f, c, 1, 6, name + ".pt")

    # --- recurrent wrappers ---
    lstm = LSTMNetwork(6, 8, 2, 3).eval()
    torch.save(lstm.state_dict(), os.path.join(out, "lstm.pt"))
    record("lstm", lstm, {"type": "lstm", "hidden_size": 8, "num_layers": 2}, 6, 3, 5, 12, "lstm.pt")
    lstm1 = LSTMNetwork(4, 5, 1, 3).eval()
    torch.save(lstm1.state_dict(), os.path.join(out, "lstm_1layer.pt"))
    record("lstm_1layer", lstm1, {"type": "lstm", "hidden_size": 5, "num_layers": 1}, 4, 3, 3, 8,
           "lstm_1layer.pt")
    gru = GRUNetwork(6, 7, 2, 3).eval()
    torch.save(gru.state_dict(), os.path.join(out, "gru.pt"))
    record("gru", gru, {"type": "gru", "hidden_size": 7, "num_layers": 2}, 6, 3, 4, 10, "gru.pt")

    # --- variants of mlp_relu ---
    base = models["mlp_relu"]
    arch = {"type": "mlp", "hidden_layers": [32, 16], "activation": "relu"}
    # plain dict (EMPTY_DICT at top, no _metadata)
    torch.save(dict(base.state_dict()), os.path.join(out, "mlp_plain_dict.pt"))
    record("mlp_plain_dict", base, arch, 12, 3, 1, 6, "mlp_plain_dict.pt")
    # TorchScript (torch.jit.script), MLP and LSTM
    torch.jit.script(base).save(os.path.join(out, "mlp_script.pt"))
    record("mlp_script", base, arch, 12, 3, 1, 6, "mlp_script.pt")
    torch.jit.script(lstm).save(os.path.join(out, "lstm_script.pt"))
    record("lstm_script", lstm, {"type": "lstm", "hidden_size": 8, "num_layers": 2}, 6, 3, 5, 12,
           "lstm_script.pt")
    # float64 weights: load_state_dict copies them into the float32 parameters (we convert likewise)
    sd64 = {k: v.double() for k, v in base.state_dict().items()}
    torch.save(sd64, os.path.join(out, "mlp_f64.pt"))
    expected["fixtures"]["mlp_f64"] = {"file": "mlp_f64.pt", "state_dict": state_json(sd64)}
    # float16 weights: rejected
    torch.save({k: v.half() for k, v in base.state_dict().items()}, os.path.join(out, "mlp_f16.pt"))
    # storage views: every tensor is a slice of one shared storage (storage offsets, shared keys)
    flat = torch.cat([v.reshape(-1) for v in base.state_dict().values()])
    views, pos = {}, 0
    for k, v in base.state_dict().items():
        views[k] = flat[pos:pos + v.numel()].view(v.shape)
        pos += v.numel()
    torch.save(views, os.path.join(out, "mlp_views.pt"))
    record("mlp_views", base, arch, 12, 3, 1, 6, "mlp_views.pt", sd=views)
    # non-contiguous (transposed) weight: rejected
    nc = dict(base.state_dict())
    nc["0.weight"] = nc["0.weight"].t().contiguous().t()
    assert not nc["0.weight"].is_contiguous()
    torch.save(nc, os.path.join(out, "mlp_noncontig.pt"))
    # a state_dict holding a non-tensor value (python float -> BINFLOAT opcode, not supported)
    bad = dict(base.state_dict())
    bad["scale"] = 0.5
    torch.save(bad, os.path.join(out, "bad_float_value.pt"))
    # a state_dict holding an object of an unknown class (GLOBAL not allowed)
    bad = dict(base.state_dict())
    bad["when"] = __import__("datetime").timedelta(days=1)
    torch.save(bad, os.path.join(out, "bad_global.pt"))
    # legacy (non-zip) serialization: rejected with a clear message
    torch.save(base.state_dict(), os.path.join(out, "mlp_legacy.pt"), _use_new_zipfile_serialization=False)
    # a zip whose data.pkl holds an unknown opcode ('I' = text INT), archive folder named "odd_name"
    with zipfile.ZipFile(os.path.join(out, "bad_opcode.pt"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("odd_name/data.pkl", b"\x80\x02I1\n.")
        z.writestr("odd_name/version", b"3\n")
    # truncated copy of mlp_relu.pt
    with open(os.path.join(out, "mlp_relu.pt"), "rb") as fh:
        data = fh.read()
    with open(os.path.join(out, "mlp_truncated.pt"), "wb") as fh:
        fh.write(data[: len(data) // 2])
    # not a zip at all
    with open(os.path.join(out, "not_a_model.pt"), "wb") as fh:
        fh.write(b"this is not a torch file\n")

    with open(os.path.join(out, "expected.json"), "w") as fh:
        json.dump(expected, fh)


if __name__ == "__main__":
    main()
