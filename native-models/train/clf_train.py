"""Shared training loop for the held-out classifiers of the audio and video starters.

Cross-entropy, AdamW (weight decay 1e-4), cosine learning rate to 0 over the run, one seeded CPU
generator for order and augmentation; evaluated on the validation set after every epoch, the best
epoch's weights kept (run_dir/best.pt); checkpoint every epoch (atomic replace), --resume continues.
Models return (logits, features).
"""
import argparse
import math
import time
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class FeatureClassifier(nn.Module):
    """body -> global average pool over every axis after the channels -> Linear(C, 128) + ReLU = features ->
    dropout 0.3 -> Linear(128, classes) = logits. forward returns (logits [B, K], features [B, 128])."""

    FEATURES = 128

    def __init__(self, body: nn.Module, channels: int, num_classes: int):
        super().__init__()
        self.body = body
        self.fc = nn.Linear(channels, self.FEATURES)
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(self.FEATURES, num_classes)

    def forward(self, x: torch.Tensor) -> tuple:
        h = self.body(x)
        features = F.relu(self.fc(h.mean(dim=tuple(range(2, h.dim())))))
        return self.head(self.drop(features)), features


def add_args(ap: argparse.ArgumentParser, run_dir: Path, epochs: int) -> None:
    ap.add_argument("--run-dir", type=Path, default=run_dir)
    ap.add_argument("--epochs", type=int, default=epochs)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resume", action="store_true")


@torch.no_grad()
def predict(model: torch.nn.Module, x, prepare: Optional[Callable] = None, batch: int = 128) -> tuple:
    """x [N, ...] (numpy or tensor) -> (logits [N, K], features [N, D]) as numpy."""
    model.eval()
    logits, feats = [], []
    for i in range(0, len(x), batch):
        b = torch.as_tensor(np.asarray(x[i : i + batch])).float()
        lg, ft = model(prepare(b) if prepare else b)
        logits.append(lg.numpy()), feats.append(ft.numpy())
    return np.concatenate(logits), np.concatenate(feats)


def frechet(f1: np.ndarray, f2: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two feature sets [N, D] (Heusel et al. 2017, FID's formula)."""
    from scipy import linalg

    mu1, mu2 = f1.mean(0), f2.mean(0)
    s1, s2 = np.cov(f1, rowvar=False), np.cov(f2, rowvar=False)
    covmean, _ = linalg.sqrtm(s1 @ s2, disp=False)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean.real))


def accuracy(logits: np.ndarray, labels: np.ndarray) -> dict:
    pred = logits.argmax(1)
    k = logits.shape[1]
    per = [round(float((pred[labels == c] == c).mean()), 4) if (labels == c).any() else None for c in range(k)]
    return {"accuracy": round(float((pred == labels).mean()), 4), "per_class": per, "n": int(len(labels))}


def fit(
    model: torch.nn.Module,
    x_tr: torch.Tensor,
    y_tr: torch.Tensor,
    x_val,
    y_val: np.ndarray,
    args: argparse.Namespace,
    augment: Optional[Callable[[torch.Tensor, torch.Generator], torch.Tensor]] = None,
    prepare: Optional[Callable[[torch.Tensor], torch.Tensor]] = None,
    augment_labels: Optional[Callable[[torch.Tensor, torch.Tensor, torch.Generator], tuple]] = None,
) -> dict:
    """prepare(batch) decodes stored data; augment(x, gen) or augment_labels(x, y, gen) -> (x, y) augments.
    Train; returns {"seconds", "best", "history"}; leaves the best weights loaded in `model`."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    n = len(x_tr)
    steps_per_epoch = n // args.batch
    total = steps_per_epoch * args.epochs
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / total)))
    args.run_dir.mkdir(parents=True, exist_ok=True)
    ckpt = args.run_dir / "ckpt.pt"
    epoch, elapsed, best, history = 0, 0.0, None, []
    if args.resume and ckpt.exists():
        ck = torch.load(ckpt)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        gen.set_state(ck["gen"])
        epoch, elapsed, best, history = ck["epoch"], ck["elapsed"], ck["best"], ck["history"]
    log = open(args.run_dir / "train.log", "a")
    log.write(f"# params={sum(p.numel() for p in model.parameters())} train={n} val={len(y_val)} "
              f"epochs={args.epochs} batch={args.batch} start_epoch={epoch}\n")
    log.flush()
    while epoch < args.epochs:
        model.train()
        t0 = time.time()
        perm = torch.randperm(n, generator=gen)
        run_loss = 0.0
        for s in range(steps_per_epoch):
            idx = perm[s * args.batch : (s + 1) * args.batch]
            x = x_tr[idx].float()
            x = prepare(x) if prepare else x
            x = augment(x, gen) if augment else x
            y = y_tr[idx]
            if augment_labels:
                x, y = augment_labels(x, y, gen)
            logits, _ = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            run_loss += loss.item()
            if (s + 1) % 50 == 0:
                log.write(f"epoch {epoch + 1} step {s + 1}/{steps_per_epoch} loss {run_loss / (s + 1):.4f} "
                          f"s/iter {(time.time() - t0) / (s + 1):.3f}\n")
                log.flush()
        epoch += 1
        elapsed += time.time() - t0
        val = accuracy(predict(model, x_val, prepare)[0], y_val)["accuracy"]
        history.append({"epoch": epoch, "loss": round(run_loss / steps_per_epoch, 4), "val": val})
        log.write(f"# epoch {epoch} loss {run_loss / steps_per_epoch:.4f} val {val:.4f} elapsed {elapsed:.0f}s\n")
        log.flush()
        if best is None or val >= best["val"]:
            best = {"epoch": epoch, "val": val}
            torch.save(model.state_dict(), args.run_dir / "best.tmp")
            (args.run_dir / "best.tmp").replace(args.run_dir / "best.pt")
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "gen": gen.get_state(), "epoch": epoch, "elapsed": elapsed, "best": best, "history": history},
                   ckpt.with_suffix(".tmp"))
        ckpt.with_suffix(".tmp").replace(ckpt)
    log.close()
    model.load_state_dict(torch.load(args.run_dir / "best.pt"))
    return {"seconds": round(elapsed, 1), "best": best, "history": history}
