"""Ancestral sampler for EDM-formulation molecule models (Hoogeboom et al. 2022) and the
EDM-protocol metrics, for qm9-mini-edm (or any EDMDynamics checkpoint).

Sampler (own implementation of EDM's p(z_s | z_t)): with gamma(t) = gamma_table[round(t T)],
alpha_t^2 = sigmoid(-gamma_t), sigma_t^2 = sigmoid(gamma_t), on the grid t_k = k/S
(S = --steps, S = T = 1000 is EDM's sampler; fewer steps use the same formulas on a coarser
grid), for k = S .. 1, s = (k-1)/S:
    sigma2_{t|s} = -expm1(softplus(gamma_s) - softplus(gamma_t)),
    alpha_{t|s} = exp(0.5 (logsigmoid(-gamma_t) - logsigmoid(-gamma_s)))
    eps = net(z_t, t, mask)
    mu = z_t / alpha_{t|s} - sigma2_{t|s} / alpha_{t|s} / sigma_t * eps
    z_s = mu + sigma_{t|s} sigma_s / sigma_t * noise      (noise: x part mean-removed, masked)
    x part of z_s mean-removed over the real atoms
then at t = 0: x = (z_0 - sigma_0 eps) / alpha_0 + sqrt(sigma_0^2 / alpha_0^2) noise_x,
atom type = argmax of z_0[one-hot] (x4), charge = round(10 z_0[charge]).
z_T: x ~ N(0, I) mean-removed over the real atoms, h ~ N(0, I), padding zero.
Atom counts are drawn from the training histogram (training.json / data set).

Metrics: see chem.py (atom / molecule stability from EDM's bond-length rule, validity =
RDKit sanitisation of the distance-perceived molecule, uniqueness of the valid molecules'
largest-fragment canonical SMILES, novelty of the unique ones vs train-smiles.txt).

Usage: /usr/bin/python3 sample_edm.py --run-dir ../runs/qm9mini-edm [--n 1000] [--steps 1000]
       [--batch 100] [--out metrics.json] [--xyz samples.xyz] [--data-baseline]
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
import torch.nn.functional as F  # noqa: E402

import chem  # noqa: E402
import data as D  # noqa: E402
from egnn_edm import EDMDynamics, gamma_table  # noqa: E402

HERE = Path(__file__).resolve().parent
STARTER = HERE.parent.parent / "starter" / "qm9-mini-edm"
T = 1000


def noise_like(B, N, mask, gen, width=9):
    e = torch.randn(B, N, width, generator=gen) * mask
    x = e[:, :, :3]
    x = x - x.sum(1, keepdim=True) / mask.sum(1, keepdim=True) * mask
    return torch.cat([x, e[:, :, 3:]], 2)


@torch.no_grad()
def sample(model, n_atoms: list, steps: int, gen: torch.Generator, gamma: torch.Tensor, hydrogens="explicit"):
    """Explicit H: [(pos, types 0..4 over H C N O F, charges)]; hydrogen counts: [(pos, elements
    0..3 over C N O F, hydrogen counts 0..4)]."""
    B, N = len(n_atoms), max(n_atoms)
    W = 3 + model.in_node_nf
    mask = torch.zeros(B, N, 1)
    for b, n in enumerate(n_atoms):
        mask[b, :n] = 1
    z = noise_like(B, N, mask, gen, W)
    g_of = lambda t: gamma[int(round(t * T))]  # noqa: E731
    for k in range(steps, 0, -1):
        t, s = k / steps, (k - 1) / steps
        gt, gs = g_of(t), g_of(s)
        sigma2_ts = -torch.expm1(F.softplus(gs) - F.softplus(gt))
        alpha_ts = torch.exp(0.5 * (F.logsigmoid(-gt) - F.logsigmoid(-gs)))
        sigma_t, sigma_s = torch.sigmoid(gt).sqrt(), torch.sigmoid(gs).sqrt()
        eps = model(z, torch.full((B, 1), t), mask)
        mu = z / alpha_ts - (sigma2_ts / alpha_ts / sigma_t) * eps
        z = mu + (sigma2_ts.sqrt() * sigma_s / sigma_t) * noise_like(B, N, mask, gen, W)
        x = z[:, :, :3]
        z = torch.cat([x - x.sum(1, keepdim=True) / mask.sum(1, keepdim=True) * mask, z[:, :, 3:]], 2) * mask
    g0 = gamma[0]
    a0, s0 = torch.sigmoid(-g0).sqrt(), torch.sigmoid(g0).sqrt()
    eps = model(z, torch.zeros(B, 1), mask)
    x = (z[:, :, :3] - s0 * eps[:, :, :3]) / a0 + (s0 / a0) * noise_like(B, N, mask, gen, W)[:, :, :3]
    x = (x - x.sum(1, keepdim=True) / mask.sum(1, keepdim=True) * mask) * mask
    if hydrogens == "counts":
        types = z[:, :, 3:7].argmax(-1)
        third = z[:, :, 7:7 + D.MAX_H + 1].argmax(-1)
    else:
        types = (z[:, :, 3:8] * 4).argmax(-1)
        third = torch.round(z[:, :, 8] * 10)
    out = []
    for b, n in enumerate(n_atoms):
        out.append((x[b, :n].numpy().astype(np.float64), types[b, :n].numpy(), third[b, :n].numpy()))
    return out


def generate(model, d: dict, hydrogens: str, n: int, steps: int, seed: int, batch: int = 100) -> list:
    """n molecules, atom counts drawn from the training histogram (heavy atoms for counts)."""
    hist = D.heavy_atom_histogram(d, "train") if hydrogens == "counts" else D.atom_count_histogram(d, "train")
    ns = np.array(list(hist.keys()))
    p = np.array(list(hist.values()), dtype=np.float64)
    rng = np.random.default_rng(seed)
    n_atoms = rng.choice(ns, size=n, p=p / p.sum()).tolist()
    gen = torch.Generator().manual_seed(seed)
    gamma = gamma_table(T, 2.0, 1e-5)
    mols = []
    for i in range(0, n, batch):
        mols += sample(model, sorted(n_atoms[i:i + batch]), steps, gen, gamma, hydrogens)
    return mols


def score_set(mols, hydrogens: str, train_smiles: set = None) -> dict:
    if train_smiles is None:
        train_smiles = train_smiles_set()
    return score_heavy(mols, train_smiles) if hydrogens == "counts" else score(mols, train_smiles)


def score_heavy(mols, train_smiles: set) -> dict:
    """EDM-protocol scores of heavy-atom molecules with hydrogen counts (chem.heavy_* helpers):
    stability = perceived heavy-heavy bond orders + hydrogen count equal the valence."""
    heavy_atoms = stable_heavy = stable_mols = 0
    valid, valid_conn, over9 = [], 0, 0
    for pos, el, nh in mols:
        st = chem.heavy_stability(pos, el, nh)
        stable_heavy += st[0]
        heavy_atoms += st[1]
        stable_mols += st[2]
        ok, smi, conn = chem.heavy_validity_smiles(pos, el, nh)
        if ok:
            valid.append(smi)
            valid_conn += conn
    uniq = set(valid)
    novel = [s for s in uniq if s not in train_smiles]
    n = len(mols)
    h_atoms = sum(int(np.sum(nh)) for _, _, nh in mols)
    return {"samples": n,
            "atom_stability_with_h": round(100 * (stable_heavy + h_atoms) / (heavy_atoms + h_atoms), 2),
            "heavy_atom_stability": round(100 * stable_heavy / heavy_atoms, 2),
            "molecule_stability": round(100 * stable_mols / n, 2), "validity": round(100 * len(valid) / n, 2),
            "valid_and_connected": round(100 * valid_conn / n, 2),
            "uniqueness_of_valid": round(100 * len(uniq) / max(1, len(valid)), 2),
            "novelty_of_unique": round(100 * len(novel) / max(1, len(uniq)), 2)}


def score(mols, train_smiles: set) -> dict:
    n_atoms = stable_atoms = stable_mols = 0
    valid, valid_conn = [], 0
    for pos, types, _ in mols:
        sa, na, sm = chem.stability(pos, types)
        stable_atoms += sa
        n_atoms += na
        stable_mols += sm
        ok, smi, conn = chem.validity_smiles(pos, types)
        if ok:
            valid.append(smi)
            valid_conn += conn
    uniq = set(valid)
    novel = [s for s in uniq if s not in train_smiles]
    n = len(mols)
    return {"samples": n, "atom_stability": round(100 * stable_atoms / n_atoms, 2),
            "molecule_stability": round(100 * stable_mols / n, 2), "validity": round(100 * len(valid) / n, 2),
            "valid_and_connected": round(100 * valid_conn / n, 2),
            "uniqueness_of_valid": round(100 * len(uniq) / max(1, len(valid)), 2),
            "valid_and_unique": round(100 * len(uniq) / n, 2),
            "novelty_of_unique": round(100 * len(novel) / max(1, len(uniq)), 2)}


def train_smiles_set() -> set:
    """Canonical heavy-atom SMILES of the training molecules (as written to train-smiles.txt)."""
    return set(l.strip() for l in (STARTER / "train-smiles.txt").read_text().splitlines() if l.strip())


def to_xyz(mols) -> str:
    out = []
    for pos, types, _ in mols:
        out.append(f"{len(types)}\n")
        out += [f"{chem.ATOMS[t]} {p[0]:.5f} {p[1]:.5f} {p[2]:.5f}\n" for p, t in zip(pos, types)]
    return "".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "qm9mini-edm")
    ap.add_argument("--which", default="ema")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--xyz", type=Path, default=None)
    ap.add_argument("--data-baseline", action="store_true", help="score the held-out conformers instead")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    d = D.load()
    tsmi = train_smiles_set()
    if args.data_baseline:
        types, pos, _ = D.conformers(d, "heldout")
        mols = [(p.astype(np.float64), t, None) for t, p in zip(types, pos)]
        rep = {"what": "held-out conformers (ETKDG+MMFF), all", **score(mols, tsmi)}
        print(json.dumps(rep))
        if args.out:
            args.out.write_text(json.dumps(rep, indent=2) + "\n")
        return
    ck = torch.load(args.run_dir / "ckpt.pt")
    model = EDMDynamics(**ck["config"])
    model.load_state_dict(ck[args.which])
    model.eval()
    hist = D.atom_count_histogram(d, "train")
    ns = np.array(list(hist.keys()))
    p = np.array(list(hist.values()), dtype=np.float64)
    rng = np.random.default_rng(args.seed)
    n_atoms = rng.choice(ns, size=args.n, p=p / p.sum()).tolist()
    gen = torch.Generator().manual_seed(args.seed)
    gamma = gamma_table(T, 2.0, 1e-5)
    mols, t0, c0 = [], time.time(), time.process_time()
    for i in range(0, args.n, args.batch):
        chunk = sorted(n_atoms[i:i + args.batch])
        mols += sample(model, chunk, args.steps, gen, gamma)
        print(f"{len(mols)}/{args.n} {time.time() - t0:.0f}s", flush=True)
    rep = {"step": ck["step"], "weights": args.which, "sampler_steps": args.steps, "seed": args.seed,
           "wall_seconds": round(time.time() - t0, 1), "cpu_seconds": round(time.process_time() - c0, 1),
           **score(mols, tsmi)}
    print(json.dumps(rep))
    if args.out:
        args.out.write_text(json.dumps(rep, indent=2) + "\n")
    if args.xyz:
        args.xyz.write_text(to_xyz(mols))


if __name__ == "__main__":
    main()
