"""Train the digits-mel class-conditional DDPM on the training voices' normalised log-mels.

Model: model.MelUNet (the emoji-32 UNet behind a 2x2 space-to-depth fold), 10 digit classes + the
null class 10. Loop, schedule, EMA and checkpointing: ../ddpm_train.py. No augmentation (the
rendered data already varies in voice, pitch, speed, gain, start and noise).

Usage: flock /work/agents/train.lock nice -n 15 /usr/bin/python3 train_digits.py --iters 3000 \
       [--batch 64] [--run-dir ../runs/digits-mel] [--resume]
"""
import argparse
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import data as digits  # noqa: E402
from ddpm_train import add_args, train  # noqa: E402
from model import MelUNet  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    add_args(ap, HERE.parent / "runs" / "digits-mel")
    ap.add_argument("--s2d", type=int, default=2)
    args = ap.parse_args()
    d = digits.load()
    tr = d["split"] == 0
    x = torch.from_numpy(d["mel"][tr])[:, None].half()  # [N,1,64,64]; float16 storage, trained in float32
    y = torch.from_numpy(d["label"][tr])
    model = MelUNet(num_classes=10, s2d=args.s2d)
    train(model, x, y, null_class=10, args=args,
          extra={"classes": digits.CLASSES, "model": "digits-mel", "s2d": args.s2d})


if __name__ == "__main__":
    main()
