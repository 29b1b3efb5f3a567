"""PyTorch weights of a shapes-2k PointDenoiser from its exported model.onnx (to continue training a
shipped model whose checkpoint is gone). The exporter keeps most parameter names; the weights of
Linear layers applied to 3-D tensors become anonymous transposed MatMul constants, each followed by an
Add of the layer's named bias: those are matched through that Add. Anything left (a parameter with no
bias-carrying Add) is matched by the order in which the graph uses it among tensors of its shape.
Every parameter must be found (buffers the exporter folded keep their constructed values); check the
result against the model's parity.json.

Usage (as a module): load_onnx_weights(model, path) -> number of tensors read.
"""
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper


def load_onnx_weights(model: torch.nn.Module, path: Path) -> int:
    g = onnx.load(str(path)).graph
    init = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consumers = {}
    for node in g.node:
        for x in node.input:
            consumers.setdefault(x, []).append(node)
    state = model.state_dict()
    found = {}
    for k in state:
        if k in init and tuple(init[k].shape) == tuple(state[k].shape):
            found[k] = init[k]
    for node in g.node:
        if node.op_type != "MatMul" or node.input[1] not in init or not node.input[1].startswith("onnx::"):
            continue
        for c in consumers.get(node.output[0], []):
            if c.op_type != "Add":
                continue
            bias = [x for x in c.input if x.endswith(".bias") and x in init]
            if bias:
                name = bias[0][: -len(".bias")] + ".weight"
                if name in state:
                    found[name] = init[node.input[1]].T
    params = {k for k, _ in model.named_parameters()}
    missing = [k for k in state if k not in found and k in params]  # buffers not found keep their values
    if missing:
        used = []
        for node in g.node:
            for x in node.input:
                if x.startswith("onnx::") and x in init and x not in used:
                    used.append(x)
        pool = [x for x in used if not any(np.shares_memory(init[x], v) for v in found.values())]
        for k in missing:
            shape = tuple(state[k].shape)
            # Same shape, transposed, or with leading 1s (a parameter unsqueezed and folded as a constant).
            def fits(a):
                return a.shape == shape or a.T.shape == shape or (a.size == state[k].numel() and
                                                                  tuple(d for d in a.shape if d != 1) == shape)
            cand = [x for x in pool if fits(init[x])]
            if not cand:
                raise KeyError(f"no ONNX tensor for {k} {shape}")
            x = cand[0]
            pool.remove(x)
            a = init[x]
            found[k] = a if a.shape == shape else (a.T if a.T.shape == shape else a.reshape(shape))
    merged = dict(state)
    merged.update({k: torch.from_numpy(np.array(v, copy=True)).to(state[k].dtype) for k, v in found.items()})
    model.load_state_dict(merged)
    return len(found)
