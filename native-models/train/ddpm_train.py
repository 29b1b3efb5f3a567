"""Shared class-conditional DDPM training loop (Ho et al. 2020) for the audio and video starters.

epsilon-prediction MSE, linear beta 1e-4 -> 0.02 over 1000 steps (diffusion.py), integer training
timesteps passed to the model as float (the model's embedding takes continuous t in [0, 999]),
10 % label dropout to the null class (classifier-free guidance, Ho & Salimans 2022), AdamW with
linear warm-up, EMA 0.999 with the (1+step)/(10+step) warm-up (train_emoji.py). One seeded CPU
torch.Generator draws data order, augmentation, label dropout, timesteps and noise; it and the
data-order state are checkpointed every ckpt_every steps (atomic replace) and at the end, so a
run resumed with --resume is bit-identical on CPU to a straight one.
"""
import argparse
import copy
import json
import time
from pathlib import Path
from typing import Callable, Optional

import torch
import torch.nn.functional as F

from diffusion import NUM_TRAIN_TIMESTEPS, alphas_cumprod
from train_emoji import EMA_DECAY, LABEL_DROPOUT, BatchStream, ema_update
from unet import count_params


def add_args(ap: argparse.ArgumentParser, run_dir: Path) -> None:
    ap.add_argument("--run-dir", type=Path, default=run_dir)
    ap.add_argument("--iters", type=int, required=True)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--resume", action="store_true")


def train(
    model: torch.nn.Module,
    x_all: torch.Tensor,
    labels: torch.Tensor,
    null_class: int,
    args: argparse.Namespace,
    extra: dict,
    prepare: Optional[Callable[[torch.Tensor, torch.Generator], torch.Tensor]] = None,
) -> dict:
    """x_all [N, ...] (any dtype; after `prepare`, if given, in [-1, 1]), labels int64 [N]. `prepare(batch, gen)`
    receives x_all[idx].float() and returns the model-space batch (decoding, augmentation).
    Writes run_dir/{ckpt.pt, train.log, summary.json}."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(args.seed)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / args.warmup))
    stream = BatchStream(len(x_all), args.batch, gen)
    ac = alphas_cumprod()
    bshape = (-1,) + (1,) * (x_all.dim() - 1)

    args.run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = args.run_dir / "ckpt.pt"
    step, elapsed, recent = 0, 0.0, []
    if args.resume and ckpt_path.exists():
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        gen.set_state(ck["gen"])
        stream.load(ck["stream"])
        step, elapsed, recent = ck["step"], ck["elapsed"], ck["recent"]

    def save() -> None:
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "gen": gen.get_state(), "stream": stream.state(), "step": step,
                    "elapsed": elapsed, "recent": recent, **extra}, tmp)
        tmp.replace(ckpt_path)

    log = open(args.run_dir / "train.log", "a")
    log.write(f"# params={count_params(model)} iters={args.iters} batch={args.batch} lr={args.lr} "
              f"seed={args.seed} threads={args.threads} start_step={step}\n")
    log.flush()
    window_loss, window_t0 = 0.0, time.time()
    while step < args.iters:
        t0 = time.time()
        idx = stream.next()
        x0, y = x_all[idx].float(), labels[idx].clone()
        if prepare is not None:
            x0 = prepare(x0, gen)
        y[torch.rand(len(idx), generator=gen) < LABEL_DROPOUT] = null_class
        t = torch.randint(0, NUM_TRAIN_TIMESTEPS, (len(idx),), generator=gen)
        noise = torch.randn(x0.shape, generator=gen)
        a = ac[t].view(bshape)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = F.mse_loss(model(xt, t.float(), y), noise)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        ema_update(ema, model, step)
        step += 1
        elapsed += time.time() - t0
        recent = (recent + [loss.item()])[-100:]
        window_loss += loss.item()
        if step % args.log_every == 0 or step == args.iters:
            n = (step - 1) % args.log_every + 1
            now = time.time()
            log.write(f"step {step} loss {window_loss / n:.5f} s/iter {(now - window_t0) / n:.3f} "
                      f"lr {sched.get_last_lr()[0]:.2e} elapsed {elapsed:.0f}s\n")
            log.flush()
            window_loss, window_t0 = 0.0, now
        if step % args.ckpt_every == 0:
            save()
    save()
    summary = {
        "iterations": step, "batch_size": args.batch, "lr": args.lr, "warmup": args.warmup, "seed": args.seed,
        "threads": args.threads, "device": "cpu", "seconds": round(elapsed, 1),
        "final_loss": round(sum(recent) / len(recent), 5), "final_loss_window": len(recent),
        "parameters": count_params(model), "torch": torch.__version__, "ema_decay": EMA_DECAY,
        "label_dropout": LABEL_DROPOUT, "num_examples": len(x_all),
        **{k: v for k, v in extra.items() if isinstance(v, (int, float, str, list, dict))},
    }
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.write(f"# done {json.dumps(summary)}\n")
    log.close()
    return summary
