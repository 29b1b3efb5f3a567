"""Export the EMA weights to ONNX plus training.json and a parity fixture.

Usage: /usr/bin/python3 export_onnx.py [--run-dir runs/emoji32] [--out-dir ../starter/emoji-32]

unet.onnx: opset 17, inputs sample f32 [B,3,32,32], timestep f32 [B] (continuous,
0..999), class_labels i64 [B] (num_classes = null class for CFG); output noise_pred.
parity.json: a seeded batch-2 input and the PyTorch output (6 significant digits).
"""
import argparse
import json
from pathlib import Path

import onnx
import torch

from diffusion import BETA_END, BETA_START, NUM_TRAIN_TIMESTEPS
from unet import EmojiUNet

HERE = Path(__file__).parent
INPUTS = ["sample", "timestep", "class_labels"]
OUTPUT = "noise_pred"
OPSET = 17
PARITY_SEED = 1234
PARITY_TIMESTEPS = [999.0, 123.5]


def round6(t: torch.Tensor) -> list:
    return [float(f"{v:.6g}") for v in t.flatten().tolist()]


def load_ema(run_dir: Path) -> tuple:
    ck = torch.load(run_dir / "ckpt.pt", map_location="cpu")
    model = EmojiUNet(num_classes=len(ck["classes"]))
    model.load_state_dict(ck["ema"])
    return model.eval(), ck["classes"]


def export(model: EmojiUNet, path: Path) -> None:
    example = (torch.zeros(2, 3, 32, 32), torch.tensor([999.0, 0.0]), torch.tensor([0, model.num_classes]))
    torch.onnx.export(
        model, example, str(path), opset_version=OPSET, do_constant_folding=True,
        input_names=INPUTS, output_names=[OUTPUT],
        dynamic_axes={name: {0: "batch"} for name in INPUTS + [OUTPUT]},
    )
    onnx.checker.check_model(onnx.load(str(path)))


def parity_fixture(model: EmojiUNet) -> dict:
    gen = torch.Generator().manual_seed(PARITY_SEED)
    sample = torch.tensor(round6(torch.randn(2, 3, 32, 32, generator=gen))).view(2, 3, 32, 32)
    timestep = torch.tensor(PARITY_TIMESTEPS)
    labels = torch.tensor([0, model.num_classes])
    with torch.no_grad():
        out = model(sample, timestep, labels)
    return {
        "seed": PARITY_SEED, "tolerance": 1e-4,
        "sample": {"shape": list(sample.shape), "data": round6(sample)},
        "timestep": PARITY_TIMESTEPS, "class_labels": labels.tolist(),
        "noise_pred": {"shape": list(out.shape), "data": round6(out)},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE / "runs" / "emoji32")
    ap.add_argument("--out-dir", type=Path, default=HERE.parent / "starter" / "emoji-32")
    args = ap.parse_args()

    model, classes = load_ema(args.run_dir)
    summary = json.loads((args.run_dir / "summary.json").read_text())
    args.out_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out_dir / "unet.onnx"
    export(model, onnx_path)

    package, version = summary["data_package"].rsplit("@", 1)
    training = {
        "model": "emoji-32",
        "architecture": "class-conditional UNet, channels 32/64/128 at 32/16/8 px, GroupNorm+SiLU ResBlocks, "
                        "self-attention at 8x8, sinusoidal embedding of a continuous timestep",
        "classes": classes,
        "null_class_index": len(classes),
        "schedule": {"beta_start": BETA_START, "beta_end": BETA_END,
                     "num_train_timesteps": NUM_TRAIN_TIMESTEPS, "beta_schedule": "linear"},
        "prediction": "epsilon",
        "pixel_range": [-1.0, 1.0],
        "sample_size": [3, 32, 32],
        "onnx": {"file": onnx_path.name, "opset": OPSET, "inputs": INPUTS, "output": OUTPUT,
                 "bytes": onnx_path.stat().st_size},
        "parameters": summary["parameters"],
        "iterations": summary["iterations"],
        "batch_size": summary["batch_size"],
        "learning_rate": summary["lr"],
        "ema_decay": summary["ema_decay"],
        "label_dropout": summary["label_dropout"],
        "training_seconds": summary["seconds"],
        "training_hardware": (
            "one NVIDIA H200 (CUDA)" if summary.get("device", "cpu").startswith("cuda")
            else f"CPU, {summary['threads']} threads"
        ),
        "final_loss": summary["final_loss"],
        "final_loss_note": f"mean epsilon MSE over the last {summary['final_loss_window']} iterations",
        "seed": summary["seed"],
        "torch": summary["torch"],
        "data": {"package": package, "version": version, "images": summary["num_images"],
                 "preprocessing": "RGBA composited on white, Lanczos 64->32, random horizontal flip"},
    }
    (args.out_dir / "training.json").write_text(json.dumps(training, indent=2) + "\n")
    (args.out_dir / "parity.json").write_text(json.dumps(parity_fixture(model), separators=(",", ":")) + "\n")
    print(f"wrote {onnx_path} ({onnx_path.stat().st_size} bytes), training.json, parity.json")


if __name__ == "__main__":
    main()
