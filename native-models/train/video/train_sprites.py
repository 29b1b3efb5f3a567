"""Train the sprites-16 class-conditional video DDPM (model.SpriteUNet) on the procedural training clips.

20 classes (shape x motion) + the null class 20. Loop, schedule, EMA and checkpointing: ../ddpm_train.py.
Clips are stored as uint8 [N,3,16,32,32] and mapped to [-1, 1] per batch (v / 127.5 - 1). No augmentation.

Usage: flock /work/agents/train.lock nice -n 15 /usr/bin/python3 train_sprites.py --iters 3000 --batch 4 \
       [--run-dir ../runs/sprites-16] [--resume]
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ddpm_train import add_args, train  # noqa: E402
from model import SpriteUNet  # noqa: E402
from sprites_data import CLASSES, OUT  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    add_args(ap, HERE.parent / "runs" / "sprites-16")
    args = ap.parse_args()
    d = np.load(OUT)
    x = torch.from_numpy(np.ascontiguousarray(d["train"].transpose(0, 4, 1, 2, 3)))  # uint8 [N,3,F,H,W]
    y = torch.from_numpy(d["train_label"])
    model = SpriteUNet(num_classes=len(CLASSES))
    train(model, x, y, null_class=len(CLASSES), args=args, prepare=lambda b, g: b / 127.5 - 1.0,
          extra={"classes": CLASSES, "model": "sprites-16"})


if __name__ == "__main__":
    main()
