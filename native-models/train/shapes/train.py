"""Train the shapes-2k EDM point-cloud denoiser (Karras et al. 2022) on CPU.

Loss: ln(sigma) ~ N(P_MEAN, P_STD^2); x_noisy = x + sigma n;
      || F(c_in x_noisy, ln(sigma)/4, y) - (x - c_skip x_noisy) / c_out ||^2
(= EDM's lambda(sigma)-weighted denoiser loss). 10% of labels are dropped to the null
class (index K) for classifier-free guidance. Each iteration trains on a random subset of
the 2048 points of every shape: N = 512 with batch 32 on three iterations out of four and
N = 2048 with batch 8 on the fourth (same points x batch), so the set model sees both sizes.

Fully seeded (one torch.Generator, checkpointed); driven by an iteration count; --resume
continues from runs/<name>/ckpt.pt (atomic replace every --ckpt-every steps).

Usage: nice -n 19 /usr/bin/python3 train.py --iters 8000 [--run-dir ../runs/shapes2k] [--resume]
"""
import argparse
import copy
import json
import math
import os
import time

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # numpy's BLAS otherwise spins a second thread
from pathlib import Path

import numpy as np  # noqa: E402
import torch  # noqa: E402

from model import PointDenoiser, count_params, precond

HERE = Path(__file__).resolve().parent
P_MEAN, P_STD = -1.2, 1.2
LABEL_DROPOUT = 0.1
EMA_DECAY = 0.999
POINTS_SCHEDULE = [(512, 32), (512, 32), (512, 32), (2048, 8)]  # (N, batch) cycled per iteration


def ema_update(ema, model, step):
    decay = min(EMA_DECAY, (1 + step) / (10 + step))
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters()):
            e.lerp_(p, 1.0 - decay)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=HERE.parent / "data" / "shapes" / "shapes2k.npz")
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "shapes2k")
    ap.add_argument("--iters", type=int, required=True)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--lr-final", type=float, default=0.05, help="cosine decay to this fraction of --lr")
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--init-onnx", type=Path, default=None,
                    help="start from the weights of this exported model.onnx (onnx_init.py)")
    ap.add_argument("--until", type=int, default=0, help="stop (checkpointed) at this step; the schedule "
                                                         "still spans --iters, so a later --resume continues it")
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    data = np.load(args.data)
    xs = torch.from_numpy(data["train_x"])
    ys = torch.from_numpy(data["train_y"])
    classes = [str(c) for c in data["classes"]]
    K = len(classes)
    sigma_data = float(data["sigma_data"])

    model = PointDenoiser(K, d=args.d, depth=args.depth)
    init_info = None
    if args.init_onnx and not (args.resume and (args.run_dir / "ckpt.pt").exists()):
        from onnx_init import load_onnx_weights
        init_info = {"onnx": str(args.init_onnx), "tensors": load_onnx_weights(model, args.init_onnx)}
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
        init_info = ck.get("init_info")

    def save():
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "gen": gen.get_state(), "step": step, "elapsed": elapsed,
                    "cpu": cpu, "recent": recent, "classes": classes, "config": model.config, "init_info": init_info,
                    "sigma_data": sigma_data}, tmp)
        tmp.replace(ckpt_path)

    log = open(args.run_dir / "train.log", "a")
    log.write(f"# params={count_params(model)} iters={args.iters} lr={args.lr} seed={args.seed} "
              f"threads={args.threads} sigma_data={sigma_data:.6f} start_step={step} config={model.config}\n")
    log.flush()
    wl, wn, w0 = 0.0, 0, time.time()
    stop = min(args.iters, args.until) if args.until else args.iters
    while step < stop:
        t0, c0 = time.time(), time.process_time()
        n_pts, bs = POINTS_SCHEDULE[step % len(POINTS_SCHEDULE)]
        idx = torch.randint(0, len(xs), (bs,), generator=gen)
        x = xs[idx]
        if n_pts < x.shape[1]:
            sub = torch.rand(bs, x.shape[1], generator=gen).argsort(dim=1)[:, :n_pts]
            x = torch.gather(x, 1, sub[:, :, None].expand(-1, -1, 3))
        y = ys[idx].clone()
        y[torch.rand(bs, generator=gen) < LABEL_DROPOUT] = K
        sigma = (torch.randn(bs, generator=gen) * P_STD + P_MEAN).exp()
        noise = torch.randn(x.shape, generator=gen)
        xn = x + sigma[:, None, None] * noise
        c_skip, c_out, c_in, c_noise = precond(sigma, sigma_data)
        target = (x - c_skip[:, None, None] * xn) / c_out[:, None, None]
        loss = (model(xn * c_in[:, None, None], c_noise, y) - target).pow(2).mean()
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
    summary = {"iterations": step, "points_schedule": POINTS_SCHEDULE, "lr": args.lr, "lr_final": args.lr_final,
               "warmup": args.warmup, "seed": args.seed, "threads": args.threads,
               "wall_seconds": round(elapsed, 1), "cpu_seconds": round(cpu, 1),
               "final_loss": round(sum(recent) / len(recent), 5), "final_loss_window": len(recent),
               "parameters": count_params(model), "config": model.config, "torch": torch.__version__,
               "sigma_data": sigma_data, "p_mean": P_MEAN, "p_std": P_STD, "label_dropout": LABEL_DROPOUT,
               "ema_decay": EMA_DECAY, "num_train": len(xs), "classes": classes, "init": init_info}
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.write(f"# done {json.dumps(summary)}\n")
    log.close()


if __name__ == "__main__":
    main()
