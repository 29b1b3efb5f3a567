"""ONNX export with a dynamic batch axis and generic parity fixtures, shared by the audio and video
starters. Fixture format (read by shapes/check_parity.mjs):
  {model, seed, tolerance, inputs: [{name, dtype, shape, data}], outputs: [{name, shape, stride?, data}]}
inputs rounded (6 significant digits or fixed decimals; the model is run on the rounded inputs), outputs to 6
significant digits, optionally every stride-th value only (large video tensors).
"""
import json
from pathlib import Path

import onnx
import torch

OPSET = 17


def r6(t: torch.Tensor) -> list:
    return [float(f"{v:.6g}") for v in t.flatten().tolist()]


def rounded(t: torch.Tensor, decimals: int = None) -> torch.Tensor:
    """floats to 6 significant digits, or to `decimals` decimal places (shorter fixtures; the model is run on
    exactly these values, so the rounding costs no accuracy)."""
    if not t.is_floating_point():
        return t
    if decimals is not None:
        return torch.tensor([round(v, decimals) for v in t.flatten().tolist()], dtype=t.dtype).view(t.shape)
    return torch.tensor(r6(t), dtype=t.dtype).view(t.shape)


def export(model: torch.nn.Module, example: tuple, inputs: list, outputs: list, path: Path) -> None:
    """opset 17, constant folding, axis 0 of every input and output named "batch"; the other output axes
    are pinned to the sizes PyTorch gives for `example` (reshapes leave them symbolic); onnx.checker."""
    torch.onnx.export(model, example, str(path), opset_version=OPSET, do_constant_folding=True,
                      input_names=inputs, output_names=outputs,
                      dynamic_axes={name: {0: "batch"} for name in inputs + outputs})
    with torch.no_grad():
        ref = model(*example)
    ref = ref if isinstance(ref, tuple) else (ref,)
    m = onnx.load(str(path))
    for out, r in zip(m.graph.output, ref):
        for axis, dim in enumerate(out.type.tensor_type.shape.dim):
            if axis > 0 and not dim.HasField("dim_value"):
                dim.Clear()
                dim.dim_value = r.shape[axis]
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def io_shapes(path: Path) -> dict:
    """{"inputs": [{name, dtype, shape}], "outputs": [...]} as stored in the ONNX graph."""
    m = onnx.load(str(path))

    def spec(v) -> dict:
        tt = v.type.tensor_type
        dims = [d.dim_param or d.dim_value for d in tt.shape.dim]
        return {"name": v.name, "dtype": onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tt.elem_type].name, "shape": dims}

    return {"inputs": [spec(v) for v in m.graph.input], "outputs": [spec(v) for v in m.graph.output]}


def parity(model: torch.nn.Module, model_file: str, feeds: dict, seed: int, tolerance: float = 1e-4,
           input_decimals: int = None, output_stride: int = 1) -> dict:
    """feeds: name -> tensor (floats rounded first, see `rounded`). Runs the PyTorch model on them and stores
    every `output_stride`-th output value (flattened order; the check compares got[i * stride] with data[i])."""
    feeds = {k: rounded(v, input_decimals) for k, v in feeds.items()}
    with torch.no_grad():
        out = model(*feeds.values())
    outs = out if isinstance(out, tuple) else (out,)
    names = [o["name"] for o in io_shapes(Path(model_file))["outputs"]]
    return {
        "model": Path(model_file).name, "seed": seed, "tolerance": tolerance,
        "inputs": [{"name": k, "dtype": "int64" if v.dtype == torch.int64 else "float32", "shape": list(v.shape),
                    "data": v.flatten().tolist() if v.dtype == torch.int64 else r6(v)} for k, v in feeds.items()],
        "outputs": [{"name": n, "shape": list(o.shape), **({"stride": output_stride} if output_stride > 1 else {}),
                     "data": r6(o.flatten()[::output_stride])} for n, o in zip(names, outs)],
    }


def write_json(path: Path, obj, compact: bool = False) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text((json.dumps(obj, separators=(",", ":")) if compact else json.dumps(obj, indent=2)) + "\n")
    tmp.replace(path)
