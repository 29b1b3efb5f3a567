"""Seeded patch sampling, x4 area downsampling and inpainting masks.

Every random draw comes from the torch.Generator that is passed in (checkpointed by
train.py), so a run is reproducible and --resume continues the same stream.
"""
import math
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "images" / "train.pt"


def load_train(path: Path = DATA) -> list:
    return torch.load(path)["images"]  # list of uint8 [3,H,W]


def to_unit(x_uint8: torch.Tensor) -> torch.Tensor:
    return x_uint8.float() / 127.5 - 1.0


def quantize(x: torch.Tensor) -> torch.Tensor:
    """Round [-1,1] values to the 8-bit grid (what a PNG/JPEG input has)."""
    return ((x.clamp(-1, 1) + 1) * 127.5).round() / 127.5 - 1


def downsample4(x: torch.Tensor) -> torch.Tensor:
    """The photo-sr4 degradation: x4 area (box) average, i.e. the mean of every 4x4 block
    (= PIL Image.reduce(4) / resize(BOX) on exact multiples, cv2 INTER_AREA at integer factor 4)."""
    return F.avg_pool2d(x, 4)


def rand_int(gen: torch.Generator, lo: int, hi: int) -> int:
    """Uniform integer in [lo, hi]."""
    return int(torch.randint(lo, hi + 1, (1,), generator=gen))


def rand_float(gen: torch.Generator, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo + (hi - lo) * float(torch.rand(1, generator=gen))


def dihedral(x: torch.Tensor, k: int) -> torch.Tensor:
    """One of the 8 flips/rotations (k in 0..7) of a [..., H, W] tensor."""
    if k & 4:
        x = x.flip(-1)
    return torch.rot90(x, k & 3, dims=(-2, -1))


def random_patches(images: list, n: int, size: int, gen: torch.Generator) -> torch.Tensor:
    """n random size x size crops (uniform image choice, uniform position, random dihedral), in [-1, 1]."""
    out = []
    for _ in range(n):
        img = images[rand_int(gen, 0, len(images) - 1)]
        _, h, w = img.shape
        y, x = rand_int(gen, 0, h - size), rand_int(gen, 0, w - size)
        out.append(dihedral(img[:, y : y + size, x : x + size], rand_int(gen, 0, 7)))
    return to_unit(torch.stack(out))


# ----------------------------------------------------------------------------- masks

MASK_KINDS = ("strokes", "box", "border", "half")
MASK_PROBS = (0.35, 0.30, 0.15, 0.20)


def _strokes(draw: ImageDraw.ImageDraw, s: int, gen: torch.Generator) -> None:
    for _ in range(rand_int(gen, 1, 4)):
        x, y = rand_float(gen, 0, s), rand_float(gen, 0, s)
        width = max(3, int(s * rand_float(gen, 0.04, 0.15)))
        pts = [(x, y)]
        for _ in range(rand_int(gen, 2, 8)):
            ang = rand_float(gen, 0, 2 * math.pi)
            length = s * rand_float(gen, 0.1, 0.4)
            x = min(max(x + length * math.cos(ang), 0), s)
            y = min(max(y + length * math.sin(ang), 0), s)
            pts.append((x, y))
        draw.line(pts, fill=255, width=width, joint="curve")
        r = width / 2
        for px, py in pts:
            draw.ellipse((px - r, py - r, px + r, py + r), fill=255)


def random_mask(s: int, gen: torch.Generator) -> torch.Tensor:
    """One [1, s, s] float mask, 1 = generate, 0 = keep. Kinds: brush strokes, 1-2 boxes,
    border band (outpainting on 1-4 sides) and half of the image."""
    u = rand_float(gen)
    kind = MASK_KINDS[-1]
    for k, p in zip(MASK_KINDS, MASK_PROBS):
        if u < p:
            kind = k
            break
        u -= p
    im = Image.new("L", (s, s), 0)
    draw = ImageDraw.Draw(im)
    if kind == "strokes":
        _strokes(draw, s, gen)
    elif kind == "box":
        for _ in range(rand_int(gen, 1, 2)):
            bw, bh = s * rand_float(gen, 0.15, 0.6), s * rand_float(gen, 0.15, 0.6)
            x0, y0 = rand_float(gen, 0, s - bw), rand_float(gen, 0, s - bh)
            draw.rectangle((x0, y0, x0 + bw, y0 + bh), fill=255)
    elif kind == "border":
        sides = [rand_float(gen) < 0.5 for _ in range(4)]
        if not any(sides):
            sides[rand_int(gen, 0, 3)] = True
        for side, on in enumerate(sides):
            if not on:
                continue
            b = s * rand_float(gen, 0.1, 0.3)
            box = [(0, 0, b, s), (0, 0, s, b), (s - b, 0, s, s), (0, s - b, s, s)][side]
            draw.rectangle(box, fill=255)
    else:  # half
        side = rand_int(gen, 0, 3)
        h = s * rand_float(gen, 0.35, 0.55)
        box = [(0, 0, h, s), (0, 0, s, h), (s - h, 0, s, s), (0, s - h, s, s)][side]
        draw.rectangle(box, fill=255)
    m = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).view(1, s, s)
    m = (m > 127).float()
    if m.sum() == 0:  # degenerate: mask a centre box
        m[:, s // 4 : 3 * s // 4, s // 4 : 3 * s // 4] = 1
    return m


def random_masks(n: int, s: int, gen: torch.Generator, studio: bool = False) -> torch.Tensor:
    draw = studio_mask if studio else random_mask
    return torch.stack([draw(s, gen) for _ in range(n)])


# The studio's mask shapes (photo-inpaint v2): what the mask editor paints (hard round brush strokes of a
# given diameter: renderer/src/features/image/mask/brush.ts), thin scratches (a 1-4 px brush), boxes (a
# loaded mask PNG or a filled selection), plus some outpainting bands; then the pipeline's default feather
# (4 px, scaled to the working size) dilates every hole, so holes are drawn 0-3 px wider at random.
STUDIO_KINDS = ("scratch", "brush", "box", "border", "half")
STUDIO_PROBS = (0.25, 0.30, 0.30, 0.08, 0.07)


def _polyline(draw: ImageDraw.ImageDraw, s: int, width: float, gen: torch.Generator, n_min: int, n_max: int,
              seg: tuple) -> None:
    """A stroke as the studio's brush paints it: capsules (a disc swept along each segment)."""
    x, y = rand_float(gen, 0, s), rand_float(gen, 0, s)
    ang = rand_float(gen, 0, 2 * math.pi)
    pts = [(x, y)]
    for _ in range(rand_int(gen, n_min, n_max)):
        ang += rand_float(gen, -1.2, 1.2)
        length = s * rand_float(gen, *seg)
        x = min(max(x + length * math.cos(ang), 0), s)
        y = min(max(y + length * math.sin(ang), 0), s)
        pts.append((x, y))
    w = max(1, round(width))
    draw.line(pts, fill=255, width=w, joint="curve")
    r = width / 2
    if w > 2:
        for px, py in pts:
            draw.ellipse((px - r, py - r, px + r, py + r), fill=255)


def studio_mask(s: int, gen: torch.Generator) -> torch.Tensor:
    """One [1, s, s] float mask (1 = generate) of the studio's shapes: scratches 1-4 px wide, brush strokes
    3-20% of the side, 1-2 boxes (10-50% of the side), a border band or half of the image."""
    u = rand_float(gen)
    kind = STUDIO_KINDS[-1]
    for k, p in zip(STUDIO_KINDS, STUDIO_PROBS):
        if u < p:
            kind = k
            break
        u -= p
    im = Image.new("L", (s, s), 0)
    draw = ImageDraw.Draw(im)
    grow = rand_int(gen, 0, 3)  # the feather band the pipeline adds
    if kind == "scratch":
        for _ in range(rand_int(gen, 1, 3)):
            _polyline(draw, s, rand_float(gen, 1, 4) + grow, gen, 1, 4, (0.15, 0.6))
    elif kind == "brush":
        for _ in range(rand_int(gen, 1, 3)):
            _polyline(draw, s, s * rand_float(gen, 0.03, 0.2) + grow, gen, 1, 6, (0.1, 0.4))
    elif kind == "box":
        for _ in range(rand_int(gen, 1, 2)):
            bw, bh = s * rand_float(gen, 0.1, 0.5) + grow, s * rand_float(gen, 0.1, 0.5) + grow
            x0, y0 = rand_float(gen, 0, s - bw), rand_float(gen, 0, s - bh)
            draw.rectangle((x0, y0, x0 + bw, y0 + bh), fill=255)
    elif kind == "border":
        side = rand_int(gen, 0, 3)
        b = s * rand_float(gen, 0.1, 0.3)
        draw.rectangle([(0, 0, b, s), (0, 0, s, b), (s - b, 0, s, s), (0, s - b, s, s)][side], fill=255)
    else:
        side = rand_int(gen, 0, 3)
        h = s * rand_float(gen, 0.35, 0.5)
        draw.rectangle([(0, 0, h, s), (0, 0, s, h), (s - h, 0, s, s), (0, s - h, s, s)][side], fill=255)
    m = torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).view(1, s, s)
    m = (m > 127).float()
    if m.sum() == 0:
        m[:, s // 4 : 3 * s // 4, s // 4 : 3 * s // 4] = 1
    return m


# ----------------------------------------------------------------------------- baseline


HARMONIC_ITERS = 100  # photo-inpaint v2's start; main/codecs/fill.ts harmonicFill runs the same algorithm


def blur_fill(image: torch.Tensor, mask: torch.Tensor, iters: int = 400) -> torch.Tensor:
    """Blur-fill baseline: fill the hole by iterated diffusion (3x3 averaging of known-or-filled
    neighbours) from the known pixels, coarse-to-fine. image [B,3,H,W] in [-1,1], mask [B,1,H,W].
    With iters = HARMONIC_ITERS it is photo-inpaint v2's classical start (the studio's harmonicFill)."""
    known = 1 - mask
    # coarse initial guess: masked mean over a pyramid
    x = image * known
    w = known
    pyr = [(x, w)]
    while min(x.shape[-2:]) > 4:
        x, w = F.avg_pool2d(x, 2, ceil_mode=True), F.avg_pool2d(w, 2, ceil_mode=True)
        pyr.append((x, w))
    fill = pyr[-1][0] / pyr[-1][1].clamp_min(1e-6)
    fill = torch.where(pyr[-1][1] > 0, fill, (x.sum((2, 3), keepdim=True) / w.sum((2, 3), keepdim=True).clamp_min(1e-6)).expand_as(fill))
    for x_l, w_l in reversed(pyr[:-1]):
        up = F.interpolate(fill, size=x_l.shape[-2:], mode="bilinear", align_corners=False)
        est = x_l / w_l.clamp_min(1e-6)
        fill = torch.where(w_l > 0.999, est, torch.where(w_l > 0, w_l * est + (1 - w_l) * up, up))
    # iterated 3x3 diffusion inside the hole, known pixels clamped
    k = torch.ones(3, 1, 3, 3) / 9
    out = image * known + fill * mask
    for _ in range(iters):
        blurred = F.conv2d(F.pad(out, (1, 1, 1, 1), mode="replicate"), k, groups=3)
        out = image * known + blurred * mask
    return out
