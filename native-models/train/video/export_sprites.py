"""Export sprites-16: unet.onnx + classifier.onnx, parity fixtures, training.json and starter.json.

unet.onnx:       sample f32 [batch,3,16,32,32] (B, C, F, H, W), timestep f32 [batch] (continuous, 0..999),
                 class_labels i64 [batch] (0..19, 20 = null) -> noise_pred f32 [batch,3,16,32,32]
classifier.onnx: clip f32 [batch,3,16,32,32] in [-1, 1] -> logits f32 [batch,20], features f32 [batch,128]

Usage: /usr/bin/python3 export_sprites.py [--run-dir ../runs/sprites-16] [--clf-dir ../runs/sprites-clf]
       [--metrics ../runs/sprites-16/metrics.json]
"""
import argparse
import json
import platform
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from diffusion import manifest_schedule, training_schedule  # noqa: E402
from eval_sprites import STARTER, load_classifier, load_unet  # noqa: E402
from onnx_io import export, io_shapes, parity, write_json  # noqa: E402
from sprites_data import CLASSES, FRAMES, MOTIONS, OUT, SHAPES, SIZE  # noqa: E402

PARITY_SEED = 1234
FPS = 8


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "sprites-16")
    ap.add_argument("--clf-dir", type=Path, default=HERE.parent / "runs" / "sprites-clf")
    ap.add_argument("--metrics", type=Path, default=None)
    args = ap.parse_args()
    STARTER.mkdir(parents=True, exist_ok=True)
    unet, clf = load_unet(args.run_dir), load_classifier(args.clf_dir)
    K = len(CLASSES)
    shape = (3, FRAMES, SIZE, SIZE)

    g = torch.Generator().manual_seed(PARITY_SEED)
    export(unet, (torch.zeros((2,) + shape), torch.tensor([999.0, 0.0]), torch.tensor([0, K])),
           ["sample", "timestep", "class_labels"], ["noise_pred"], STARTER / "unet.onnx")
    # Batch 1 and inputs to 2 decimals, every 4th output value: keeps the fixture ~0.4 MB.
    write_json(STARTER / "parity.json", parity(unet, str(STARTER / "unet.onnx"), {
        "sample": torch.randn((1,) + shape, generator=g), "timestep": torch.tensor([123.5]),
        "class_labels": torch.tensor([7])}, PARITY_SEED, input_decimals=2, output_stride=4), compact=True)
    d = np.load(OUT)
    he = torch.from_numpy(np.ascontiguousarray(d["heldout"][:1].transpose(0, 4, 1, 2, 3))).float() / 127.5 - 1
    export(clf, (torch.zeros((2,) + shape),), ["clip"], ["logits", "features"], STARTER / "classifier.onnx")
    write_json(STARTER / "parity-classifier.json",
               parity(clf, str(STARTER / "classifier.onnx"), {"clip": he}, PARITY_SEED, input_decimals=2),
               compact=True)

    summary = json.loads((args.run_dir / "summary.json").read_text())
    clf_summary = json.loads((args.clf_dir / "summary.json").read_text())
    metrics = json.loads(args.metrics.read_text()) if args.metrics else None
    files = {p.name: p.stat().st_size for p in sorted(STARTER.glob("*.onnx"))}
    training = {
        "model": "sprites-16",
        "denoiser": {
            "architecture": "factorised space-time UNet: frames folded into the batch, 2x2 space-to-depth, 2D "
                            "ResBlocks 64/128/128 at 16/8/4 (of the folded grid), temporal Conv1d(k=3) after "
                            "every level, temporal attention at 8x8 (encoder and decoder), spatial attention "
                            "at 4x4; emoji-32 ResBlocks and embeddings; 21 class rows",
            "parameters": summary["parameters"], "onnx": io_shapes(STARTER / "unet.onnx"),
            **{k: summary[k] for k in ("iterations", "batch_size", "lr", "warmup", "ema_decay", "label_dropout",
                                       "seconds", "final_loss", "seed", "threads", "torch")},
            "final_loss_note": f"mean epsilon MSE over the last {summary['final_loss_window']} iterations",
        },
        "classifier": {
            "architecture": "3D CNN: Conv3d(k3)-BN-ReLU 16 | pool(1,2,2) | 32 | pool 2 | 64 | pool 2 | 128, global "
                            "average pool, Linear(128,128)+ReLU = features, dropout 0.3, Linear(128,20)",
            "onnx": io_shapes(STARTER / "classifier.onnx"), **clf_summary,
        },
        "schedule": training_schedule(), "classes": CLASSES, "null_class_index": K,
        "data": {"generator": "native-models/train/video/sprites_data.py (numpy only, procedural; no licence "
                              "encumbrance)", "train_clips": int(len(d["train_label"])),
                 "heldout_clips": int(len(d["heldout_label"])), "command": "/usr/bin/python3 sprites_data.py",
                 "train_seed": 0, "heldout_seed": 1},
        "hardware": f"CPU ({platform.processor() or platform.machine()}), 2 threads, shared 2-core VM, nice 15",
        "onnx_bytes": files, "metrics": metrics,
    }
    write_json(STARTER / "training.json", training)
    gen = (metrics or {}).get("generated", {})
    starter = {
        "id": "sprites-16", "modality": "video", "kind": "class-conditional pixel-space video DDPM",
        "classes": CLASSES, "shapes": SHAPES, "motions": MOTIONS, "class_index": "5 * shape + motion",
        "null_class": K,
        "denoiser": {"file": "unet.onnx", **io_shapes(STARTER / "unet.onnx")},
        "classifier": {"file": "classifier.onnx", **io_shapes(STARTER / "classifier.onnx")},
        "schedule": manifest_schedule(),
        "parameterization": "epsilon",
        "sample": {"kind": "video", "layout": "[B, C, F, H, W]", "channels": 3, "frames": FRAMES, "height": SIZE,
                   "width": SIZE, "pixelRange": [-1, 1], "fps": FPS},
        "defaults": {"sampler": (metrics or {}).get("sampler", "dpmpp-2m"), "steps": (metrics or {}).get("steps", 25),
                     "guidance": (metrics or {}).get("guidance"), "schedule": "model"},
        "measured": {"generated_accuracy": gen.get("accuracy"), "shape_accuracy": gen.get("shape_accuracy"),
                     "motion_accuracy": gen.get("motion_accuracy"), "fd": gen.get("fd_vs_heldout_real")},
        "licence": "weights and data: Diffusion Studio (procedural data, numpy); see README.md",
    }
    write_json(STARTER / "starter.json", starter)
    print(json.dumps({"files": files}))


if __name__ == "__main__":
    main()
