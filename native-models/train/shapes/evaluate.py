"""Sample shapes-2k with the EDM Heun sampler and score them against the held-out split.

Metrics per class (generated set and reference set of equal size n, PointFlow protocol):
  CD(X, Y) = mean_{x in X} min_{y in Y} |x - y|^2 + mean_{y in Y} min_{x in X} |x - y|^2
             (squared Euclidean, both clouds already in the [-1,1]^3 bounding-box normalisation;
              generated clouds are re-normalised with the same bounding-box rule first)
  1-NNA-CD: leave-one-out 1-nearest-neighbour accuracy over the union (2n clouds), 50 % ideal
  COV-CD:   fraction of references that are the nearest reference of at least one sample
  MMD-CD:   mean over references of the CD to the closest sample (reported x 10^3)

Usage: /usr/bin/python3 evaluate.py --run-dir ../runs/shapes2k [--ref export|full] [--per-class 24]
       [--steps 13] [--guidance 1.0] [--sigma-max 80] [--out metrics.json] [--preview samples.png]
"""
import argparse
import json
import os
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

from model import PointDenoiser, sample_heun  # noqa: E402

HERE = Path(__file__).resolve().parent


def bbox_normalise(x: torch.Tensor) -> torch.Tensor:
    lo, hi = x.min(1, keepdim=True).values, x.max(1, keepdim=True).values
    return (x - (lo + hi) / 2) / ((hi - lo) / 2).amax(2, keepdim=True)


def chamfer_matrix(A: torch.Tensor, B: torch.Tensor = None) -> torch.Tensor:
    """[len(A), len(B)] squared-distance Chamfer (sum of both directional means), exact nearest
    neighbours with k-d trees (scipy cKDTree). B = None: the symmetric A x A matrix."""
    a = [cKDTree(x.numpy().astype(np.float64)) for x in A]
    b = a if B is None else [cKDTree(x.numpy().astype(np.float64)) for x in B]
    out = torch.zeros(len(a), len(b))
    for i, ta in enumerate(a):
        for j, tb in enumerate(b):
            if B is None and j <= i:
                continue
            d1 = tb.query(ta.data, k=1)[0]
            d2 = ta.query(tb.data, k=1)[0]
            out[i, j] = float((d1 ** 2).mean() + (d2 ** 2).mean())
    if B is None:
        out = out + out.T
    return out


def metrics(gen: torch.Tensor, ref: torch.Tensor) -> dict:
    n = len(gen)
    d_gr = chamfer_matrix(gen, ref)
    d_gg = chamfer_matrix(gen)
    d_rr = chamfer_matrix(ref)
    full = torch.cat([torch.cat([d_gg, d_gr], 1), torch.cat([d_gr.T, d_rr], 1)], 0)
    full.fill_diagonal_(float("inf"))
    lab = torch.cat([torch.zeros(n), torch.ones(len(ref))])
    nn_idx = full.argmin(1)
    nna = (lab[nn_idx] == lab).float().mean().item()
    cov = len(set(d_gr.argmin(1).tolist())) / len(ref)
    mmd = d_gr.min(0).values.mean().item()
    return {"1-NNA-CD": round(100 * nna, 2), "COV-CD": round(100 * cov, 2), "MMD-CD_x1e3": round(1e3 * mmd, 3)}


def load_model(run_dir: Path, which: str = "ema"):
    ck = torch.load(run_dir / "ckpt.pt")
    m = PointDenoiser(**ck["config"])
    m.load_state_dict(ck[which])
    return m.eval(), ck


def references(ref: str, per_class: int):
    if ref == "export":
        root = HERE.parent.parent / "starter" / "shapes-2k"
        hdr = json.loads((root / "heldout.json").read_text())
        x = np.frombuffer((root / "heldout.bin").read_bytes(), dtype="<f4").reshape(hdr["shape"])
        y = np.array(hdr["labels"])
        classes = hdr["classes"]
    else:
        d = np.load(HERE.parent / "data" / "shapes" / "shapes2k.npz")
        x, y, classes = d["heldout_x"], d["heldout_y"], [str(c) for c in d["classes"]]
    out = {}
    for k, c in enumerate(classes):
        idx = np.flatnonzero(y == k)[:per_class]
        out[c] = torch.from_numpy(np.ascontiguousarray(x[idx]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "shapes2k")
    ap.add_argument("--ref", default="export", choices=["export", "full"])
    ap.add_argument("--per-class", type=int, default=24)
    ap.add_argument("--steps", type=int, default=13, help="Heun steps; NFE = 2*steps-1")
    ap.add_argument("--euler", action="store_true")
    ap.add_argument("--guidance", type=float, default=1.0)
    ap.add_argument("--sigma-max", type=float, default=80.0)
    ap.add_argument("--sigma-min", type=float, default=0.002)
    ap.add_argument("--rho", type=float, default=7.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--classes", default="", help="comma list (default all)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--save-samples", type=Path, default=None)
    ap.add_argument("--preview", type=Path, default=None)
    ap.add_argument("--data-baseline", action="store_true",
                    help="score fresh generator shapes (held-out split, indices per_class..2 per_class-1 of "
                         "every class) instead of model samples: the ideal-model reference point")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    model, ck = load_model(args.run_dir)
    sd = ck["sigma_data"]
    refs = references(args.ref, args.per_class)
    wanted = [c for c in refs if not args.classes or c in args.classes.split(",")]
    gen = torch.Generator().manual_seed(args.seed)
    results, samples, t0 = {}, {}, time.time()
    for c in wanted:
        k = ck["classes"].index(c)
        ref = refs[c]
        labels = torch.full((len(ref),), k, dtype=torch.long)
        if args.data_baseline:
            d = np.load(HERE.parent / "data" / "shapes" / "shapes2k.npz")
            idx = np.flatnonzero(d["heldout_y"] == k)[args.per_class:2 * args.per_class]
            samples[c] = torch.from_numpy(d["heldout_x"][idx])
            results[c] = metrics(samples[c], ref)
            nfe = 0
            print(c, results[c], flush=True)
            continue
        x, nfe = sample_heun(model, labels, 2048, sd, steps=args.steps, sigma_min=args.sigma_min,
                             sigma_max=args.sigma_max, rho=args.rho, guidance=args.guidance, gen=gen,
                             euler=args.euler)
        x = bbox_normalise(x)
        samples[c] = x
        results[c] = metrics(x, ref)
        print(c, results[c], f"{time.time() - t0:.0f}s", flush=True)
    mean = {m: round(float(np.mean([r[m] for r in results.values()])), 3) for m in next(iter(results.values()))}
    report = {"step": ck["step"], "what": "data baseline" if args.data_baseline else "model", "ref": args.ref, "per_class": args.per_class, "nfe": nfe,
              "sampler": "euler" if args.euler else "heun", "steps": args.steps, "guidance": args.guidance,
              "sigma_min": args.sigma_min, "sigma_max": args.sigma_max, "rho": args.rho, "seed": args.seed,
              "per_class_metrics": results, "mean": mean}
    print(json.dumps(report))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")
    if args.save_samples:
        torch.save(samples, args.save_samples)
    if args.preview:
        from shapes_data import preview
        xs = torch.cat([samples[c][:6] for c in wanted]).numpy()
        ys = np.concatenate([[ck["classes"].index(c)] * min(6, len(samples[c])) for c in wanted])
        preview(xs, ys, args.preview, title=f"shapes-2k samples: Heun {nfe} NFE, guidance {args.guidance}")


if __name__ == "__main__":
    main()
