"""Export the EMA weights of a run to model.onnx, parity.json and training.json.

Usage: /usr/bin/python3 export.py --task sr --run-dir ../runs/sr4 --out-dir ../../starter/photo-sr4 [--no-training]

model.onnx: fp32, opset 17, constant folding; batch and spatial dims dynamic.
  sr:      sample f32 [B,3,4h,4w] (c_in * x), timestep f32 [B] (ln(sigma)/4), low_res f32 [B,3,h,w] -> out [B,3,4h,4w]
  inpaint: sample f32 [B,7,H,W] ([c_in * x, mask, masked_image]), timestep f32 [B]                 -> out [B,3,H,W]
parity.json: a seeded batch-2 input (rounded to 6 significant digits) and the PyTorch output.
"""
import argparse
import json
from pathlib import Path

import onnx
import torch

from nets import build, count_params

HERE = Path(__file__).resolve().parent
OPSET = 17
PARITY_SEED = 1234
PARITY_SIGMAS = [80.0, 0.3]


def round6(t: torch.Tensor) -> list:
    return [float(f"{v:.6g}") for v in t.flatten().tolist()]


def load_ema(task: str, run_dir: Path) -> tuple:
    ck = torch.load(run_dir / "ckpt.pt")
    net = build(task, ck["hparams"]["config"])
    net.load_state_dict(ck["ema"])
    return net.eval(), ck


def io_spec(task: str) -> tuple:
    if task == "sr":
        inputs = ["sample", "timestep", "low_res"]
        example = (torch.zeros(1, 3, 64, 64), torch.zeros(1), torch.zeros(1, 3, 16, 16))
        dyn = {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
               "low_res": {0: "batch", 2: "low_height", 3: "low_width"},
               "out": {0: "batch", 2: "height", 3: "width"}}
    else:
        inputs = ["sample", "timestep"]
        example = (torch.zeros(1, 7, 64, 64), torch.zeros(1))
        dyn = {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
               "out": {0: "batch", 2: "height", 3: "width"}}
    return inputs, example, dyn


def export(task: str, net: torch.nn.Module, path: Path) -> None:
    inputs, example, dyn = io_spec(task)
    torch.onnx.export(net, example, str(path), opset_version=OPSET, do_constant_folding=True,
                      input_names=inputs, output_names=["out"], dynamic_axes=dyn)
    model = onnx.load(str(path))
    # the exporter leaves the channel dim of `out` symbolic when it comes from a broadcast Add: pin it to 3
    ch = model.graph.output[0].type.tensor_type.shape.dim[1]
    if not ch.HasField("dim_value"):
        ch.Clear()
        ch.dim_value = 3
        onnx.save(model, str(path))
    onnx.checker.check_model(onnx.load(str(path)))


def parity_fixture(task: str, net: torch.nn.Module) -> dict:
    gen = torch.Generator().manual_seed(PARITY_SEED)
    timestep = torch.tensor(PARITY_SIGMAS).log() / 4
    timestep = torch.tensor(round6(timestep))
    if task == "sr":
        sample = torch.tensor(round6(torch.randn(2, 3, 32, 32, generator=gen))).view(2, 3, 32, 32)
        low_res = torch.tensor(round6(torch.rand(2, 3, 8, 8, generator=gen) * 2 - 1)).view(2, 3, 8, 8)
        args = (sample, timestep, low_res)
        feeds = {"sample": sample, "timestep": timestep, "low_res": low_res}
    else:
        noisy = torch.randn(2, 3, 32, 32, generator=gen)
        mask = torch.zeros(2, 1, 32, 32)
        mask[:, :, 8:24, 4:20] = 1
        image = torch.rand(2, 3, 32, 32, generator=gen) * 2 - 1
        sample = torch.tensor(round6(torch.cat([noisy, mask, image * (1 - mask)], 1))).view(2, 7, 32, 32)
        args = (sample, timestep)
        feeds = {"sample": sample, "timestep": timestep}
    with torch.no_grad():
        out = net(*args)
    return {
        "seed": PARITY_SEED, "sigmas": PARITY_SIGMAS, "tolerance": 1e-4,
        "inputs": {k: {"shape": list(v.shape), "data": round6(v)} for k, v in feeds.items()},
        "out": {"shape": list(out.shape), "data": round6(out)},
    }


ARCH = {
    "sr": "SR4Net: space-to-depth x4 of the noisy HR input (48 ch) concatenated with the LR image (3 ch) on the "
          "LR grid; 3x3 conv head; residual UNet without attention or normalisation (levels at 1, 1/2, 1/4 of the "
          "LR grid, ResBlock = SiLU-conv3x3-FiLM(noise)-SiLU-conv3x3 + skip; stride-2 conv down, nearest resize "
          "to the skip size + 1x1 conv + add up); 3x3 conv tail to 48 ch; depth-to-space x4. Noise embedding: "
          "c_noise and 16 log-spaced Fourier features (freq 1..64) -> MLP(128).",
    "inpaint": "InpaintNet: space-to-depth x2 of the 7-channel input (28 ch); 3x3 conv head; residual UNet without "
               "attention or normalisation (levels at 1/2, 1/4, 1/8, 1/16 of the input; same ResBlock/FiLM/up/down "
               "as photo-sr4); 3x3 conv tail to 12 ch; depth-to-space x2. Noise embedding as photo-sr4.",
}


HARDWARE = {
    "v1": "2-core shared x86-64 VM, CPU only, torch.set_num_threads(1), nice 19; the cores were shared with 3-5 "
          "other processes (load average 5-9) for the whole run, so steps were 2-4x slower than on an idle machine",
    "v2": "2-core shared x86-64 VM, CPU only, torch.set_num_threads(2), nice 15 under the training lock; the cores "
          "were shared with ~20 other processes (load average 12-21), so one step took 20-140 s instead of ~0.5 s",
}


def info_key(summary: dict) -> str:
    return "v2" if summary.get("chain_start") is not None else "v1"


def training_info(task: str, run_dir: Path, net: torch.nn.Module, onnx_path: Path) -> dict:
    """training.json: the run's summary.json + data sources + eval.json / latency.json when present."""
    if (run_dir / "summary.json").exists():
        s = json.loads((run_dir / "summary.json").read_text())
    else:  # unfinished run: what the checkpoint knows
        ck = torch.load(run_dir / "ckpt.pt")
        s = {**ck["hparams"], "iterations": ck["step"], "train_seconds": round(ck["elapsed"], 1),
             "wall_seconds": round(ck.get("wall", 0.0), 1), "final_loss": round(sum(ck["recent"]) / len(ck["recent"]), 5),
             "final_loss_window": len(ck["recent"]), "torch": torch.__version__, "unfinished": True,
             "num_train_tensors": len(torch.load(HERE.parent / "data" / "images" / "train.pt")["images"])}
    sources = json.loads((HERE.parent / "data" / "images" / "sources.json").read_text())
    train_rows = [r for r in sources if r["split"] == "train"]
    info = {
        "model": {"sr": "photo-sr4", "inpaint": "photo-inpaint"}[task],
        "architecture": ARCH[task],
        "config": s["config"],
        "parameters": count_params(net),
        "preconditioning": {"kind": "EDM (Karras et al. 2022)", "sigma_data": 0.5, "c_noise": "ln(sigma)/4",
                            "c_skip": "sigma_data^2/(sigma^2+sigma_data^2)",
                            "c_out": "sigma*sigma_data/sqrt(sigma^2+sigma_data^2)",
                            "c_in": "1/sqrt(sigma^2+sigma_data^2)", "pixel_range": [-1.0, 1.0]},
        "training_sigma": {"distribution": "lognormal", "P_mean": s["p_mean"], "P_std": s["p_std"],
                           "central_95pct": [round(float(torch.tensor(s["p_mean"] - 1.96 * s["p_std"]).exp()), 4),
                                             round(float(torch.tensor(s["p_mean"] + 1.96 * s["p_std"]).exp()), 3)]},
        "sampling_sigma": {"sigma_min": 0.002, "sigma_max": 80.0, "rho": 7},
        "onnx": {"file": onnx_path.name, "opset": OPSET, "bytes": onnx_path.stat().st_size, "dtype": "float32"},
        "hyperparameters": {"optimizer": "Adam (betas 0.9, 0.999), grad-norm clip 1.0", "lr": s["lr"],
                            "lr_schedule": f"linear warm-up {s['warmup']} steps, cosine to 5% at {s['iters']}",
                            "batch": s["batch"], "patch": s["patch"], "ema_decay": s["ema"],
                            "loss": "EDM weighted MSE on F (lambda(sigma) c_out^2 = 1)"},
        "iterations": s["iterations"],
        "train_seconds": s["train_seconds"],
        "wall_seconds": s["wall_seconds"],
        "threads": s["threads"],
        "hardware": HARDWARE.get(info_key(s), HARDWARE["v1"]),
        "seed": s["seed"],
        "final_loss": s["final_loss"],
        "final_loss_note": f"mean weighted loss on F over the last {s['final_loss_window']} iterations",
        "init": s.get("init"),
        "unfinished": s.get("unfinished", False),
        "torch": s["torch"],
        "data": {
            "train_photos": len([r for r in train_rows if r["name"] != "emoji_sheets"]),
            "train_tensors": s["num_train_tensors"],
            "heldout_photos": [r["name"] for r in sources if r["split"] == "heldout"],
            "augmentation": "uniform image choice, uniform random crop, 8 flips/rotations",
            "sources": sources,
        },
    }
    if s.get("chain_start") is not None:
        info["truncated_chain"] = {
            "sigma_start": s["chain_start"], "regression_fraction": s["reg_frac"], "tail_sigma": s["tail"],
            "loss": "L1 on F (= |D - y| / c_out)" if s.get("loss") == "l1" else "EDM MSE on F",
            "start": "bilinear x4 upsample" if task == "sr" else "harmonic fill of the hole (data.blur_fill, 100 sweeps)"}
        info["hyperparameters"]["loss"] = info["truncated_chain"]["loss"]
    if task == "sr":
        info["downsampling"] = ("x4 area filter: mean of each 4x4 block (torch avg_pool2d(4); = PIL resize BOX / "
                                "Image.reduce(4) at exact multiples), then rounded to 8 bit")
        info["data"]["patches"] = f"{s['patch']}x{s['patch']} HR, {s['patch'] // 4}x{s['patch'] // 4} LR"
    else:
        if s.get("studio_masks"):
            info["masks"] = {"kinds": "the mask editor's shapes: scratches 1-4 px 25%, brush strokes 3-20% of the side "
                                      "30%, 1-2 boxes 30%, a border band 8%, half the image 7%; each grown 0-3 px",
                             "loss_weight": f"1 inside the mask, {s['known_weight']} outside (normalised)",
                             "conditioning": "the image with the hole filled harmonically (masked_image channels)"}
        else:
            info["masks"] = {"kinds": "brush strokes 35%, 1-2 boxes 30%, border band on 1-4 sides 15%, half image 20%",
                             "loss_weight": "1 inside the mask, 0.1 outside (normalised)"}
        info["data"]["patches"] = "square 64/96/128/160 px (uniform), batch scaled by (128/size)^2, capped at 2x"
    for extra in ("eval.json", "latency.json"):
        p = run_dir / extra
        if p.exists():
            e = json.loads(p.read_text())
            info[extra[:-5]] = e.get("mean", e) if extra == "eval.json" else e
    return info


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=["sr", "inpaint"], required=True)
    ap.add_argument("--run-dir", type=Path, required=True)
    ap.add_argument("--out-dir", type=Path, required=True)
    ap.add_argument("--no-training", action="store_true", help="skip training.json (needs summary.json)")
    args = ap.parse_args()

    torch.set_num_threads(1)
    net, ck = load_ema(args.task, args.run_dir)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / "model.onnx"
    export(args.task, net, path)
    (args.out_dir / "parity.json").write_text(json.dumps(parity_fixture(args.task, net), separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes, {count_params(net)} params), parity.json")
    if not args.no_training:
        info = training_info(args.task, args.run_dir, net, path)
        (args.out_dir / "training.json").write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
        print("wrote training.json")


if __name__ == "__main__":
    main()
