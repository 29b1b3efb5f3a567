"""Train the class-conditional emoji DDPM (Ho et al. 2020) on CPU or CUDA.

epsilon-prediction, linear beta schedule, pixels in [-1, 1]. Labels are dropped
to the null class 10% of the time so classifier-free guidance works (Ho &
Salimans 2022). Fully seeded: one torch.Generator drives data order, flips,
label dropout, timesteps and noise, and is checkpointed for --resume.

Usage: /usr/bin/python3 train_emoji.py --iters 10411 [--batch 128] [--device cuda] [--max-seconds S]
       [--data data/emoji32.pt] [--run-dir runs/emoji32] [--resume]
"""
import argparse
import copy
import json
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from diffusion import NUM_TRAIN_TIMESTEPS, alphas_cumprod
from unet import EmojiUNet, count_params

HERE = Path(__file__).parent
LABEL_DROPOUT = 0.1
EMA_DECAY = 0.999


class BatchStream:
    """Seeded epoch-wise shuffling; state is a plain dict so it can be checkpointed."""

    def __init__(self, n: int, batch: int, gen: torch.Generator):
        self.n, self.batch, self.gen = n, batch, gen
        self.perm, self.pos = torch.randperm(n, generator=gen), 0

    def next(self) -> torch.Tensor:
        if self.pos + self.batch > self.n:
            self.perm, self.pos = torch.randperm(self.n, generator=self.gen), 0
        idx = self.perm[self.pos : self.pos + self.batch]
        self.pos += self.batch
        return idx

    def state(self) -> dict:
        return {"perm": self.perm, "pos": self.pos}

    def load(self, state: dict) -> None:
        self.perm, self.pos = state["perm"], state["pos"]


def ema_update(ema: torch.nn.Module, model: torch.nn.Module, step: int) -> None:
    # Standard EMA warm-up so the random init does not linger in short runs.
    decay = min(EMA_DECAY, (1 + step) / (10 + step))
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters()):
            e.lerp_(p, 1.0 - decay)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=HERE / "data" / "emoji32.pt")
    ap.add_argument("--run-dir", type=Path, default=HERE / "runs" / "emoji32")
    ap.add_argument("--iters", type=int, required=True)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--device", default="cpu", help="cpu or cuda; random draws stay on the CPU generator")
    ap.add_argument("--max-seconds", type=float, default=None, help="stop early (the summary records the steps)")
    args = ap.parse_args()

    device = torch.device(args.device)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    # Some CUDA backward kernels (nearest upsampling) have no deterministic variant: warn there.
    torch.use_deterministic_algorithms(True, warn_only=device.type == "cuda")
    gen = torch.Generator().manual_seed(args.seed)

    data = torch.load(args.data)
    images = data["images"].float() / 127.5 - 1.0
    labels = data["labels"]
    null_class = len(data["classes"])

    model = EmojiUNet(num_classes=null_class).to(device)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / args.warmup))
    stream = BatchStream(len(images), args.batch, gen)
    ac = alphas_cumprod()

    args.run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = args.run_dir / "ckpt.pt"
    step, elapsed, recent = 0, 0.0, []
    if args.resume and ckpt_path.exists():
        ck = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        gen.set_state(ck["gen"].cpu())  # random draws stay on the CPU generator
        stream.load({k: v.cpu() if torch.is_tensor(v) else v for k, v in ck["stream"].items()})
        step, elapsed, recent = ck["step"], ck["elapsed"], ck["recent"]

    def save() -> None:
        torch.save(
            {
                "model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                "sched": sched.state_dict(), "gen": gen.get_state(), "stream": stream.state(),
                "step": step, "elapsed": elapsed, "recent": recent, "classes": data["classes"],
            },
            ckpt_path.with_suffix(".tmp"),
        )
        ckpt_path.with_suffix(".tmp").replace(ckpt_path)

    log = open(args.run_dir / "train.log", "a")
    log.write(f"# params={count_params(model)} iters={args.iters} batch={args.batch} lr={args.lr} "
              f"seed={args.seed} threads={args.threads} start_step={step}\n")
    log.flush()

    window_loss, window_t0 = 0.0, time.time()
    while step < args.iters and (args.max_seconds is None or elapsed < args.max_seconds):
        t0 = time.time()
        idx = stream.next()
        x0, y = images[idx], labels[idx].clone()
        flip = torch.rand(len(idx), generator=gen) < 0.5
        x0 = torch.where(flip[:, None, None, None], x0.flip(3), x0)
        y[torch.rand(len(idx), generator=gen) < LABEL_DROPOUT] = null_class
        t = torch.randint(0, NUM_TRAIN_TIMESTEPS, (len(idx),), generator=gen)
        noise = torch.randn(x0.shape, generator=gen)
        a = ac[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise

        xt, t, y, noise = xt.to(device), t.to(device), y.to(device), noise.to(device)
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
        "iterations": step, "batch_size": args.batch, "lr": args.lr, "warmup": args.warmup,
        "seed": args.seed, "threads": args.threads, "device": str(device), "seconds": round(elapsed, 1),
        "final_loss": round(sum(recent) / len(recent), 5), "final_loss_window": len(recent),
        "parameters": count_params(model), "torch": torch.__version__, "data_package": data["package"],
        "num_images": len(images), "ema_decay": EMA_DECAY, "label_dropout": LABEL_DROPOUT,
    }
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.write(f"# done {json.dumps(summary)}\n")
    log.close()


if __name__ == "__main__":
    main()
