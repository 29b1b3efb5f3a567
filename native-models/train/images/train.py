"""Train photo-sr4 (--task sr) or photo-inpaint (--task inpaint) with EDM preconditioning.

EDM (Karras et al. 2022): sigma ~ lognormal(P_mean, P_std), x = y + sigma * n,
loss = w * || F(c_in x, ln(sigma)/4, cond) - (y - c_skip x) / c_out ||^2  (lambda(sigma) c_out^2 = 1),
sigma_data = 0.5, pixels in [-1, 1]. For inpainting w = 1 inside the mask and 0.1 outside
(normalised by the sum of w). Adam, linear warm-up then cosine decay to 5% of the peak,
gradient clipping at 1, EMA of the weights (exported).

Fully seeded and driven by --iters: one torch.Generator draws patches, flips/rotations,
masks, sigma and noise; it is checkpointed (atomic replace) every --ckpt-every steps and
--resume continues from runs/<name>/ckpt.pt.

Truncated chain (v2, --chain-start S): the pipeline calls the model once at sigma = S on
x = start + S * n (start = the bilinear x4 upsample for sr, the harmonic fill for inpaint; the network
has the low-res image / the filled image as conditioning, so that call is a regression of x0) and then
runs only the low-noise tail sigma_tail -> sigma_min. Training draws sigma = S with probability
--reg-frac and log-uniform in [--tail-min, --tail-max] otherwise; --loss l1 is the L1 norm of
F - (y - c_skip x) / c_out (= |D - y| / c_out: an L1 term on the x0 prediction, scaled per sigma).
Inpainting v2 (--studio-masks): the studio's mask shapes, and the conditioning image is the harmonic
fill of the hole (data.blur_fill with HARMONIC_ITERS) instead of zeros.

Usage: nice -n 19 /usr/bin/python3 train.py --task sr --iters 8000 --run-dir ../runs/sr4 [--resume]
"""
import argparse
import copy
import json
import math
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from data import HARMONIC_ITERS, blur_fill, downsample4, load_train, quantize, rand_int, random_masks, random_patches
from nets import build, count_params, edm_scalings

HERE = Path(__file__).resolve().parent

DEFAULTS = {
    "sr": {"batch": 16, "patch": 128, "lr": 3e-4, "p_mean": -0.6, "p_std": 1.6},
    "inpaint": {"batch": 16, "patch": 128, "lr": 3e-4, "p_mean": -0.8, "p_std": 1.6},
}
# inpainting: mixed square patch sizes; batch scaled so each step sees ~the same number of pixels
INPAINT_SIZES = (64, 96, 128, 160)
STUDIO_SIZES = (64, 96, 128, 160)
KNOWN_WEIGHT = 0.1


def inpaint_batch_for(size: int, base_batch: int, base_patch: int) -> int:
    return max(4, min(2 * base_batch, round(base_batch * (base_patch / size) ** 2)))


def ema_update(ema: torch.nn.Module, model: torch.nn.Module, step: int, decay: float) -> None:
    d = min(decay, (1 + step) / (10 + step))
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters()):
            e.lerp_(p, 1.0 - d)


def lr_factor(step: int, warmup: int, iters: int, final: float = 0.05) -> float:
    if step < warmup:
        return (step + 1) / warmup
    t = (step - warmup) / max(1, iters - warmup)
    return final + (1 - final) * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))


def make_batch(task: str, images: list, args, gen: torch.Generator) -> tuple:
    """Returns (net inputs builder data, y, weight)."""
    if task == "sr":
        y = random_patches(images, args.batch, args.patch, gen)
        cond = {"low_res": quantize(downsample4(y))}
        return cond, y, None
    sizes = STUDIO_SIZES if args.studio_masks else INPAINT_SIZES
    size = sizes[rand_int(gen, 0, len(sizes) - 1)]
    n = inpaint_batch_for(size, args.batch, args.patch)
    y = random_patches(images, n, size, gen)
    mask = random_masks(n, size, gen, studio=args.studio_masks)
    if args.studio_masks:
        # the conditioning image: the hole filled classically (quantised, as the app's 8-bit input is)
        cond = {"mask": mask, "masked": quantize(blur_fill(y, mask, HARMONIC_ITERS))}
    else:
        cond = {"mask": mask, "masked": y * (1 - mask)}
    weight = mask + args.known_weight * (1 - mask)
    return cond, y, weight


def draw_sigma(args, n: int, gen: torch.Generator) -> tuple:
    """Per-sample sigma [n] and whether it is the truncated chain's start (the regression call)."""
    if args.chain_start is None:
        return (args.p_mean + args.p_std * torch.randn(n, generator=gen)).exp(), torch.zeros(n, dtype=torch.bool)
    start = torch.rand(n, generator=gen) < args.reg_frac
    lo, hi = math.log(args.tail_min), math.log(args.tail_max)
    tail = (lo + (hi - lo) * torch.rand(n, generator=gen)).exp()
    return torch.where(start, torch.full((n,), args.chain_start), tail), start


def chain_origin(task: str, cond: dict) -> torch.Tensor:
    """Where the truncated chain starts: the bilinear x4 upsample (sr) or the filled image (inpaint)."""
    if task == "sr":
        return F.interpolate(cond["low_res"], scale_factor=4, mode="bilinear", align_corners=False)
    return cond["masked"]


def forward(task: str, net: torch.nn.Module, x: torch.Tensor, sigma: torch.Tensor, cond: dict) -> torch.Tensor:
    c_skip, c_out, c_in, c_noise = edm_scalings(sigma)
    v = lambda t: t.view(-1, 1, 1, 1)  # noqa: E731
    if task == "sr":
        f = net(v(c_in) * x, c_noise, cond["low_res"])
    else:
        f = net(torch.cat([v(c_in) * x, cond["mask"], cond["masked"]], dim=1), c_noise)
    return f, v(c_skip), v(c_out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=["sr", "inpaint"], required=True)
    ap.add_argument("--iters", type=int, required=True)
    ap.add_argument("--run-dir", type=Path, required=True)
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--patch", type=int, default=None, help="HR patch side (sr) / reference side (inpaint)")
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--p-mean", type=float, default=None)
    ap.add_argument("--p-std", type=float, default=None)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--config", type=str, default=None, help="JSON network config override")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--stop-at", type=int, default=None,
                    help="stop (and checkpoint) after this many steps; the lr schedule still follows --iters")
    ap.add_argument("--init", type=Path, default=None,
                    help="start from this checkpoint's model and EMA weights (fresh optimizer, schedule, generator)")
    ap.add_argument("--init-onnx", type=Path, default=None,
                    help="start from the weights in this model.onnx (its initializers carry the state-dict names)")
    ap.add_argument("--zero-tail", action="store_true", help="zero the last conv after --init/--init-onnx")
    ap.add_argument("--chain-start", type=float, default=None, help="truncated chain: sigma of the start call")
    ap.add_argument("--reg-frac", type=float, default=0.5)
    ap.add_argument("--tail-min", type=float, default=0.002)
    ap.add_argument("--tail-max", type=float, default=0.2)
    ap.add_argument("--loss", choices=["mse", "l1"], default="mse")
    ap.add_argument("--studio-masks", action="store_true")
    ap.add_argument("--known-weight", type=float, default=KNOWN_WEIGHT)
    args = ap.parse_args()
    for k, v in DEFAULTS[args.task].items():
        if getattr(args, k) is None:
            setattr(args, k, v)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    gen = torch.Generator().manual_seed(args.seed)

    images = load_train()
    config = json.loads(args.config) if args.config else None
    model = build(args.task, config)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_factor(s, args.warmup, args.iters))

    args.run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = args.run_dir / "ckpt.pt"
    step, elapsed, recent, wall0 = 0, 0.0, [], time.time()
    wall_before = 0.0
    init_info = None
    if args.init and not (args.resume and ckpt_path.exists()):
        ck0 = torch.load(args.init)
        model.load_state_dict(ck0["model"])
        ema.load_state_dict(ck0["ema"])
        init_info = {"checkpoint": str(args.init), "step": ck0["step"], "hparams": ck0["hparams"],
                     "train_seconds": ck0["elapsed"], "wall_seconds": ck0.get("wall")}
    if args.init_onnx and not (args.resume and ckpt_path.exists()):
        import onnx
        from onnx import numpy_helper
        inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in onnx.load(str(args.init_onnx)).graph.initializer}
        sd = {k: inits[k] for k in model.state_dict()}
        model.load_state_dict(sd)
        ema.load_state_dict(sd)
        init_info = {"onnx": str(args.init_onnx)}
    if args.zero_tail and not (args.resume and ckpt_path.exists()):
        with torch.no_grad():
            for net in (model, ema):
                net.tail.weight.zero_()
                net.tail.bias.zero_()
        init_info = {**(init_info or {}), "zero_tail": True}
    if args.resume and ckpt_path.exists():
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        gen.set_state(ck["gen"])
        step, elapsed, recent, wall_before = ck["step"], ck["elapsed"], ck["recent"], ck.get("wall", 0.0)

    hparams = {"task": args.task, "iters": args.iters, "batch": args.batch, "patch": args.patch, "lr": args.lr,
               "p_mean": args.p_mean, "p_std": args.p_std, "warmup": args.warmup, "ema": args.ema,
               "seed": args.seed, "threads": args.threads, "config": model.config, "loss": args.loss,
               "chain_start": args.chain_start, "reg_frac": args.reg_frac, "tail": [args.tail_min, args.tail_max],
               "studio_masks": args.studio_masks, "known_weight": args.known_weight}
    if args.resume and ckpt_path.exists():
        init_info = ck.get("init_info")
    hparams["init"] = init_info

    def save() -> None:
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "gen": gen.get_state(), "step": step, "elapsed": elapsed,
                    "recent": recent, "wall": wall_before + time.time() - wall0, "hparams": hparams,
                    "init_info": init_info}, tmp)
        tmp.replace(ckpt_path)

    log = open(args.run_dir / "train.log", "a")
    log.write(f"# params={count_params(model)} start_step={step} {json.dumps(hparams)}\n")
    log.flush()

    window_loss, window_n, window_t0 = 0.0, 0, time.time()
    last = args.iters if args.stop_at is None else min(args.iters, args.stop_at)
    while step < last:
        t0 = time.time()
        cond, y, weight = make_batch(args.task, images, args, gen)
        sigma, start = draw_sigma(args, y.shape[0], gen)
        noise = torch.randn(y.shape, generator=gen)
        origin = chain_origin(args.task, cond) if args.chain_start is not None else y
        base = torch.where(start.view(-1, 1, 1, 1), origin, y)
        x = base + sigma.view(-1, 1, 1, 1) * noise
        f, c_skip, c_out = forward(args.task, model, x, sigma, cond)
        target = (y - c_skip * x) / c_out
        err = (f - target).abs() if args.loss == "l1" else (f - target).square()
        if weight is None:
            loss = err.mean()
        else:
            loss = (err * weight).sum() / (weight.sum() * 3)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        ema_update(ema, model, step, args.ema)

        step += 1
        elapsed += time.time() - t0
        recent = (recent + [loss.item()])[-200:]
        window_loss += loss.item()
        window_n += 1
        if step % args.log_every == 0 or step == args.iters:
            now = time.time()
            log.write(f"step {step} loss {window_loss / window_n:.5f} s/iter {(now - window_t0) / window_n:.3f} "
                      f"lr {sched.get_last_lr()[0]:.2e} elapsed {elapsed:.0f}s\n")
            log.flush()
            window_loss, window_n, window_t0 = 0.0, 0, now
        if step % args.ckpt_every == 0:
            save()
    save()

    summary = {**hparams, "iterations": step, "train_seconds": round(elapsed, 1),
               "wall_seconds": round(wall_before + time.time() - wall0, 1),
               "final_loss": round(sum(recent) / len(recent), 5), "final_loss_window": len(recent),
               "parameters": count_params(model), "torch": torch.__version__, "num_train_tensors": len(images)}
    (args.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    log.write(f"# done {json.dumps(summary)}\n")
    log.close()


if __name__ == "__main__":
    main()
