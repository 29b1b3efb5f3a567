"""Collect the offline photo sets for photo-sr4 and photo-inpaint.

Usage (from native-models/train/images):
  # once: the Debian wallpaper packages (not installed, only unpacked) and the emoji package
  mkdir -p ../data/debs && cd ../data/debs && apt-get download lomiri-wallpapers-16.04 \
      lomiri-wallpapers-20.04 mate-backgrounds plasma-workspace-wallpapers palapeli-data && \
      for f in *.deb; do dpkg -x "$f" unpacked; done && cd -
  npm install --no-save --prefix /tmp/emoji emoji-datasource-google@16
  /usr/bin/python3 prepare_images.py [--debs ../data/debs/unpacked] [--emoji /tmp/emoji/node_modules/emoji-datasource-google]

Writes
  ../data/images/train.pt          uint8 RGB tensors [3,H,W]: every training photo at up to three
                                   scales (long side 1024 / 768 / 512, never upscaled), plus emoji sheets
  ../data/images/sources.json      one row per source image: name, file, package, licence, split
  assets/samples/heldout/*.png     held-out photos (long side 512, sides cropped to multiples of 16)
  assets/samples/heldout/LICENCES.md

Downscaling uses PIL's antialiased Lanczos filter; grey images are replicated to 3 channels;
RGBA is composited on white. The held-out photos are never seen in training.
"""
import argparse
import json
import random
from pathlib import Path

import numpy as np
import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SK = Path("/usr/lib/python3/dist-packages/skimage/data")
MPL = Path("/usr/share/matplotlib/mpl-data/sample_data")
SCIPY = "scipy.misc (python3-scipy 1.10, file scipy/misc/face.dat / ascent.dat)"
SCALES = (1024, 768, 512)
HELDOUT_SIDE = 512

SK_PKG = "python3-skimage 0.19.3 (Debian), skimage/data"
SK_DOC = "licence as stated in skimage/data/_fetchers.py docstrings"
LOM16 = "lomiri-wallpapers-16.04 20.04.0-2 (Debian), /usr/share/backgrounds"
LOM20 = "lomiri-wallpapers-20.04 20.04.0-2 (Debian), /usr/share/backgrounds"
MATE = "mate-backgrounds 1.26.0-1 (Debian), /usr/share/backgrounds/mate/nature"
PLASMA = "plasma-workspace-wallpapers 4:5.27.5-2 (Debian), /usr/share/wallpapers"
PALAPELI = "palapeli-data 4:22.12.3-1 (Debian), /usr/share/palapeli/collection"

# (name, loader key, package, licence + author, split)
SOURCES = [
    # held out: never trained on
    ("astronaut", "sk:astronaut.png", SK_PKG, "public domain (NASA, Eileen Collins); " + SK_DOC, "heldout"),
    ("coffee", "sk:coffee.png", SK_PKG, "CC0 (photographer Rachel Michetti); " + SK_DOC, "heldout"),
    ("raccoon", "scipy:face", SCIPY, "public domain (raccoon-procyon-lotor.jpg, public-domain-image.com)", "heldout"),
    ("seeding", "lom16:seeding_by_Clements_Engelhardt.jpg", LOM16, "CC0-1.0 (Clemens Engelhardt, 2018)", "heldout"),
    ("picosdeeuropa", "lom16:picosdeeuropa_by_Aitzol_Berasategi.jpg", LOM16,
     "CC-BY-4.0 (Aitzol Berasategi, 2018)", "heldout"),
    ("wine", "lom16:Wine_by_Jakkub_Mede.jpg", LOM16, "CC-BY-4.0 (Jakub Mede, 2018)", "heldout"),
    # training
    ("chelsea", "sk:chelsea.png", SK_PKG, "CC0 (photographer Stefan van der Walt); " + SK_DOC, "train"),
    ("rocket", "sk:rocket.jpg", SK_PKG, "public domain (SpaceX); " + SK_DOC, "train"),
    ("hubble_deep_field", "sk:hubble_deep_field.jpg", SK_PKG, "public domain (NASA); " + SK_DOC, "train"),
    ("retina", "sk:retina.jpg", SK_PKG, "CC0-1.0 (Häggström, Mikael); " + SK_DOC, "train"),
    ("ihc", "sk:ihc.png", SK_PKG, "no known copyright restrictions; " + SK_DOC, "train"),
    ("camera", "sk:camera.png", SK_PKG, "CC0 (photographer Lav Varshney), grey; " + SK_DOC, "train"),
    ("coins", "sk:coins.png", SK_PKG, "no known copyright restrictions, grey; " + SK_DOC, "train"),
    ("grass", "sk:grass.png", SK_PKG, "CC0 (CC0Textures), grey; " + SK_DOC, "train"),
    ("gravel", "sk:gravel.png", SK_PKG, "CC0 (CC0Textures), grey; " + SK_DOC, "train"),
    ("brick", "sk:brick.png", SK_PKG, "CC0 (CC0Textures), grey; " + SK_DOC, "train"),
    ("ascent", "scipy:ascent", SCIPY, "public domain (accent-to-the-top.jpg, public-domain-image.com), grey", "train"),
    ("grace_hopper", "mpl:grace_hopper.jpg", "python-matplotlib-data 3.6.3 (Debian), mpl-data/sample_data",
     "public domain (US Navy photograph of Grace Hopper)", "train"),
    ("bridge", "lom16:Bridge_by_Sander_Klootwijk.jpg", LOM16, "CC-BY-SA-4.0 (Sander Klootwijk, 2018)", "train"),
    ("dragonfly", "lom16:Dragonfly_by_Bolly.jpg", LOM16, "CC-BY-SA-4.0 (Bolly, 2018)", "train"),
    ("picture_0b", "lom16:Picture_0B_by_freespace.jpg", LOM16, "CC-BY-4.0 (Trevor Freespace, 2018)", "train"),
    ("picture_1a", "lom16:Picture_1A_by_freespace.jpg", LOM16, "CC-BY-4.0 (Trevor Freespace, 2018)", "train"),
    ("aitzgorri", "lom16:aitzgorri_by_Aitzol_Berasategi.jpg", LOM16, "CC-BY-4.0 (Aitzol Berasategi, 2018)", "train"),
    ("analogpattern", "lom16:analogpattern_by_Peter_Nerlich.jpg", LOM16, "CC-BY-SA-4.0 (Peter Nerlich, 2018)",
     "train"),
    ("free", "lom16:free_by_Peter_Nerlich.jpg", LOM16, "CC-BY-SA-4.0 (Peter Nerlich, 2018)", "train"),
    ("friends", "lom16:friends_by_Aitzol_Berasategi.jpg", LOM16, "CC-BY-4.0 (Aitzol Berasategi, 2018)", "train"),
    ("greentock", "lom16:greentock_by_Peter_Nerlich.jpg", LOM16, "CC-BY-SA-4.0 (Peter Nerlich, 2018)", "train"),
    ("life", "lom16:life_by_Aitzol_Berasategi.jpg", LOM16, "CC-BY-4.0 (Aitzol Berasategi, 2018)", "train"),
    ("sunset", "lom16:sunset_by_Aitzol_Berasategi.jpg", LOM16, "CC-BY-4.0 (Aitzol Berasategi, 2018)", "train"),
    ("kleiber", "lom20:Kleiber_by_Lukas_Baubkus.jpg", LOM20, "CC-BY-SA-3.0 (Lukas Baubkus, 2021)", "train"),
] + [
    (n.lower(), f"mate:{n}.jpg", MATE, "GPL-2+ (authors in the package's debian/copyright)", "train")
    for n in ["Aqua", "Blinds", "Dune", "FreshFlower", "Garden", "GreenMeadow", "LadyBird", "RainDrops",
              "Storm", "TwoWings", "Wood", "YellowFlower"]
] + [
    (n.lower(), f"plasma:{n}", PLASMA, "GPL-2+ (KDE Visual Design Group)", "train")
    for n in ["BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey",
              "Kite", "OneStandsOut", "Path", "summer_1am"]
] + [
    # palapeli-data: licence and author from each photo's .desktop file (X-KDE-PluginInfo-License / -Author)
    ("castle_maintenon", "pal:castle-maintenon.jpg", PALAPELI, "GNU FDL (Eric Pouhier)", "train"),
    ("cincinnati_bridge", "pal:cincinnati-bridge.jpg", PALAPELI, "public domain (Derek Jensen)", "train"),
    ("citrus_fruits", "pal:citrus-fruits.jpg", PALAPELI, "public domain (US Department of Agriculture)", "train"),
    ("honey_bee", "pal:european-honey-bee.jpg", PALAPELI, "public domain (John Severns)", "train"),
    ("chameleon", "pal:panther-chameleon-female.jpg", PALAPELI, "GNU FDL (B. Navez and others)", "train"),
]


def load(key: str, debs: Path) -> tuple:
    kind, rest = key.split(":", 1)
    if kind == "sk":
        path = SK / rest
    elif kind == "mpl":
        path = MPL / rest
    elif kind in ("lom16", "lom20"):
        path = debs / "usr/share/backgrounds" / rest
    elif kind == "mate":
        path = debs / "usr/share/backgrounds/mate/nature" / rest
    elif kind == "pal":
        path = debs / "usr/share/palapeli/collection" / rest
    elif kind == "plasma":
        imgs = sorted((debs / "usr/share/wallpapers" / rest / "contents/images").iterdir(),
                      key=lambda p: Image.open(p).size[0])
        path = imgs[-1]  # the largest rendition
    elif kind == "scipy":
        import warnings
        from scipy import misc
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = getattr(misc, rest)()
        return Image.fromarray(arr.astype(np.uint8)), f"scipy.misc.{rest}()"
    else:
        raise ValueError(key)
    return Image.open(path), str(path)


def to_rgb(im: Image.Image) -> Image.Image:
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, im).convert("RGB")
    return im.convert("RGB")


def resize_long(im: Image.Image, side: int) -> Image.Image:
    w, h = im.size
    s = side / max(w, h)
    if s >= 1.0:
        return im
    return im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.LANCZOS)


def to_tensor(im: Image.Image) -> torch.Tensor:
    w, h = im.size
    return torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).view(h, w, 3).permute(2, 0, 1).clone()


def emoji_sheets(emoji_dir: Path, n_sheets: int, seed: int = 0) -> list:
    """512x512 sheets of 64 randomly placed Noto emoji (64 px, some scaled) on plain backgrounds."""
    rng = random.Random(seed)
    files = sorted((emoji_dir / "img/google/64").glob("*.png"))
    sheets = []
    for _ in range(n_sheets):
        bg = rng.choice([(255, 255, 255), (240, 240, 240), (30, 30, 30),
                         tuple(rng.randrange(256) for _ in range(3))])
        sheet = Image.new("RGBA", (512, 512), bg + (255,))
        for gy in range(8):
            for gx in range(8):
                e = Image.open(rng.choice(files)).convert("RGBA")
                size = rng.choice([48, 64, 64, 96])
                if size != 64:
                    e = e.resize((size, size), Image.LANCZOS)
                x = gx * 64 + rng.randint(-8, 8) - (size - 64) // 2
                y = gy * 64 + rng.randint(-8, 8) - (size - 64) // 2
                sheet.alpha_composite(e, (max(0, min(512 - size, x)), max(0, min(512 - size, y))))
        sheets.append(sheet.convert("RGB"))
    return sheets


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--debs", type=Path, default=HERE.parent / "data" / "debs" / "unpacked")
    ap.add_argument("--emoji", type=Path, default=Path("/tmp/emoji/node_modules/emoji-datasource-google"))
    ap.add_argument("--emoji-sheets", type=int, default=8)
    ap.add_argument("--out", type=Path, default=HERE.parent / "data" / "images")
    ap.add_argument("--heldout-dir", type=Path, default=REPO / "assets" / "samples" / "heldout")
    args = ap.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    args.heldout_dir.mkdir(parents=True, exist_ok=True)
    images, names, rows = [], [], []
    for name, key, package, licence, split in SOURCES:
        im, path = load(key, args.debs)
        orig = im.size
        im = to_rgb(im)
        row = {"name": name, "file": path, "package": package, "licence": licence, "split": split,
               "original_size": list(orig)}
        if split == "heldout":
            small = resize_long(im, HELDOUT_SIDE)
            w, h = small.size
            cw, ch = w - w % 16, h - h % 16
            small = small.crop(((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch))
            small.save(args.heldout_dir / f"{name}.png", optimize=True)
            row["heldout_size"] = [cw, ch]
        else:
            sizes = []
            for side in SCALES:
                if side > max(im.size) and sizes:
                    continue
                small = resize_long(im, side)
                if small.size in sizes:
                    continue
                sizes.append(small.size)
                images.append(to_tensor(small))
                names.append(name)
            row["train_sizes"] = [list(s) for s in sizes]
        rows.append(row)
        print(f"{split:8s} {name:20s} {orig} -> {row.get('heldout_size') or row.get('train_sizes')}")

    epkg = json.loads((args.emoji / "package.json").read_text())
    for i, sheet in enumerate(emoji_sheets(args.emoji, args.emoji_sheets)):
        images.append(to_tensor(sheet))
        names.append(f"emoji_sheet_{i}")
    rows.append({"name": "emoji_sheets", "file": str(args.emoji / "img/google/64"),
                 "package": f"{epkg['name']}@{epkg['version']} (npm)", "licence": "Apache-2.0 (Noto Emoji, Google)",
                 "split": "train", "count": args.emoji_sheets,
                 "note": "512x512 sheets of 64 random emoji (48-96 px) on plain backgrounds, seed 0"})

    torch.save({"images": images, "names": names}, args.out / "train.pt")
    (args.out / "sources.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    n_photos = sum(1 for r in rows if r["split"] == "train" and r["name"] != "emoji_sheets")
    pixels = sum(t.shape[1] * t.shape[2] for t in images)
    print(f"train: {n_photos} photos + {args.emoji_sheets} emoji sheets -> {len(images)} tensors, "
          f"{pixels / 1e6:.1f} Mpixel; heldout: {sum(r['split'] == 'heldout' for r in rows)}")

    lines = ["# Held-out evaluation photos", "",
             "Never used for training photo-sr4 or photo-inpaint. Written by",
             "`native-models/train/images/prepare_images.py`: RGB, long side 512 px (PIL Lanczos, antialiased),",
             "centre-cropped so both sides are multiples of 16 (so a x4 area-downsampled low-res copy has",
             "integer sides that are multiples of 4).", "",
             "| file | size | source | licence |", "| --- | --- | --- | --- |"]
    for r in rows:
        if r["split"] == "heldout":
            lines.append(f"| {r['name']}.png | {r['heldout_size'][0]}x{r['heldout_size'][1]} | "
                         f"{r['package']}: `{Path(r['file']).name}` | {r['licence']} |")
    lines += ["", "CC-BY-4.0 photos: credit the named photographer (these are resized and cropped copies of",
              "the Ubuntu 18.04 (Lomiri 16.04 set) community wallpapers). The full licence texts are in the",
              "Debian packages' `/usr/share/doc/<package>/copyright` files.", ""]
    (args.heldout_dir / "LICENCES.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
