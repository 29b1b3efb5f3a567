"""A small emoji-category classifier for judging the emoji-32 generator (`npm run bench:emoji`).

Data: data/emoji32.pt (prepare_emoji.py: the 1906 Noto emoji of emoji-datasource-google@16, 9
categories, 32x32 RGB on white). Split per class with a seeded permutation: 80 % train, 20 %
held out (never seen by the classifier; the generator saw every image, so the held-out images
test the classifier, not the generator).

Network (~0.3 M parameters): three stages of two 3x3 conv + BatchNorm + ReLU (32, 64, 128 channels,
2x2 max-pool between stages), global average pool, dropout 0.3, linear 9. Input [B, 3, 32, 32] in
[-1, 1] (the generator's pixel range), output logits [B, 9] in categories.json order.
Training: AdamW lr 2e-3, weight decay 5e-4, cosine over --epochs, batch 64, label smoothing 0.1;
augmentation: horizontal flip, translation by up to 3 px (white padding), brightness/contrast
jitter of 10 %, and Gaussian pixel noise of std U(0, 0.1) so that slightly noisy generated samples
are judged by their content.

Writes main/engine/bench/fixtures/emoji-classifier.onnx (opset 17, B dynamic; BatchNorm folded
by the exporter), emoji-classifier.json (split, held-out accuracy and confusion matrix, training
facts), emoji-classifier-parity.json (seeded input + PyTorch logits) and emoji-heldout.png (the
held-out images as a sprite sheet, 20 per row in held-out order, labels in the JSON).

Usage: /usr/bin/python3 emoji_classifier.py [--epochs 40] [--seed 0] [--threads 2]
"""
import argparse
import json
import math
import os
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "main" / "engine" / "bench" / "fixtures"


class Classifier(nn.Module):
    def __init__(self, classes: int = 9):
        super().__init__()
        layers, c_in = [], 3
        for i, c in enumerate((32, 64, 128)):
            layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(),
                       nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU()]
            if i < 2:
                layers.append(nn.MaxPool2d(2))
            c_in = c
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(c_in, classes))

    def forward(self, x):
        return self.head(self.features(x).mean((2, 3)))


def split(labels: torch.Tensor, seed: int, held: float = 0.2):
    g = torch.Generator().manual_seed(seed)
    train, test = [], []
    for c in labels.unique().tolist():
        idx = torch.nonzero(labels == c).flatten()
        idx = idx[torch.randperm(len(idx), generator=g)]
        k = int(round(held * len(idx)))
        test += idx[:k].tolist()
        train += idx[k:].tolist()
    return sorted(train), sorted(test)


def augment(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    B = x.shape[0]
    flip = torch.rand(B, generator=g) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    pad = F.pad(x, (3, 3, 3, 3), value=1.0)
    out = torch.empty_like(x)
    dx = torch.randint(0, 7, (B,), generator=g)
    dy = torch.randint(0, 7, (B,), generator=g)
    for b in range(B):
        out[b] = pad[b, :, dy[b]:dy[b] + 32, dx[b]:dx[b] + 32]
    scale = 1 + 0.1 * (2 * torch.rand(B, 1, 1, 1, generator=g) - 1)
    shift = 0.1 * (2 * torch.rand(B, 1, 1, 1, generator=g) - 1)
    out = out * scale + shift
    std = 0.1 * torch.rand(B, 1, 1, 1, generator=g)
    return (out + std * torch.randn(out.shape, generator=g)).clamp(-1.5, 1.5)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=HERE / "data" / "emoji32.pt")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    d = torch.load(args.data)
    x = d["images"].float() / 127.5 - 1.0
    y = d["labels"]
    classes = d["classes"]
    train, test = split(y, args.seed)
    xt, yt = x[train], y[train]
    model = Classifier(len(classes))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-4)
    steps = args.epochs * math.ceil(len(train) / args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))))
    g = torch.Generator().manual_seed(args.seed + 1)
    t0, c0 = time.time(), time.process_time()
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(train), generator=g)
        total = 0.0
        for i in range(0, len(train), args.batch):
            b = perm[i:i + args.batch]
            loss = F.cross_entropy(model(augment(xt[b], g)), yt[b], label_smoothing=0.1)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(b)
        if (epoch + 1) % 5 == 0:
            print(f"epoch {epoch + 1} loss {total / len(train):.4f} {time.time() - t0:.0f}s", flush=True)
    model.eval()
    with torch.no_grad():
        pred = model(x[test]).argmax(1)
        train_acc = float((model(xt).argmax(1) == yt).float().mean())
    yh = y[test]
    K = len(classes)
    confusion = [[int(((yh == i) & (pred == j)).sum()) for j in range(K)] for i in range(K)]
    recall = {classes[i]: round(confusion[i][i] / max(1, sum(confusion[i])), 4) for i in range(K)}
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "emoji-classifier.onnx"
    torch.onnx.export(model, (torch.zeros(2, 3, 32, 32),), str(path), opset_version=17, input_names=["image"],
                      output_names=["logits"], dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(str(path)))
    pg = torch.Generator().manual_seed(1234)
    probe = torch.cat([x[test[:1]], torch.rand(1, 3, 32, 32, generator=pg) * 2 - 1])
    with torch.no_grad():
        logits = model(probe)
    r6 = lambda t: [float(f"{v:.6g}") for v in t.flatten().tolist()]  # noqa: E731
    (OUT / "emoji-classifier-parity.json").write_text(json.dumps({
        "model": path.name, "seed": 1234, "tolerance": 1e-4,
        "inputs": [{"name": "image", "dtype": "float32", "shape": list(probe.shape), "data": r6(probe)}],
        "outputs": [{"name": "logits", "shape": list(logits.shape), "data": r6(logits)}]},
        separators=(",", ":")) + "\n")
    from PIL import Image
    per_row = 20
    rows = math.ceil(len(test) / per_row)
    sheet = np.full((rows * 32, per_row * 32, 3), 255, dtype=np.uint8)
    for k, i in enumerate(test):
        r, c = divmod(k, per_row)
        sheet[r * 32:(r + 1) * 32, c * 32:(c + 1) * 32] = d["images"][i].permute(1, 2, 0).numpy()
    Image.fromarray(sheet).save(OUT / "emoji-heldout.png", optimize=True)
    report = {
        "model": path.name, "bytes": path.stat().st_size,
        "parameters": sum(p.numel() for p in model.parameters()),
        "input": "image f32 [B, 3, 32, 32], RGB in [-1, 1] (pixel / 127.5 - 1, composited on white)",
        "output": "logits f32 [B, 9], classes in this order", "classes": classes,
        "data": d["package"] + " (Noto Emoji, Apache-2.0), prepare_emoji.py: 1906 images",
        "split": {"seed": args.seed, "held_out_fraction": 0.2, "train": len(train), "held_out": len(test),
                  "held_out_indices": test},
        "held_out_sheet": {"file": "emoji-heldout.png", "tile": 32, "per_row": per_row,
                           "labels": yh.tolist()},
        "held_out_accuracy": round(float((pred == yh).float().mean()), 4), "train_accuracy": round(train_acc, 4),
        "held_out_recall": recall, "confusion_held_out": confusion,
        "confusion_note": "rows = true class, columns = predicted, classes in order",
        "training": {"epochs": args.epochs, "batch": args.batch, "optimizer": "AdamW lr 2e-3 wd 5e-4, cosine",
                     "label_smoothing": 0.1, "wall_seconds": round(time.time() - t0, 1),
                     "cpu_seconds": round(time.process_time() - c0, 1), "threads": args.threads,
                     "torch": torch.__version__, "hardware": "CPU, shared 2-core VM"},
    }
    (OUT / "emoji-classifier.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("held_out_accuracy", "train_accuracy", "held_out_recall")}))


if __name__ == "__main__":
    main()
