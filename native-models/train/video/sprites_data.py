"""Procedural sprite clips for the sprites-16 starter (numpy only).

Classes: shape x motion, index = 5 * shape + motion, shapes (circle, square, triangle, star), motions
(left, right, up, down, rotate) -> 20 classes; the null class for CFG is 20. A disc is rotation-invariant,
so "circle rotate" is a circle that stays where it is (the one still class).

A clip is 16 frames x 32 x 32 RGB, uint8, on a plain background:
  background: a uniform random RGB colour; shape colour: uniform random RGB with
    |luma(shape) - luma(background)| >= 0.3 (luma = 0.299 R + 0.587 G + 0.114 B on [0, 1]);
  size: circumradius r ~ U[4.5, 7.5] px (circle radius 0.85 r, so the areas are alike);
  orientation: a random angle (the star and triangle point somewhere random);
  translation: speed v ~ U[0.7, min(1.4, (31 - 2r) / 15)] px / frame along the class direction (image y grows downward: "up"
    moves to smaller y); the start is uniform over the positions that keep the whole path inside
    [r, 32 - r] on both axes;
  rotation: angular speed w ~ U[6, 14] degrees / frame, random sign, at a uniform random centre in
    [r + 1, 31 - r];
  rendering: exact anti-aliasing by coverage = clip(0.5 - d, 0, 1) of the signed distance d (px) from the
    pixel centre to the shape outline (polygon: distance to the nearest edge, sign by the even-odd rule).
Pixels map to [-1, 1] by v / 127.5 - 1. Model layout [C=3, F=16, H=32, W=32].

Usage: /usr/bin/python3 sprites_data.py [--train-per-class 600] [--heldout-per-class 64] [--seed 0]
Writes data/sprites/sprites16.npz: train uint8 [N,16,32,32,3], train_label, heldout, heldout_label
(held-out clips come from another seed stream, seed + 1).
"""
import argparse
import json
import os
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("SPRITES_DATA", HERE.parent / "data" / "sprites" / "sprites16.npz"))  # env: quick tests
SHAPES = ["circle", "square", "triangle", "star"]
MOTIONS = ["left", "right", "up", "down", "rotate"]
CLASSES = [f"{s} {m}" for s in SHAPES for m in MOTIONS]
FRAMES, SIZE = 16, 32
DIRS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}


def outline(shape: str, r: float) -> np.ndarray:
    """Polygon vertices [V, 2] around the origin (circumradius r), angle 0 pointing to +x."""
    if shape == "square":
        a = np.pi / 4 + np.arange(4) * np.pi / 2
        return r * np.stack([np.cos(a), np.sin(a)], 1)
    if shape == "triangle":
        a = np.arange(3) * 2 * np.pi / 3
        return r * np.stack([np.cos(a), np.sin(a)], 1)
    if shape == "star":
        a = np.arange(10) * np.pi / 5
        rad = np.where(np.arange(10) % 2 == 0, r, 0.45 * r)
        return np.stack([rad * np.cos(a), rad * np.sin(a)], 1)
    raise ValueError(shape)


def polygon_sdf(p: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed distance [P] from points p [P, 2] to polygon v [V, 2] (negative inside)."""
    a, b = v, np.roll(v, -1, axis=0)
    ab = b - a
    ap = p[:, None, :] - a[None]
    t = np.clip((ap * ab).sum(-1) / (ab * ab).sum(-1), 0, 1)
    dist = np.linalg.norm(ap - t[..., None] * ab, axis=-1).min(1)
    # even-odd rule: count edges crossed by a ray towards +x
    ay, by = a[None, :, 1], b[None, :, 1]
    py, px = p[:, 1:2], p[:, 0:1]
    cross = ((ay > py) != (by > py)) & (px < a[None, :, 0] + (py - ay) * ab[None, :, 0] / (by - ay + 1e-12))
    inside = cross.sum(1) % 2 == 1
    return np.where(inside, -dist, dist)


PIX = np.stack(np.meshgrid(np.arange(SIZE) + 0.5, np.arange(SIZE) + 0.5, indexing="xy"), -1).reshape(-1, 2)


def luma(c: np.ndarray) -> float:
    return float(c @ np.array([0.299, 0.587, 0.114]))


def render_clip(label: int, rng: np.random.Generator) -> tuple:
    shape, motion = SHAPES[label // 5], MOTIONS[label % 5]
    bg = rng.random(3)
    while True:
        fg = rng.random(3)
        if abs(luma(fg) - luma(bg)) >= 0.3:
            break
    r = rng.uniform(4.5, 7.5)
    theta0 = rng.uniform(0, 2 * np.pi)
    params = {"label": label, "shape": shape, "motion": motion, "r": round(r, 3)}
    if motion == "rotate":
        w = np.deg2rad(rng.uniform(6, 14)) * rng.choice([-1, 1])
        c = rng.uniform(r + 1, SIZE - 1 - r, size=2)
        centres = np.repeat(c[None], FRAMES, 0)
        angles = theta0 + w * np.arange(FRAMES)
        params["deg_per_frame"] = round(float(np.rad2deg(w)), 3)
    else:
        v = rng.uniform(0.7, min(1.4, (SIZE - 2 * r - 1) / (FRAMES - 1)))
        d = np.array(DIRS[motion], np.float64)
        travel = v * (FRAMES - 1)
        lo = np.array([r, r]) - np.minimum(d, 0) * travel
        hi = np.array([SIZE - r, SIZE - r]) - np.maximum(d, 0) * travel
        c = rng.uniform(lo, hi)
        centres = c[None] + d[None] * v * np.arange(FRAMES)[:, None]
        angles = np.full(FRAMES, theta0)
        params["px_per_frame"] = round(float(v), 3)
    # Rotate the pixel offsets by -angle instead of the outline by +angle (one polygon for all frames).
    q = PIX[None] - centres[:, None]  # [F, P, 2]
    ca, sa = np.cos(angles)[:, None], np.sin(angles)[:, None]
    q = np.stack([ca * q[..., 0] + sa * q[..., 1], -sa * q[..., 0] + ca * q[..., 1]], -1).reshape(-1, 2)
    if shape == "circle":
        sd = np.linalg.norm(q, axis=1) - 0.85 * r
    else:
        sd = polygon_sdf(q, outline(shape, r))
    cov = np.clip(0.5 - sd, 0, 1).reshape(FRAMES, SIZE, SIZE, 1)
    clip = cov * fg + (1 - cov) * bg
    return np.round(clip * 255).astype(np.uint8), params


def make(n_per_class: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(CLASSES)), n_per_class)
    rng.shuffle(labels)
    clips, params = zip(*(render_clip(int(k), rng) for k in labels))
    return np.stack(clips), labels.astype(np.int64), list(params)


def to_model(clips_uint8: np.ndarray) -> np.ndarray:
    """uint8 [N, F, H, W, 3] -> float32 [N, 3, F, H, W] in [-1, 1]."""
    return clips_uint8.transpose(0, 4, 1, 2, 3).astype(np.float32) / 127.5 - 1.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-per-class", type=int, default=600)
    ap.add_argument("--heldout-per-class", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    tr, trl, trp = make(args.train_per_class, args.seed)
    he, hel, hep = make(args.heldout_per_class, args.seed + 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp.npz")
    np.savez(tmp, train=tr, train_label=trl, heldout=he, heldout_label=hel, classes=np.array(CLASSES),
             train_params=np.array([json.dumps(p) for p in trp]), heldout_params=np.array([json.dumps(p) for p in hep]))
    tmp.replace(args.out)
    print(json.dumps({"train": len(tr), "heldout": len(he), "classes": len(CLASSES), "out": str(args.out)}))


if __name__ == "__main__":
    main()
