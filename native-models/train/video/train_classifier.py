"""Train the held-out clip classifier (model.ClipClassifier) on the sprites-16 training clips.

Validation (choosing the epoch): the last 5 % of the training clips. The held-out clips (another seed
stream) are only used for the reported test accuracy. Augmentation (seeded): horizontal flip with
left <-> right swapped, vertical flip with up <-> down swapped (a flipped rotation is still a rotation;
the shapes' orientations are random anyway), Gaussian noise sigma 0.05 on half the batch.
Loop: ../clf_train.py (AdamW lr 1e-3, cosine, best epoch by validation accuracy).

Usage: flock /work/agents/train.lock nice -n 15 /usr/bin/python3 train_classifier.py --epochs 4 --batch 32 \
       [--run-dir ../runs/sprites-clf] [--resume]
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from clf_train import accuracy, add_args, fit, predict  # noqa: E402
from model import ClipClassifier, count_params  # noqa: E402
from sprites_data import CLASSES, MOTIONS, OUT  # noqa: E402

SWAP_H = torch.tensor([1, 0, 2, 3, 4])  # motion index after a horizontal flip (left <-> right)
SWAP_V = torch.tensor([0, 1, 3, 2, 4])  # after a vertical flip (up <-> down)


def decode(b: torch.Tensor) -> torch.Tensor:
    return b / 127.5 - 1.0


def augment_with_labels(x: torch.Tensor, y: torch.Tensor, gen: torch.Generator) -> tuple:
    fh = torch.rand(len(x), generator=gen) < 0.5
    fv = torch.rand(len(x), generator=gen) < 0.5
    x = torch.where(fh[:, None, None, None, None], x.flip(4), x)
    x = torch.where(fv[:, None, None, None, None], x.flip(3), x)
    shape, motion = y // 5, y % 5
    motion = torch.where(fh, SWAP_H[motion], motion)
    motion = torch.where(fv, SWAP_V[motion], motion)
    noisy = (torch.rand(len(x), generator=gen) < 0.5)[:, None, None, None, None]
    x = torch.where(noisy, x + 0.05 * torch.randn(x.shape, generator=gen), x)
    return x, shape * 5 + motion


def shape_motion(logits: np.ndarray, labels: np.ndarray) -> dict:
    pred = logits.argmax(1)
    return {"shape_accuracy": round(float((pred // 5 == labels // 5).mean()), 4),
            "motion_accuracy": round(float((pred % 5 == labels % 5).mean()), 4)}


def main() -> None:
    ap = argparse.ArgumentParser()
    add_args(ap, HERE.parent / "runs" / "sprites-clf", epochs=4)
    args = ap.parse_args()
    d = np.load(OUT)
    x = np.ascontiguousarray(d["train"].transpose(0, 4, 1, 2, 3))  # uint8 [N,3,F,H,W]
    y = d["train_label"]
    n_val = len(x) // 20
    x_tr, y_tr, x_va, y_va = x[:-n_val], y[:-n_val], x[-n_val:], y[-n_val:]
    he = np.ascontiguousarray(d["heldout"].transpose(0, 4, 1, 2, 3))
    he_y = d["heldout_label"]
    model = ClipClassifier(num_classes=len(CLASSES))
    res = fit(model, torch.from_numpy(x_tr), torch.from_numpy(y_tr), x_va, y_va, args,
              augment_labels=augment_with_labels, prepare=decode)
    lg, _ = predict(model, he, decode)
    test = {**accuracy(lg, he_y), **shape_motion(lg, he_y)}
    summary = {
        "parameters": count_params(model), "epochs": args.epochs, "best_epoch": res["best"]["epoch"],
        "batch": args.batch, "lr": args.lr, "seed": args.seed, "threads": args.threads, "seconds": res["seconds"],
        "train_clips": int(len(x_tr)), "val_clips": int(n_val), "val_accuracy": res["best"]["val"],
        "test_heldout": test, "history": res["history"], "torch": torch.__version__, "motions": MOTIONS,
    }
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({"test": test["accuracy"], "shape": test["shape_accuracy"], "motion": test["motion_accuracy"],
                      "val": res["best"]["val"]}))


if __name__ == "__main__":
    main()
