"""Train the held-out digit classifier (model.DigitClassifier) on the training voices only.

Validation: 5 % of the training VOICES (seeded) are set aside for choosing the epoch; the held-out
voices (split 1) are only used for the reported test accuracy. Augmentation (seeded generator):
time shift by -6..6 frames (floor-filled), one frequency and one time mask of 0..6 rows/frames
(SpecAugment, floor-filled), Gaussian noise sigma 0.03 on half the batch. Loop: ../clf_train.py
(AdamW lr 1e-3, cosine, batch 64, best epoch by validation accuracy).

Usage: flock /work/agents/train.lock nice -n 15 /usr/bin/python3 train_classifier.py --epochs 6 \
       [--run-dir ../runs/digits-clf] [--resume]
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import data as digits  # noqa: E402
from clf_train import accuracy, add_args, fit, predict  # noqa: E402
from model import DigitClassifier, count_params  # noqa: E402


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """x [B,1,64,64] -> shifted, masked, half of it noised."""
    b = len(x)
    shift = torch.randint(-6, 7, (b,), generator=gen)
    frames = torch.arange(64)[None, :] - shift[:, None]  # source frame per output frame
    valid = (frames >= 0) & (frames < 64)
    x = torch.gather(x, 3, frames.clamp(0, 63)[:, None, None, :].expand(b, 1, 64, 64))
    x = torch.where(valid[:, None, None, :], x, torch.full_like(x, -1.0))
    for axis in (2, 3):
        w = torch.randint(0, 7, (b,), generator=gen)
        s = (torch.rand(b, generator=gen) * (64 - w)).long()
        idx = torch.arange(64)[None, :]
        m = (idx >= s[:, None]) & (idx < (s + w)[:, None])
        m = m[:, None, :, None] if axis == 2 else m[:, None, None, :]
        x = torch.where(m, torch.full_like(x, -1.0), x)
    noisy = (torch.rand(b, generator=gen) < 0.5)[:, None, None, None]
    return torch.where(noisy, x + 0.03 * torch.randn(x.shape, generator=gen), x)


def main() -> None:
    ap = argparse.ArgumentParser()
    add_args(ap, HERE.parent / "runs" / "digits-clf", epochs=6)
    args = ap.parse_args()
    d = digits.load()
    train_voices = np.unique(d["voice"][d["split"] == 0])
    rng = np.random.default_rng(args.seed)
    val_voices = rng.choice(train_voices, size=max(1, round(0.05 * len(train_voices))), replace=False)
    is_val = np.isin(d["voice"], val_voices) & (d["split"] == 0)
    tr, te = (d["split"] == 0) & ~is_val, d["split"] == 1
    mel = d["mel"][:, None]  # [N,1,64,64]
    model = DigitClassifier()
    res = fit(model, torch.from_numpy(mel[tr]), torch.from_numpy(d["label"][tr]), mel[is_val], d["label"][is_val],
              args, augment=augment)

    test = accuracy(predict(model, mel[te])[0], d["label"][te])
    npz, params = d["npz"], d["params"]
    hv, hl = set(npz["heldout_variants"].tolist()), set(npz["heldout_langs"].tolist())
    groups = {
        "espeak_unseen_variant": np.array([p["engine"] == "espeak" and p["variant"] in hv for p in params]),
        "espeak_unseen_language_seen_variant": np.array(
            [p["engine"] == "espeak" and p["lang"] in hl and p["variant"] not in hv for p in params]),
        "flite_slt": np.array([p["engine"] == "flite" for p in params]),
    }
    by_group = {k: accuracy(predict(model, mel[te & m])[0], d["label"][te & m]) for k, m in groups.items()}
    summary = {
        "parameters": count_params(model), "epochs": args.epochs, "best_epoch": res["best"]["epoch"],
        "batch": args.batch, "lr": args.lr, "seed": args.seed, "threads": args.threads, "seconds": res["seconds"],
        "train_clips": int(tr.sum()), "val_clips": int(is_val.sum()), "val_voices": int(len(val_voices)),
        "val_accuracy": res["best"]["val"], "test_heldout_voices": test, "test_by_group": by_group,
        "history": res["history"], "torch": torch.__version__,
    }
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({"test": test["accuracy"], "by_group": {k: v["accuracy"] for k, v in by_group.items()},
                      "val": res["best"]["val"]}))


if __name__ == "__main__":
    main()
