"""Quick DDIM sampler (Song et al. 2021, eta=0) with classifier-free guidance
(Ho & Salimans 2022) to eyeball the EMA model: one grid row per class.
No x0 clipping, so it matches Euler in sigma space (Karras et al. 2022), as
used by the app's k-diffusion samplers. (Clipping x0 while keeping the raw
epsilon drifts the colours grey on this model.)

Usage: /usr/bin/python3 sample_torch.py [--run-dir runs/emoji32] [--steps 50] [--guidance 3] [--publish]
--publish copies the grid to starter/emoji-32/samples-torch.png if it is under 200 KB.
"""
import argparse
import shutil
from pathlib import Path

import torch
from PIL import Image

from diffusion import NUM_TRAIN_TIMESTEPS, alphas_cumprod
from export_onnx import load_ema

HERE = Path(__file__).parent
PUBLISH_PATH = HERE.parent / "starter" / "emoji-32" / "samples-torch.png"
PUBLISH_MAX_BYTES = 200_000


@torch.no_grad()
def ddim_sample(model, labels: torch.Tensor, steps: int, guidance: float, gen: torch.Generator) -> torch.Tensor:
    ac = alphas_cumprod()
    null = torch.full_like(labels, model.num_classes)
    x = torch.randn(len(labels), 3, 32, 32, generator=gen)
    stride = NUM_TRAIN_TIMESTEPS // steps
    for t in range(NUM_TRAIN_TIMESTEPS - stride, -1, -stride):
        a, a_prev = ac[t], (ac[t - stride] if t >= stride else torch.tensor(1.0))
        ts = torch.full((2 * len(labels),), float(t))
        eps_c, eps_u = model(torch.cat([x, x]), ts, torch.cat([labels, null])).chunk(2)
        eps = eps_u + guidance * (eps_c - eps_u)
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return x.clamp(-1, 1)


def save_grid(images: torch.Tensor, rows: int, path: Path, scale: int) -> None:
    cols = len(images) // rows
    px = ((images + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)
    grid = px.view(rows, cols, 3, 32, 32).permute(0, 3, 1, 4, 2).reshape(rows * 32, cols * 32, 3)
    img = Image.fromarray(grid.numpy())
    img.resize((img.width * scale, img.height * scale), Image.NEAREST).save(path, optimize=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE / "runs" / "emoji32")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--per-class", type=int, default=8)
    ap.add_argument("--scale", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--publish", action="store_true")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    model, classes = load_ema(args.run_dir)
    labels = torch.arange(len(classes)).repeat_interleave(args.per_class)
    images = ddim_sample(model, labels, args.steps, args.guidance, torch.Generator().manual_seed(args.seed))
    out = args.run_dir / f"samples-ddim{args.steps}-g{args.guidance:g}-seed{args.seed}.png"
    save_grid(images, len(classes), out, args.scale)
    print(f"wrote {out} ({out.stat().st_size} bytes); rows: {', '.join(classes)}")
    if args.publish:
        if out.stat().st_size < PUBLISH_MAX_BYTES:
            shutil.copyfile(out, PUBLISH_PATH)
            print(f"copied to {PUBLISH_PATH}")
        else:
            print(f"not published: {out.stat().st_size} bytes >= {PUBLISH_MAX_BYTES}")


if __name__ == "__main__":
    main()
