"""Train qm9-mini-conf: EDM-preconditioned (Karras et al. 2022) E(3)-equivariant conformer
denoiser conditioned on the molecular graph, on CPU.

Loss per conformer (N real atoms, x centred, Angstrom):
  ln(sigma) ~ N(P_MEAN, P_STD^2); n = N(0, I) with its mean over the atoms removed;
  x_noisy = x + sigma n;  target = (x - c_skip x_noisy) / c_out;
  loss = mean over atoms and coordinates of (F(c_in x_noisy, ln(sigma)/4, atoms, edges) - target)^2
(= EDM's lambda(sigma)-weighted denoising loss). Same-size batches (anchor conformer drawn
uniformly, the rest from its atom-count bucket), so training needs no padding.

--atoms heavy (the shipped model): the graph and the positions are the heavy atoms only, each atom
carrying its hydrogen count (data.heavy_conformer_features: 10 atom channels, 11 edge channels with
path lengths up to >= 6 and the cis / trans relation across double bonds); the studio places the
hydrogens afterwards. --atoms explicit: every atom, the 6 / 7-channel features of data.edge_features.

Usage: nice -n 19 /usr/bin/python3 train_conf.py --iters 12000 [--atoms heavy] [--resume]
"""
import argparse
import copy
import json
import math
import os
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import data as D  # noqa: E402
from conf_model import ConfDenoiser, count_params, precond  # noqa: E402

HERE = Path(__file__).resolve().parent
P_MEAN, P_STD = -1.2, 1.2
EMA_DECAY = 0.999


def atom_features(types: np.ndarray) -> torch.Tensor:
    """[n, 6]: one-hot (H, C, N, O, F) + formal charge (0 for every atom of this data set)."""
    return torch.cat([torch.nn.functional.one_hot(torch.from_numpy(types), 5).float(),
                      torch.zeros(len(types), 1)], 1)


def ema_update(ema, model, step):
    decay = min(EMA_DECAY, (1 + step) / (10 + step))
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters()):
            e.lerp_(p, 1.0 - decay)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "qm9mini-conf")
    ap.add_argument("--iters", type=int, required=True)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--lr-final", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--nf", type=int, default=128)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--atoms", choices=["heavy", "explicit"], default="heavy")
    ap.add_argument("--stereo-dropout", type=float, default=0.2,
                    help="heavy: share of training conformers shown without cis / trans flags (unspecified E/Z)")
    ap.add_argument("--init", type=Path, default=None, help="start from this checkpoint's EMA weights")
    ap.add_argument("--until", type=int, default=0, help="stop (checkpointed) at this step; the schedule "
                                                         "still spans --iters, so a later --resume continues it")
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    d = D.load()
    mols = d["mols"]
    if args.atoms == "heavy":
        items, mol_idx = D.heavy_conformer_set(d, "train")
        xs = [torch.from_numpy(q) for q, _, _ in items]
        atom_of = [torch.from_numpy(a) for _, a, _ in items]
        edge_of = [torch.from_numpy(e) for _, _, e in items]  # uint8, cast per batch
        sizes = np.array([len(q) for q in xs])
        model = ConfDenoiser(nf=args.nf, layers=args.layers, edge_channels=D.HEAVY_EDGE_CHANNELS,
                             atom_in=D.HEAVY_ATOM_CHANNELS)
    else:
        types, pos, mol_idx = D.conformers(d, "train")
        feats = {}
        for k in np.unique(mol_idx):
            m = mols[k]
            feats[k] = (atom_features(m["types"]), torch.from_numpy(D.edge_features(len(m["types"]), m["kbonds"])))
        xs = [torch.from_numpy(p).float() for p in pos]
        atom_of = [feats[k][0] for k in mol_idx]
        edge_of = [feats[k][1] for k in mol_idx]
        sizes = np.array([len(t) for t in types])
        model = ConfDenoiser(nf=args.nf, layers=args.layers)
    sigma_data = float(torch.cat([x.reshape(-1) for x in xs]).std())
    buckets = {n: torch.from_numpy(np.flatnonzero(sizes == n)) for n in np.unique(sizes)}
    if args.init is not None and not (args.resume and (args.run_dir / "ckpt.pt").exists()):
        model.load_state_dict(torch.load(args.init)["ema"])
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)

    def lr_at(s):
        warm = min(1.0, (s + 1) / args.warmup)
        prog = min(1.0, s / max(1, args.iters))
        return warm * (args.lr_final + (1 - args.lr_final) * 0.5 * (1 + math.cos(math.pi * prog)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_at)
    args.run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = args.run_dir / "ckpt.pt"
    step, elapsed, cpu, recent = 0, 0.0, 0.0, []
    if args.resume and ckpt_path.exists():
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        gen.set_state(ck["gen"])
        step, elapsed, cpu, recent = ck["step"], ck["elapsed"], ck["cpu"], ck["recent"]

    def save():
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "gen": gen.get_state(), "step": step, "elapsed": elapsed,
                    "cpu": cpu, "recent": recent, "config": model.config, "sigma_data": sigma_data,
                    "atoms": args.atoms}, tmp)
        tmp.replace(ckpt_path)

    log = open(args.run_dir / "train.log", "a")
    log.write(f"# params={count_params(model)} iters={args.iters} batch={args.batch} lr={args.lr} seed={args.seed} "
              f"threads={args.threads} conformers={len(xs)} sigma_data={sigma_data:.6f} start_step={step} "
              f"config={model.config}\n")
    log.flush()
    wl, wn, w0 = 0.0, 0, time.time()
    stop = min(args.iters, args.until) if args.until else args.iters
    while step < stop:
        t0, c0 = time.time(), time.process_time()
        anchor = int(torch.randint(0, len(xs), (1,), generator=gen))
        n = int(sizes[anchor])
        b = buckets[n]
        idx = [anchor] + [int(i) for i in b[torch.randint(0, len(b), (args.batch - 1,), generator=gen)]]
        x = torch.stack([xs[i] for i in idx])
        atoms = torch.stack([atom_of[i] for i in idx])
        edges = torch.stack([edge_of[i] for i in idx]).float()
        if args.atoms == "heavy" and args.stereo_dropout > 0:
            drop = torch.rand(len(idx), generator=gen) < args.stereo_dropout
            edges[drop, :, :, 9:11] = 0
        B = len(idx)
        mask = torch.ones(B, n, 1)
        sigma = (torch.randn(B, generator=gen) * P_STD + P_MEAN).exp()
        noise = torch.randn(B, n, 3, generator=gen)
        noise = noise - noise.mean(1, keepdim=True)
        xn = x + sigma[:, None, None] * noise
        c_skip, c_out, c_in, c_noise = precond(sigma, sigma_data)
        target = (x - c_skip[:, None, None] * xn) / c_out[:, None, None]
        loss = (model(xn * c_in[:, None, None], c_noise, atoms, edges, mask) - target).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        ema_update(ema, model, step)
        step += 1
        elapsed += time.time() - t0
        cpu += time.process_time() - c0
        recent = (recent + [loss.item()])[-200:]
        wl, wn = wl + loss.item(), wn + 1
        if step % args.log_every == 0 or step == args.iters:
            log.write(f"step {step} loss {wl / wn:.5f} s/iter {(time.time() - w0) / wn:.3f} "
                      f"lr {sched.get_last_lr()[0]:.2e} wall {elapsed:.0f}s cpu {cpu:.0f}s\n")
            log.flush()
            wl, wn, w0 = 0.0, 0, time.time()
        if step % args.ckpt_every == 0:
            save()
    save()
    summary = {"iterations": step, "batch_size": args.batch, "lr": args.lr, "lr_final": args.lr_final,
               "warmup": args.warmup, "seed": args.seed, "threads": args.threads, "wall_seconds": round(elapsed, 1),
               "cpu_seconds": round(cpu, 1), "final_loss": round(sum(recent) / len(recent), 5),
               "final_loss_window": len(recent), "parameters": count_params(model), "config": model.config,
               "torch": torch.__version__, "ema_decay": EMA_DECAY, "sigma_data": sigma_data, "p_mean": P_MEAN,
               "p_std": P_STD, "train_conformers": len(xs), "atoms": args.atoms,
               "stereo_dropout": args.stereo_dropout,
               "train_molecules": int(sum(m["split"] == "train" for m in mols))}
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.write(f"# done {json.dumps(summary)}\n")
    log.close()


if __name__ == "__main__":
    main()
