"""PyTorch CPU baseline for the runtime benchmark (ORT CPU vs PyTorch CPU).

Rebuilds EmojiUNet, loads its weights from the ONNX initializers (so both
runtimes run the same bytes), checks the parity fixture, then times forward()
and prints one JSON line per batch size.

Usage: /usr/bin/python3 bench_torch.py --threads 2 [--iters 50] [--warmup-s 2] [--rounds 3] [--batch 1 --batch 2]

Each batch size is warmed up for at least --warmup-s seconds (and 20 calls) before it is timed: PyTorch's
CPU backend builds its oneDNN kernels per input shape and starts its OpenMP threads on first use, so a few
warm-up calls are not enough (they made batch 1 look 5x slower than batch 2). Every round times each batch
size again and prints min / median / max.
"""
import argparse
import json
import statistics
import time
from pathlib import Path

import torch

from unet import EmojiUNet

MODEL_DIR = Path(__file__).parent.parent / "starter" / "emoji-32"


def load_from_onnx(path: Path) -> EmojiUNet:
    import onnx  # only here: a GPU box may have torch without onnx (then use --checkpoint)
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    weights = {init.name: torch.from_numpy(numpy_helper.to_array(init).copy()) for init in graph.initializer}
    # The exporter deduplicates identical initializers and re-exposes them via Identity nodes.
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in weights:
            weights[node.output[0]] = weights[node.input[0]]
    model = EmojiUNet(num_classes=weights["class_emb.weight"].shape[0] - 1)
    model.load_state_dict({name: weights[name] for name in model.state_dict()})
    return model.eval()


def parity_error(model: EmojiUNet, fixture_path: Path) -> float:
    fx = json.loads(fixture_path.read_text())
    sample = torch.tensor(fx["sample"]["data"]).view(fx["sample"]["shape"])
    expected = torch.tensor(fx["noise_pred"]["data"]).view(fx["noise_pred"]["shape"])
    with torch.inference_mode():
        out = model(sample, torch.tensor(fx["timestep"]), torch.tensor(fx["class_labels"]))
    err = (out - expected).abs().max().item()
    if err > fx["tolerance"]:
        raise SystemExit(f"parity check failed: max abs error {err} > {fx['tolerance']}")
    return err


def time_forward(model: EmojiUNet, batch: int, iters: int, warmup_s: float, device: str = "cpu",
                 dtype: torch.dtype = torch.float32) -> list:
    """Milliseconds of `iters` calls, after warming up for warmup_s seconds and at least 20 calls."""
    gen = torch.Generator().manual_seed(0)
    sample = torch.randn(batch, 3, 32, 32, generator=gen).to(device, dtype)
    timestep = torch.full((batch,), 500.0, device=device, dtype=dtype)
    labels = torch.zeros(batch, dtype=torch.int64, device=device)
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    times = []
    with torch.inference_mode():
        start, calls = time.perf_counter(), 0
        while calls < 20 or time.perf_counter() - start < warmup_s:
            model(sample, timestep, labels)
            calls += 1
        for _ in range(iters):
            sync()
            t0 = time.perf_counter()
            model(sample, timestep, labels)
            sync()
            times.append((time.perf_counter() - t0) * 1000.0)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--warmup-s", type=float, default=2.0, help="warm-up seconds per batch size (at least 20 calls)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--batch", type=int, action="append", help="repeatable; default 1 and 2")
    ap.add_argument("--model-dir", type=Path, default=MODEL_DIR)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (GPU benchmark)")
    ap.add_argument("--checkpoint", type=Path, help="load the EMA weights from a training checkpoint instead")
    ap.add_argument("--precision", action="append", choices=["fp32", "tf32", "fp16"],
                    help="repeatable, CUDA only; default fp32")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    if args.checkpoint:
        ck = torch.load(args.checkpoint, map_location="cpu")
        model = EmojiUNet(num_classes=len(ck["classes"]))
        model.load_state_dict(ck["ema"])
        model.eval()
    else:
        model = load_from_onnx(args.model_dir / "unet.onnx")
    err = parity_error(model, args.model_dir / "parity.json")
    for precision in args.precision or ["fp32"]:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = precision == "tf32"
        dtype = torch.float16 if precision == "fp16" else torch.float32
        net = model.to(args.device, dtype)
        for round_ in range(args.rounds):
            for batch in args.batch or [1, 2]:
                times = time_forward(net, batch, args.iters, args.warmup_s, args.device, dtype)
                print(json.dumps({"threads": args.threads, "batch": batch, "round": round_,
                                  "ms_per_call_median": round(statistics.median(times), 3),
                                  "ms_min": round(min(times), 3), "ms_max": round(max(times), 3),
                                  "device": args.device, "precision": precision, "torch": torch.__version__,
                                  "parity_max_abs_err": err}), flush=True)


if __name__ == "__main__":
    main()
