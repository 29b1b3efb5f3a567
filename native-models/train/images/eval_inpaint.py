"""Evaluate photo-inpaint on the held-out photos against a blur-fill baseline.

Usage: nice -n 19 /usr/bin/python3 eval_inpaint.py --run-dir ../runs/inpaint [--steps 10 20] [--sigma-max 80]
       [--out ../runs/inpaint/eval.json] [--samples ../../starter/photo-inpaint/samples.png]

Cases: the centre 256x256 crop of every held-out photo (assets/samples/heldout), with 4 masks each:
a centred 128x128 box (the app's "128 px hole on a 256 px crop" case) and 3 masks from the training
mask generator (brush strokes / boxes / border band / half image) with a fixed evaluation seed
(1000 + photo index; training uses other draws of the same generator family).
Model: deterministic Euler (and Heun with --heun) on the Karras schedule (rho 7, sigma_min 0.002),
seeded noise per case; the known pixels are pasted back at the end.
Metrics inside the mask only, on the 8-bit result: MAE (0..255) and PSNR (10 log10(255^2 / MSE)).
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from data import blur_fill, random_mask
from eval_sr import heldout_photos, to_t, to_u8
from export import load_ema
from nets import Denoiser, karras_sigmas, sample

HERE = Path(__file__).resolve().parent
SIGMA_MIN = 0.002
CROP = 256


def masked_metrics(ref: np.ndarray, out: np.ndarray, mask: np.ndarray) -> dict:
    m = mask.astype(bool)
    d = ref.astype(np.float64)[m] - out.astype(np.float64)[m]
    mse = float(np.mean(d ** 2))
    return {"mae": float(np.mean(np.abs(d))), "psnr": float(10 * np.log10(255 ** 2 / max(mse, 1e-10)))}


def cases() -> list:
    out = []
    for i, path in enumerate(heldout_photos()):
        img = Image.open(path).convert("RGB")
        w, h = img.size
        crop = np.asarray(img.crop(((w - CROP) // 2, (h - CROP) // 2, (w - CROP) // 2 + CROP, (h - CROP) // 2 + CROP)))
        box = torch.zeros(1, CROP, CROP)
        box[:, 64:192, 64:192] = 1
        masks = [("box128", box)]
        gen = torch.Generator().manual_seed(1000 + i)
        masks += [(f"random{j}", random_mask(CROP, gen)) for j in range(3)]
        for name, m in masks:
            out.append({"photo": path.stem, "mask_name": name, "image": crop, "mask": m.unsqueeze(0)})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "inpaint")
    ap.add_argument("--steps", type=int, nargs="+", default=[10, 20])
    ap.add_argument("--sigma-max", type=float, default=80.0)
    ap.add_argument("--heun", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--samples", type=Path, default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)

    net, ck = load_ema("inpaint", args.run_dir)
    den = Denoiser(net, "inpaint")
    rows, sample_rows = [], []
    t_start = time.time()
    for ci, c in enumerate(cases()):
        ref = c["image"]
        y, m = to_t(ref), c["mask"]
        masked = y * (1 - m)
        m_np = m[0, 0].numpy()[:, :, None].repeat(3, axis=2)
        res = {"photo": c["photo"], "mask": c["mask_name"], "mask_fraction": float(m.mean())}
        res["blur_fill"] = masked_metrics(ref, to_u8(blur_fill(y, m)), m_np)
        variants = [(s, False) for s in args.steps] + ([(s, True) for s in args.steps] if args.heun else [])
        for steps, heun in variants:
            sig = karras_sigmas(steps, SIGMA_MIN, args.sigma_max)
            noise = torch.randn(y.shape, generator=torch.Generator().manual_seed(args.seed + ci))
            t0 = time.time()
            x, nfe = sample(lambda x, s: den(x, s, {"mask": m, "masked": masked}), None, sig, noise, heun=heun)
            x = y * (1 - m) + x * m
            out_u8 = to_u8(x)
            key = f"{'heun' if heun else 'euler'}_steps{steps}_nfe{nfe}"
            res[key] = {**masked_metrics(ref, out_u8, m_np), "seconds": round(time.time() - t0, 2)}
            if steps == max(args.steps) and not heun and c["mask_name"] in ("box128", "random0"):
                vis_in = to_u8(masked + m * 0.0)
                sample_rows.append((vis_in, to_u8(blur_fill(y, m)), out_u8, ref))
        rows.append(res)
        print(json.dumps(res))

    keys = [k for k in rows[0] if k not in ("photo", "mask", "mask_fraction")]
    mean = {k: {mm: float(np.mean([r[k][mm] for r in rows])) for mm in ("mae", "psnr")} for k in keys}
    report = {"run": str(args.run_dir), "step": ck["step"], "sigma_min": SIGMA_MIN, "sigma_max": args.sigma_max,
              "rho": 7, "crop": CROP, "cases": rows, "mean": mean, "eval_seconds": round(time.time() - t_start, 1)}
    for k, v in mean.items():
        print(f"{k:28s} MAE {v['mae']:.2f}  PSNR {v['psnr']:.2f}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    if args.samples and sample_rows:
        tiles = [np.concatenate(r, axis=1) for r in sample_rows[:6]]
        Image.fromarray(np.concatenate(tiles, axis=0)).save(args.samples, optimize=True)


if __name__ == "__main__":
    main()
