"""Print the model-card metric tables (markdown) from an eval.json written by eval_sr.py / eval_inpaint.py.

Usage: /usr/bin/python3 tables.py ../runs/sr4/eval.json
       /usr/bin/python3 tables.py ../runs/inpaint/eval.json
"""
import json
import sys


def sr_tables(r: dict) -> None:
    mean = r["mean"]
    print("| method | NFE | sigma_max | PSNR (dB) | SSIM |")
    print("| --- | --- | --- | --- | --- |")
    for k in ("bicubic", "lanczos"):
        print(f"| {k} | - | - | {mean[k]['psnr']:.2f} | {mean[k]['ssim']:.4f} |")
    rows = []
    for k, v in mean.items():
        if k in ("bicubic", "lanczos"):
            continue
        sampler, nfe, smax = k.split("_")
        rows.append((smax, sampler, int(nfe[3:]), v))
    for smax, sampler, nfe, v in sorted(rows, key=lambda t: (-float(t[0][4:]), t[1], t[2])):
        print(f"| photo-sr4, {sampler} | {nfe} | {smax[4:]} | {v['psnr']:.2f} | {v['ssim']:.4f} |")
    print()
    keys = [k for k in mean if k not in ("bicubic", "lanczos")]
    pick = [k for k in keys if k.startswith("euler_nfe4_") or k.startswith("euler_nfe1_")]
    print("| photo | size | bicubic | lanczos | " + " | ".join(pick) + " |")
    print("| --- | --- | --- | --- | " + " | ".join("---" for _ in pick) + " |")
    for p in r["photos"]:
        cells = [f"{p[k]['psnr']:.2f}" for k in ["bicubic", "lanczos"] + pick]
        print(f"| {p['photo']} | {p['size'][0]}x{p['size'][1]} | " + " | ".join(cells) + " |")


def inpaint_tables(r: dict) -> None:
    mean = r["mean"]
    print("| method | steps | NFE | MAE in mask (0-255) | PSNR in mask (dB) |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| blur-fill | - | - | {mean['blur_fill']['mae']:.2f} | {mean['blur_fill']['psnr']:.2f} |")
    for k, v in mean.items():
        if k == "blur_fill":
            continue
        sampler, steps, nfe = k.split("_")
        print(f"| photo-inpaint, {sampler} | {steps[5:]} | {nfe[3:]} | {v['mae']:.2f} | {v['psnr']:.2f} |")
    print()
    by_mask = {}
    for c in r["cases"]:
        kind = "box128" if c["mask"] == "box128" else "random"
        by_mask.setdefault(kind, []).append(c)
    keys = [k for k in mean if k != "blur_fill"]
    print("| masks | cases | blur-fill MAE / PSNR | " + " | ".join(f"{k} MAE / PSNR" for k in keys) + " |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in keys) + " |")
    for kind, cs in by_mask.items():
        cells = []
        for k in ["blur_fill"] + keys:
            mae = sum(c[k]["mae"] for c in cs) / len(cs)
            psnr = sum(c[k]["psnr"] for c in cs) / len(cs)
            cells.append(f"{mae:.2f} / {psnr:.2f}")
        print(f"| {kind} | {len(cs)} | " + " | ".join(cells) + " |")


def main() -> None:
    r = json.loads(open(sys.argv[1]).read())
    if "photos" in r:
        sr_tables(r)
    else:
        inpaint_tables(r)


if __name__ == "__main__":
    main()
