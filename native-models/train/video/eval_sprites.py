"""sprites-16 metrics with the held-out clip classifier (an offline FVD stand-in), samples for the card.

Guidance sweep (--sweep, --sweep-per-class clips per class), then --per-class clips per class with the
chosen w (../sampling.py: DPM-Solver++(2M) in σ-space by default, 25 steps, the studio's "model" schedule),
clipped to [-1, 1] and quantised to uint8 as a saved clip would be, then:
  accuracy (shape x motion, 20 classes), shape accuracy, motion accuracy, per class;
  Frechet distance in the classifier's 128-d features, generated vs held-out real; for scale, real
    training clips (same count) vs held-out real;
  mean absolute frame-to-frame difference (pixels in [0, 1], mean over |x[f+1] - x[f]|) of generated
    clips and of held-out real clips, and its per-class ratio.
--publish writes samples.gif (4 clips per class, 20 rows, 8 fps, 1:1 pixels) and samples.png (one clip per class,
every other frame) to starter/sprites-16/.

Usage: flock /work/agents/train.lock nice -n 15 /usr/bin/python3 eval_sprites.py --run-dir ../runs/sprites-16 \
       --clf-dir ../runs/sprites-clf [--sweep 1 2 3 4] [--per-class 16] [--publish]
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from clf_train import accuracy, frechet, predict  # noqa: E402
from model import ClipClassifier, SpriteUNet  # noqa: E402
from sampling import sample  # noqa: E402
from sprites_data import CLASSES, OUT  # noqa: E402
from train_classifier import decode, shape_motion  # noqa: E402

STARTER = Path(os.environ.get("SPRITES_STARTER", HERE.parent.parent / "starter" / "sprites-16"))


def load_unet(run_dir: Path) -> SpriteUNet:
    ck = torch.load(run_dir / "ckpt.pt")
    model = SpriteUNet(num_classes=len(ck["classes"]))
    model.load_state_dict(ck["ema"])
    return model.eval()


def load_classifier(clf_dir: Path) -> ClipClassifier:
    model = ClipClassifier(num_classes=len(CLASSES))
    model.load_state_dict(torch.load(clf_dir / "best.pt"))
    return model.eval()


def generate(unet, labels: np.ndarray, args, guidance: float, seed: int) -> tuple:
    """-> uint8 clips [N,3,16,32,32] (clipped, rounded like a saved clip), seconds."""
    t0 = time.time()
    x = sample(unet, torch.from_numpy(labels), (3, 16, 32, 32), args.steps, guidance,
               torch.Generator().manual_seed(seed), sampler=args.sampler, chunk=args.chunk)
    clips = ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
    return clips, time.time() - t0


def frame_diff(clips_uint8: np.ndarray) -> np.ndarray:
    """[N,3,F,H,W] uint8 -> per-clip mean |x[f+1] - x[f]| in [0, 1] units, [N]."""
    x = clips_uint8.astype(np.float32) / 255.0
    return np.abs(np.diff(x, axis=2)).mean(axis=(1, 2, 3, 4))


def score(clf, clips: np.ndarray, labels: np.ndarray, ft_ref: np.ndarray) -> tuple:
    lg, ft = predict(clf, clips, decode)
    fd = frame_diff(clips)
    return {**accuracy(lg, labels), **shape_motion(lg, labels), "fd_vs_heldout_real": round(frechet(ft, ft_ref), 3),
            "frame_diff": round(float(fd.mean()), 5)}, lg


def to_rgb_frames(clip: np.ndarray) -> np.ndarray:
    return clip.transpose(1, 2, 3, 0)  # [F,H,W,3]


def publish(clips: np.ndarray, per_class: int, guidance: float, args) -> None:
    STARTER.mkdir(parents=True, exist_ok=True)
    cols = min(4, per_class)
    frames = []
    for f in range(16):
        rows = [np.concatenate([to_rgb_frames(clips[c * per_class + j])[f] for j in range(cols)], 1)
                for c in range(len(CLASSES))]
        img = Image.fromarray(np.concatenate(rows, 0))
        frames.append(img)
    frames[0].save(STARTER / "samples.gif", save_all=True, append_images=frames[1:], duration=125, loop=0,
                   optimize=True)
    rows = [np.concatenate(list(to_rgb_frames(clips[c * per_class])[::2]), 1) for c in range(len(CLASSES))]
    img = Image.fromarray(np.concatenate(rows, 0))
    img.resize((img.width * 2, img.height * 2), Image.NEAREST).save(STARTER / "samples.png", optimize=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "sprites-16")
    ap.add_argument("--clf-dir", type=Path, default=HERE.parent / "runs" / "sprites-clf")
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--sampler", default="dpmpp-2m")
    ap.add_argument("--sweep", type=float, nargs="*", default=[1.0, 2.0, 3.0, 4.0])
    ap.add_argument("--sweep-per-class", type=int, default=4)
    ap.add_argument("--guidance", type=float, default=None)
    ap.add_argument("--per-class", type=int, default=16)
    ap.add_argument("--chunk", type=int, default=16)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--publish", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    out = args.out or args.run_dir / "metrics.json"
    unet, clf = load_unet(args.run_dir), load_classifier(args.clf_dir)
    d = np.load(OUT)
    he = np.ascontiguousarray(d["heldout"].transpose(0, 4, 1, 2, 3))
    he_y = d["heldout_label"]
    lg_h, ft_h = predict(clf, he, decode)
    fd_h = frame_diff(he)
    res = {"steps": args.steps, "sampler": args.sampler, "per_class": args.per_class,
           "heldout_real": {**accuracy(lg_h, he_y), **shape_motion(lg_h, he_y), "frame_diff": round(float(fd_h.mean()), 5)}}
    n_ref = len(CLASSES) * args.per_class
    tr = np.ascontiguousarray(d["train"][:n_ref].transpose(0, 4, 1, 2, 3))
    res["train_real_vs_heldout_fd"] = round(frechet(predict(clf, tr, decode)[1], ft_h), 3)
    print(json.dumps(res), flush=True)

    sweep = []
    if args.guidance is None:
        labels = np.repeat(np.arange(len(CLASSES)), args.sweep_per_class)
        for w in args.sweep:
            clips, ts = generate(unet, labels, args, w, args.seed + 1)
            row, _ = score(clf, clips, labels, ft_h)
            row = {"guidance": w, **row, "sample_seconds": round(ts, 1)}
            row.pop("per_class")
            sweep.append(row)
            print(json.dumps(row), flush=True)
        guidance = max(sweep, key=lambda r: (r["accuracy"], -r["fd_vs_heldout_real"]))["guidance"]
    else:
        guidance = args.guidance
    res["sweep"], res["guidance"] = sweep, guidance

    labels = np.repeat(np.arange(len(CLASSES)), args.per_class)
    clips, ts = generate(unet, labels, args, guidance, args.seed + 2)
    row, lg = score(clf, clips, labels, ft_h)
    fd_g = frame_diff(clips)
    row["frame_diff_ratio_per_class"] = [round(float(fd_g[labels == c].mean() / fd_h[he_y == c].mean()), 3)
                                         for c in range(len(CLASSES))]
    row["sample_seconds_per_clip"] = round(ts / len(labels), 2)
    res["generated"] = row
    res["torch_threads"] = args.threads
    out.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps({k: v for k, v in row.items() if k not in ("per_class", "frame_diff_ratio_per_class")}))
    if args.publish:
        publish(clips, args.per_class, guidance, args)


if __name__ == "__main__":
    main()
