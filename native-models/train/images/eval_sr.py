"""Evaluate photo-sr4 on the held-out photos against bicubic and Lanczos.

Usage: nice -n 19 /usr/bin/python3 eval_sr.py --run-dir ../runs/sr4 [--nfe 1 2 4 10 20] [--sigma-max 80]
       [--heun] [--out ../runs/sr4/eval.json] [--samples ../../starter/photo-sr4/samples.png]

For every held-out photo (assets/samples/heldout/*.png, sides multiples of 16):
  HR = the PNG, LR = 8-bit rounded x4 area (4x4 block mean) downsample of HR,
  bicubic / Lanczos = PIL resize of the 8-bit LR (Image.BICUBIC / Image.LANCZOS),
  model = deterministic Euler (or Heun) on the Karras schedule (rho 7), seeded noise per photo.
PSNR and SSIM are on the 8-bit RGB result over the whole image (no border shave);
SSIM = skimage.metrics.structural_similarity(channel_axis=2, data_range=255), Gaussian 7x7 default window.
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from data import downsample4, quantize
from export import load_ema
from nets import Denoiser, karras_sigmas, sample

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
HELDOUT = REPO / "assets" / "samples" / "heldout"
SIGMA_MIN = 0.002


def to_t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(a).permute(2, 0, 1).float().unsqueeze(0) / 127.5 - 1


def to_u8(t: torch.Tensor) -> np.ndarray:
    return ((t[0].clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).numpy()


def metrics(ref: np.ndarray, out: np.ndarray) -> dict:
    return {"psnr": float(peak_signal_noise_ratio(ref, out, data_range=255)),
            "ssim": float(structural_similarity(ref, out, channel_axis=2, data_range=255))}


def heldout_photos() -> list:
    return sorted(p for p in HELDOUT.glob("*.png"))


def run_model(den: Denoiser, lr: torch.Tensor, nfe: int, sigma_max: float, heun: bool, seed: int) -> torch.Tensor:
    steps = (nfe + 1) // 2 if heun else nfe
    sig = karras_sigmas(steps, SIGMA_MIN, sigma_max)
    noise = torch.randn(1, 3, lr.shape[2] * 4, lr.shape[3] * 4, generator=torch.Generator().manual_seed(seed))
    x, used = sample(lambda x, s: den(x, s, {"low_res": lr}), None, sig, noise, heun=heun)
    return x, used


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "sr4")
    ap.add_argument("--nfe", type=int, nargs="+", default=[1, 2, 4, 10, 20])
    ap.add_argument("--sigma-max", type=float, nargs="+", default=[80.0])
    ap.add_argument("--heun", action="store_true", help="also run Heun (NFE 3, 5, 9, 19 ~ 2, 3, 5, 10 steps)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--samples", type=Path, default=None, help="write a samples.png (NFE 4 Euler, first sigma_max)")
    args = ap.parse_args()
    torch.set_num_threads(1)

    net, ck = load_ema("sr", args.run_dir)
    den = Denoiser(net, "sr")
    rows, sample_rows = [], []
    t_start = time.time()
    for i, path in enumerate(heldout_photos()):
        hr_u8 = np.asarray(Image.open(path).convert("RGB"))
        hr = to_t(hr_u8)
        lr = quantize(downsample4(hr))
        lr_u8 = to_u8(lr)
        size = (hr_u8.shape[1], hr_u8.shape[0])
        lr_img = Image.fromarray(lr_u8)
        res = {"photo": path.stem, "size": list(size)}
        res["bicubic"] = metrics(hr_u8, np.asarray(lr_img.resize(size, Image.BICUBIC)))
        res["lanczos"] = metrics(hr_u8, np.asarray(lr_img.resize(size, Image.LANCZOS)))
        for smax in args.sigma_max:
            for heun in ([False, True] if args.heun else [False]):
                for nfe in args.nfe:
                    if heun and nfe < 3:
                        continue
                    t0 = time.time()
                    x, used = run_model(den, lr, nfe, smax, heun, args.seed + i)
                    out_u8 = to_u8(x)
                    key = f"{'heun' if heun else 'euler'}_nfe{used}_smax{smax:g}"
                    res[key] = {**metrics(hr_u8, out_u8), "seconds": round(time.time() - t0, 2)}
                    if smax == args.sigma_max[0] and not heun and nfe == 4:
                        sample_rows.append((np.asarray(lr_img.resize(size, Image.NEAREST)),
                                            np.asarray(lr_img.resize(size, Image.BICUBIC)), out_u8, hr_u8))
        rows.append(res)
        print(json.dumps(res))

    keys = [k for k in rows[0] if k not in ("photo", "size")]
    mean = {k: {m: float(np.mean([r[k][m] for r in rows])) for m in ("psnr", "ssim")} for k in keys}
    report = {"run": str(args.run_dir), "step": ck["step"], "sigma_min": SIGMA_MIN, "rho": 7,
              "downsample": "x4 area (4x4 block mean), rounded to 8 bit", "photos": rows, "mean": mean,
              "eval_seconds": round(time.time() - t_start, 1)}
    for k, v in mean.items():
        print(f"{k:28s} PSNR {v['psnr']:.2f}  SSIM {v['ssim']:.4f}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    if args.samples and sample_rows:
        write_samples(sample_rows, args.samples)


def write_samples(rows: list, path: Path, max_rows: int = 4, crop: int = 192) -> None:
    """One row per photo: LR (nearest) | bicubic | photo-sr4 (Euler, 4 NFE) | reference, centre crops."""
    tiles = []
    for cols in rows[:max_rows]:
        h, w, _ = cols[0].shape
        y, x = (h - crop) // 2, (w - crop) // 2
        tiles.append(np.concatenate([c[y:y + crop, x:x + crop] for c in cols], axis=1))
    Image.fromarray(np.concatenate(tiles, axis=0)).save(path, optimize=True)


if __name__ == "__main__":
    main()
