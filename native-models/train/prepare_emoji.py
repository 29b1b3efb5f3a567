"""Turn the emoji-datasource-google PNGs into a cached 32x32 RGB tensor file.

Usage: /usr/bin/python3 prepare_emoji.py <emoji-datasource-google dir> [--out data/emoji32.pt]

Each 64x64 RGBA image is composited onto white and downsampled with a Lanczos
(antialiased) filter. The label is the emoji.json "category"; "Component"
(skin-tone swatches, hair styles) is dropped. Skin-tone variants are skipped so
that People & Body does not swamp the other classes.
"""
import argparse
import json
from pathlib import Path

import torch
from PIL import Image

SIZE = 32
DROPPED_CATEGORIES = {"Component"}


def load_rgb(path: Path) -> torch.Tensor:
    rgba = Image.open(path).convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    rgb = Image.alpha_composite(white, rgba).convert("RGB")
    rgb = rgb.resize((SIZE, SIZE), Image.LANCZOS)
    return torch.frombuffer(bytearray(rgb.tobytes()), dtype=torch.uint8).view(SIZE, SIZE, 3).permute(2, 0, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path, help="path to node_modules/emoji-datasource-google")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "emoji32.pt")
    args = ap.parse_args()

    package = json.loads((args.data_dir / "package.json").read_text())
    # categories.json keys give the canonical category order.
    order = json.loads((args.data_dir / "categories.json").read_text())
    classes = [c for c in order if c not in DROPPED_CATEGORIES]
    entries = json.loads((args.data_dir / "emoji.json").read_text())
    entries = sorted((e for e in entries if e["category"] in classes), key=lambda e: e["sort_order"])

    img_dir = args.data_dir / "img" / "google" / "64"
    images, labels, names = [], [], []
    for e in entries:
        path = img_dir / e["image"]
        if not e.get("has_img_google") or not path.exists():
            continue
        images.append(load_rgb(path))
        labels.append(classes.index(e["category"]))
        names.append(e["short_name"])

    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "images": torch.stack(images),  # uint8 [N,3,32,32]
            "labels": torch.tensor(labels, dtype=torch.int64),
            "names": names,
            "classes": classes,
            "package": f"{package['name']}@{package['version']}",
        },
        args.out,
    )
    counts = torch.bincount(torch.tensor(labels), minlength=len(classes)).tolist()
    print(f"wrote {len(images)} images to {args.out}")
    for c, n in zip(classes, counts):
        print(f"  {n:5d}  {c}")


if __name__ == "__main__":
    main()
