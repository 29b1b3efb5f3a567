"""Shared by the manifest writers: file hashes and graph interfaces in the studio's manifest schema."""
import hashlib
from pathlib import Path

DTYPES = {1: "float32", 10: "float16", 7: "int64", 6: "int32"}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def values(items) -> list:
    """ONNX ValueInfos as manifest TensorSpecs (name, dtype, shape with symbolic names)."""
    return [{"name": v.name, "dtype": DTYPES[v.type.tensor_type.elem_type],
             "shape": [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]} for v in items]
