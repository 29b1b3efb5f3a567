"""Train the qm9-mini-edm model: EDM (Hoogeboom et al. 2022) E(3)-equivariant diffusion over
positions + atom features, epsilon prediction, polynomial_2 noise schedule (T = 1000,
precision 1e-5), l2 loss, on CPU.

Per training example (one conformer, N real atoms), --hydrogens explicit (EDM's QM9 features):
  xh = [x (A, centred over the real atoms) / 1, one-hot(H,C,N,O,F) / 4, atomic number / 10]
--hydrogens counts (the shipped qm9-mini-edm): the atoms are the heavy atoms only and each
carries its hydrogen count as a second categorical feature (the hydrogens are not atoms of the
model; the studio places them after sampling):
  xh = [x (A, centred over the heavy atoms) / 1, one-hot(C,N,O,F) / 4, one-hot(H count 0..4) / 4,
        atomic number / 10]
  t_int ~ U{0, ..., T};  gamma = gamma_table[t_int];  alpha = sqrt(sigmoid(-gamma)),
  sigma = sqrt(sigmoid(gamma));  eps = [eps_x (N(0,1), mean removed over the real atoms), eps_h]
  z_t = alpha xh + sigma eps;  loss = || eps - net(z_t, t_int / T, mask) ||^2 / (9 N), averaged
  over the batch.
Batches hold conformers with the same atom count (an anchor conformer is drawn uniformly,
the rest of the batch uniformly from its size bucket), so there is no padding in training;
the network's masking makes real-atom outputs independent of padding at inference.

Usage: nice -n 19 /usr/bin/python3 train_edm.py --iters 12000 [--nf 128 --layers 6] [--resume]
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
from egnn_edm import EDMDynamics, count_params, gamma_table  # noqa: E402

HERE = Path(__file__).resolve().parent
T = 1000
NORM = (1.0, 4.0, 10.0)
CHARGES = torch.tensor([1.0, 6.0, 7.0, 8.0, 9.0])
EMA_DECAY = 0.999


def make_xh(types: np.ndarray, pos: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(types)
    onehot = torch.nn.functional.one_hot(t, 5).float()
    return torch.cat([torch.from_numpy(pos).float() / NORM[0], onehot / NORM[1], CHARGES[t][:, None] / NORM[2]], 1)


def make_xh_heavy(elements: np.ndarray, nh: np.ndarray, pos: np.ndarray) -> torch.Tensor:
    """[n, 3 + 4 + 5 + 1] heavy-atom features (--hydrogens counts)."""
    e = torch.from_numpy(elements)
    return torch.cat([torch.from_numpy(pos).float() / NORM[0],
                      torch.nn.functional.one_hot(e, 4).float() / NORM[1],
                      torch.nn.functional.one_hot(torch.from_numpy(nh), D.MAX_H + 1).float() / NORM[1],
                      CHARGES[1:][e][:, None] / NORM[2]], 1)


def training_set(d: dict, hydrogens: str):
    """xh per training conformer and the atom counts (heavy atoms with --hydrogens counts)."""
    if hydrogens == "counts":
        el, nh, pos, _ = D.heavy_conformers(d, "train")
        xh = [make_xh_heavy(e, h, p) for e, h, p in zip(el, nh, pos)]
    else:
        types, pos, _ = D.conformers(d, "train")
        xh = [make_xh(t, p) for t, p in zip(types, pos)]
    return xh, np.array([len(x) for x in xh])


def ema_update(ema, model, step):
    decay = min(EMA_DECAY, (1 + step) / (10 + step))
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters()):
            e.lerp_(p, 1.0 - decay)


def evaluate(model, d, hydrogens: str, n: int, steps: int) -> dict:
    """EDM-protocol scores of n fresh samples (fixed seed) from the EMA weights."""
    from sample_edm import generate, score_set
    model.eval()
    mols = generate(model, d, hydrogens, n, steps, seed=12345, batch=100)
    model.train()
    return score_set(mols, hydrogens)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "qm9mini-edm")
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
    ap.add_argument("--hydrogens", choices=["explicit", "counts"], default="counts")
    ap.add_argument("--eval-every", type=int, default=0, help="sample and score this often (sample_edm.py)")
    ap.add_argument("--eval-n", type=int, default=200)
    ap.add_argument("--eval-steps", type=int, default=500)
    ap.add_argument("--until", type=int, default=0, help="stop (checkpointed) at this step; the schedule "
                                                         "still spans --iters, so a later --resume continues it")
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    d = D.load()
    xh_all, sizes = training_set(d, args.hydrogens)
    width = xh_all[0].shape[1]
    buckets = {n: torch.from_numpy(np.flatnonzero(sizes == n)) for n in np.unique(sizes)}
    gamma = gamma_table(T, 2.0, 1e-5)

    model = EDMDynamics(in_node_nf=width - 3, nf=args.nf, n_layers=args.layers, inv_sublayers=1, attention=True, tanh=True,
                        coords_range=15.0, norm_constant=1.0, sin_embedding=False, normalization_factor=1.0)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-12, amsgrad=True)

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
        assert ck.get("hydrogens", "explicit") == args.hydrogens, "checkpoint trained with other features"

    def save():
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "gen": gen.get_state(), "step": step, "elapsed": elapsed,
                    "cpu": cpu, "recent": recent, "config": model.config, "hydrogens": args.hydrogens}, tmp)
        tmp.replace(ckpt_path)

    log = open(args.run_dir / "train.log", "a")
    log.write(f"# params={count_params(model)} iters={args.iters} batch={args.batch} lr={args.lr} seed={args.seed} "
              f"threads={args.threads} conformers={len(xh_all)} start_step={step} config={model.config}\n")
    log.flush()
    wl, wn, w0 = 0.0, 0, time.time()
    stop = min(args.iters, args.until) if args.until else args.iters
    while step < stop:
        t0, c0 = time.time(), time.process_time()
        anchor = int(torch.randint(0, len(xh_all), (1,), generator=gen))
        n = int(sizes[anchor])
        b = buckets[n]
        pick = b[torch.randint(0, len(b), (args.batch - 1,), generator=gen)]
        xh = torch.stack([xh_all[anchor]] + [xh_all[int(i)] for i in pick])
        B = len(xh)
        mask = torch.ones(B, n, 1)
        t_int = torch.randint(0, T + 1, (B,), generator=gen)
        g = gamma[t_int]
        alpha = torch.sigmoid(-g).sqrt()[:, None, None]
        sigma = torch.sigmoid(g).sqrt()[:, None, None]
        eps = torch.randn(B, n, width, generator=gen)
        eps[:, :, :3] -= eps[:, :, :3].mean(1, keepdim=True)
        z = alpha * xh + sigma * eps
        out = model(z, (t_int.float() / T)[:, None], mask)
        loss = ((out - eps) ** 2).sum((1, 2)).mean() / (width * n)
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
        if args.eval_every and step % args.eval_every == 0:
            rep = evaluate(ema, d, args.hydrogens, args.eval_n, args.eval_steps)
            log.write(f"eval step {step} {json.dumps(rep)}\n")
            log.flush()
    save()
    summary = {"iterations": step, "batch_size": args.batch, "lr": args.lr, "lr_final": args.lr_final,
               "warmup": args.warmup, "seed": args.seed, "threads": args.threads, "wall_seconds": round(elapsed, 1),
               "cpu_seconds": round(cpu, 1), "final_loss": round(sum(recent) / len(recent), 5),
               "final_loss_window": len(recent), "parameters": count_params(model), "config": model.config,
               "torch": torch.__version__, "ema_decay": EMA_DECAY, "hydrogens": args.hydrogens, "train_conformers": len(xh_all),
               "train_molecules": int(sum(m["split"] == "train" for m in d["mols"]))}
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.write(f"# done {json.dumps(summary)}\n")
    log.close()


if __name__ == "__main__":
    main()
