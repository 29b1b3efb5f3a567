"""Export the shapes-2k EMA weights to ONNX plus training.json and parity.json.

model.onnx (opset 17): sample f32 [B,N,3] (= c_in x), timestep f32 [B] (= ln(sigma)/4),
class_labels i64 [B] (index K = null class) -> out f32 [B,N,3] (= F); B and N dynamic.
parity.json: seeded batch-2 input with N = 256, PyTorch output (6 significant digits).

Usage: /usr/bin/python3 export.py [--run-dir ../runs/shapes2k] [--metrics ../runs/shapes2k/metrics.json]
"""
import argparse
import json
import platform
from pathlib import Path

import onnx
import torch

from model import PointDenoiser

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "starter" / "shapes-2k"
INPUTS = ["sample", "timestep", "class_labels"]
OPSET = 17


def r6(t) -> list:
    return [float(f"{v:.6g}") for v in t.flatten().tolist()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "shapes2k")
    ap.add_argument("--metrics", type=Path, nargs="*", default=[])
    ap.add_argument("--latency", type=Path, default=None, help="JSON lines from bench_ort.mjs")
    ap.add_argument("--recommended", default="{}", help="JSON: recommended sampler settings")
    args = ap.parse_args()
    ck = torch.load(args.run_dir / "ckpt.pt")
    summary = json.loads((args.run_dir / "summary.json").read_text())
    model = PointDenoiser(**ck["config"])
    model.load_state_dict(ck["ema"])
    model.eval()
    K = model.num_classes
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "model.onnx"
    ex = (torch.zeros(2, 64, 3), torch.zeros(2), torch.tensor([0, K]))
    torch.onnx.export(model, ex, str(path), opset_version=OPSET, do_constant_folding=True, input_names=INPUTS,
                      output_names=["out"],
                      dynamic_axes={"sample": {0: "batch", 1: "points"}, "timestep": {0: "batch"},
                                    "class_labels": {0: "batch"}, "out": {0: "batch", 1: "points"}})
    onnx.checker.check_model(onnx.load(str(path)))

    g = torch.Generator().manual_seed(1234)
    sample = torch.tensor(r6(torch.randn(2, 256, 3, generator=g))).view(2, 256, 3)
    timestep = torch.tensor([0.25 * torch.log(torch.tensor(80.0)).item(), 0.25 * torch.log(torch.tensor(0.05)).item()])
    timestep = torch.tensor(r6(timestep))
    labels = torch.tensor([3, K])
    with torch.no_grad():
        out = model(sample, timestep, labels)
    parity = {"model": "model.onnx", "seed": 1234, "tolerance": 1e-4,
              "inputs": [{"name": "sample", "dtype": "float32", "shape": [2, 256, 3], "data": r6(sample)},
                         {"name": "timestep", "dtype": "float32", "shape": [2], "data": r6(timestep)},
                         {"name": "class_labels", "dtype": "int64", "shape": [2], "data": labels.tolist()}],
              "outputs": [{"name": "out", "shape": list(out.shape), "data": r6(out)}]}
    (OUT / "parity.json").write_text(json.dumps(parity, separators=(",", ":")) + "\n")

    metrics = [json.loads(p.read_text()) for p in args.metrics]
    latency = [json.loads(l) for l in args.latency.read_text().splitlines() if l.strip()] if args.latency else []
    cfg = ck["config"]
    training = {
        "model": "shapes-2k",
        "task": "class-conditional point-cloud generation (2048 points, any N works)",
        "architecture": (f"set transformer: input = [x, sin/cos of a fixed random Fourier projection of x "
                         f"({cfg['fourier']} frequencies, std {cfg['fourier_scale']}x2pi)] -> Linear {cfg['d']}; "
                         f"{cfg['depth']} blocks of [adaLN-Zero; attention pooling of the N points into "
                         f"{cfg['inducing']} learned inducing tokens (conditioned on the embedding); token "
                         f"self-attention + MLP; attention broadcast back to the points; point MLP x2], "
                         f"{cfg['heads']} heads; embedding = MLP(sin/cos of timestep x 32 geometric "
                         f"frequencies 1..200) + class embedding ({K}+1 rows); final adaLN + Linear(3), "
                         f"zero-initialised"),
        "config": cfg,
        "parameters": summary["parameters"],
        "classes": ck["classes"],
        "null_class_index": K,
        "preconditioning": {
            "type": "EDM (Karras et al. 2022)", "sigma_data": round(ck["sigma_data"], 6),
            "c_skip": "sigma_data^2 / (sigma^2 + sigma_data^2)",
            "c_out": "sigma * sigma_data / sqrt(sigma^2 + sigma_data^2)",
            "c_in": "1 / sqrt(sigma^2 + sigma_data^2)", "c_noise": "ln(sigma) / 4",
            "denoised": "D = c_skip * x + c_out * out(sample = c_in * x, timestep = c_noise, class_labels)"},
        "schedule": {"sigma_min": 0.002, "sigma_max": 80.0, "rho": 7.0, "type": "karras",
                     "training_sigma": f"ln(sigma) ~ N({summary['p_mean']}, {summary['p_std']}^2)"},
        "guidance": "classifier-free: D = D(null) + w (D(class) - D(null)); null class index = number of classes",
        "recommended_sampler": json.loads(args.recommended),
        "normalisation": "every training shape: centre its axis-aligned bounding box at 0 and divide by its max "
                         "half-extent, so it lies in [-1,1]^3 with the longest axis spanning [-1,1]; y up",
        "onnx": {"file": path.name, "opset": OPSET, "bytes": path.stat().st_size,
                 "inputs": [{"name": "sample", "dtype": "float32", "shape": ["batch", "points", 3]},
                            {"name": "timestep", "dtype": "float32", "shape": ["batch"]},
                            {"name": "class_labels", "dtype": "int64", "shape": ["batch"]}],
                 "outputs": [{"name": "out", "dtype": "float32", "shape": ["batch", "points", 3]}]},
        "data": {"generator": "native-models/train/shapes/shapes_data.py (procedural, numpy)",
                 "train_shapes": summary["num_train"], "points_per_shape": 2048,
                 "heldout": "heldout.bin / heldout.json (24 per class exported; 64 per class in the full split)"},
        "training": {k: summary[k] for k in ("iterations", "points_schedule", "lr", "lr_final", "warmup", "seed",
                                             "threads", "wall_seconds", "cpu_seconds", "final_loss",
                                             "final_loss_window", "label_dropout", "ema_decay")},
        "optimizer": "AdamW (weight decay 0), cosine decay to lr_final x lr after linear warm-up, grad-norm clip 1.0; "
                     "EMA weights exported",
        "hardware": f"CPU ({platform.machine()}), {summary['threads']} thread, nice 19, machine shared with other jobs",
        "torch": summary["torch"],
        "metrics": metrics,
        "ort_latency": latency,
    }
    (OUT / "training.json").write_text(json.dumps(training, indent=2) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes), parity.json, training.json")


if __name__ == "__main__":
    main()
