"""Goldens for main/codecs/fill.test.ts: the harmonic fill (data.blur_fill, the training scripts' start
of photo-inpaint) and OpenCV's Telea fill (cv2.inpaint INPAINT_TELEA, radius 5) of a 40x32 crop of
skimage's chelsea (CC0) with a box and a stroke hole.

Usage: /usr/bin/python3 fill_goldens.py   (needs Debian's python3-opencv; the app never uses OpenCV)
"""
import json
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image

from data import HARMONIC_ITERS, blur_fill

OUT = Path(__file__).resolve().parents[3] / "main" / "codecs" / "fixtures" / "fill-goldens.json"
W, H = 40, 32

img = np.asarray(Image.open("/usr/lib/python3/dist-packages/skimage/data/chelsea.png").convert("RGB"))
crop = np.ascontiguousarray(img[100:100 + H, 150:150 + W])
mask = np.zeros((H, W), np.uint8)
mask[8:20, 10:24] = 255
for k in range(30):  # a diagonal stroke 3 px wide
    y, x = 4 + k * 0.8, 2 + k * 1.2
    mask[max(0, int(y) - 1):int(y) + 2, int(x):int(x) + 2] = 255
telea = cv2.inpaint(crop, mask, 5, cv2.INPAINT_TELEA)
x = torch.from_numpy(crop).permute(2, 0, 1).float().unsqueeze(0) / 127.5 - 1
m = torch.from_numpy(mask > 0).float().view(1, 1, H, W)
harm = blur_fill(x, m, HARMONIC_ITERS)[0]
OUT.write_text(json.dumps({
    "source": "skimage chelsea.png (CC0), rows 100-131, cols 150-189",
    "width": W, "height": H,
    "image": crop.reshape(-1).tolist(), "mask": (mask > 0).astype(int).reshape(-1).tolist(),
    "telea_opencv": {"radius": 5, "opencv": cv2.__version__, "rgb": telea.reshape(-1).tolist()},
    "harmonic": {"iterations": HARMONIC_ITERS, "range": [-1, 1],
                 "planes": [round(float(v), 6) for v in harm.reshape(-1)]},
}, separators=(",", ":")) + "\n")
print("wrote", OUT, OUT.stat().st_size)
