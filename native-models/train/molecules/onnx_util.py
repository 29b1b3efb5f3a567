"""ONNX export + parity fixtures shared by the molecule exporters (qm9-mini-edm,
qm9-mini-conf, native-models/export/edm_qm9.py). Opset 17, B and N dynamic."""
import json
from pathlib import Path

import onnx
import torch

OPSET = 17


def r6(t) -> list:
    return [float(f"{v:.6g}") for v in t.flatten().tolist()]


def export(model, example: tuple, names: list, out_name: str, dyn: dict, path: Path) -> None:
    torch.onnx.export(model, example, str(path), opset_version=OPSET, do_constant_folding=True, input_names=names,
                      output_names=[out_name], dynamic_axes=dyn)
    onnx.checker.check_model(onnx.load(str(path)))


def edm_inputs(B: int, N: int, n_real: list, seed: int, width: int = 9):
    """Seeded padded EDM-contract input: xh [B,N,width] (x centred over real atoms), t [B,1], node_mask."""
    g = torch.Generator().manual_seed(seed)
    mask = torch.zeros(B, N, 1)
    for b, n in enumerate(n_real):
        mask[b, :n] = 1
    x = torch.randn(B, N, 3, generator=g)
    x = (x - (x * mask).sum(1, keepdim=True) / mask.sum(1, keepdim=True)) * mask
    h = torch.randn(B, N, width - 3, generator=g) * 0.5 * mask
    xh = torch.tensor(r6(torch.cat([x, h], 2))).view(B, N, width)
    t = torch.tensor(r6(torch.rand(B, 1, generator=g))).view(B, 1)
    return xh, t, mask


def export_edm(model, path: Path) -> None:
    ex = edm_inputs(2, 7, [7, 4], 0, 3 + model.in_node_nf)
    export(model, ex, ["xh", "t", "node_mask"], "out",
           {"xh": {0: "batch", 1: "atoms"}, "t": {0: "batch"}, "node_mask": {0: "batch", 1: "atoms"},
            "out": {0: "batch", 1: "atoms"}}, path)


def edm_parity(model, model_file: str, seed: int = 1234, tolerance: float = 1e-4, n: tuple = (19, 11)) -> dict:
    xh, t, mask = edm_inputs(2, max(n), list(n), seed, 3 + model.in_node_nf)
    with torch.no_grad():
        out = model(xh, t, mask)
    return {"model": model_file, "seed": seed, "tolerance": tolerance,
            "inputs": [{"name": "xh", "dtype": "float32", "shape": list(xh.shape), "data": r6(xh)},
                       {"name": "t", "dtype": "float32", "shape": list(t.shape), "data": r6(t)},
                       {"name": "node_mask", "dtype": "float32", "shape": list(mask.shape), "data": r6(mask)}],
            "outputs": [{"name": "out", "shape": list(out.shape), "data": r6(out)}]}


def write_json(path: Path, obj, compact: bool = False) -> None:
    path.write_text((json.dumps(obj, separators=(",", ":")) if compact else json.dumps(obj, indent=2)) + "\n")
