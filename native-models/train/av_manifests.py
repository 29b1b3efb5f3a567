"""Write the studio manifests of the audio and video starters (manifest.json beside their ONNX files):
file sizes and sha256 from the files as they are, the rest from the training constants.

Usage: /usr/bin/python3 av_manifests.py [--starter ../starter]
"""
import argparse
import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEDULE = {"type": "discrete", "betaSchedule": "linear", "betaStart": 0.0001, "betaEnd": 0.02, "trainSteps": 1000,
            "zeroTerminalSnr": False, "timestepDtype": "float32"}
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SHAPES = ["circle", "square", "triangle", "star"]
MOTIONS = ["left", "right", "up", "down", "rotate"]


def file_entry(folder: Path, name: str) -> dict:
    data = (folder / name).read_bytes()
    return {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "source": "starter"}


def denoiser(shape: list) -> dict:
    return {"file": "unet.onnx", "externalData": [],
            "inputs": [{"name": "sample", "dtype": "float32", "shape": ["batch", *shape]},
                       {"name": "timestep", "dtype": "float32", "shape": ["batch"]},
                       {"name": "class_labels", "dtype": "int64", "shape": ["batch"]}],
            "outputs": [{"name": "noise_pred", "dtype": "float32", "shape": ["batch", *shape]}]}


def defaults(folder: Path) -> dict:
    starter = folder / "starter.json"
    d = json.loads(starter.read_text()).get("defaults", {}) if starter.exists() else {}
    return {"sampler": d.get("sampler") or "dpmpp-2m", "steps": d.get("steps") or 25,
            "guidance": d.get("guidance") or 2.0, "schedule": "model"}


def digits(folder: Path) -> dict:
    spec = json.loads((folder / "audio.json").read_text())
    st, mel = spec["stft"], spec["mel"]
    return {
        "schemaVersion": 1, "id": "digits-mel", "name": "Spoken digits (starter)",
        "description": "A small class-conditional mel-spectrogram DDPM trained by this project on spoken digits "
                       "rendered by espeak-ng and flite: 1 s at 8 kHz per window, inverted by Griffin-Lim.",
        "limits": "Says one digit, zero to nine, in a synthetic voice at 8 kHz (telephone quality); Griffin-Lim "
                  "phase makes it sound metallic. Measured figures: README.md.",
        "modality": "audio", "tasks": ["audio.generate", "audio.inpaint", "audio.extend"],
        "licence": "weights: Diffusion Studio; data rendered by espeak-ng (GPL-3+) and flite (BSD-style); see README.md",
        "files": [file_entry(folder, "unet.onnx")],
        "components": {"denoiser": denoiser([1, mel["n_mels"], st["n_frames"]])},
        "parameterization": "epsilon", "schedule": SCHEDULE,
        "conditioning": {"type": "class", "classes": DIGITS, "nullClass": 10, "input": "class_labels"},
        "sample": {"kind": "audio", "representation": "mel", "channels": 1, "sampleRate": spec["sample_rate"],
                   "mels": mel["n_mels"], "frames": st["n_frames"], "nFft": st["n_fft"], "hop": st["hop_length"],
                   "pad": st["padding"]["left"], "fMin": mel["f_min"], "fMax": mel["f_max"],
                   "powerFloor": spec["log"]["power_floor"],
                   "logRange": [spec["affine"]["log_lo"], spec["affine"]["log_hi"]],
                   "griffinLim": {"iterations": spec["inversion"]["iterations"],
                                  "momentum": spec["inversion"]["momentum"]}},
        "defaults": defaults(folder), "resolutionBuckets": [], "memoryEstimateMB": 128,
    }


def sprites(folder: Path) -> dict:
    return {
        "schemaVersion": 1, "id": "sprites-16", "name": "Sprites 16 (starter)",
        "description": "A small class-conditional pixel-space video DDPM trained by this project on procedural "
                     "clips: a circle, square, triangle or star moving left, right, up, down or rotating; "
                     "16 frames of 32x32 at 8 fps.",
        "limits": "Makes 32x32 clips of one coloured shape on a plain background. Measured figures: README.md.",
        "modality": "video", "tasks": ["video.generate"],
        "licence": "weights and data: Diffusion Studio (procedural data); see README.md",
        "files": [file_entry(folder, "unet.onnx")],
        "components": {"denoiser": denoiser([3, 16, 32, 32])},
        "parameterization": "epsilon", "schedule": SCHEDULE,
        "conditioning": {"type": "class", "classes": [f"{s} {m}" for s in SHAPES for m in MOTIONS],
                         "nullClass": 20, "input": "class_labels"},
        "sample": {"kind": "video", "channels": 3, "frames": 16, "width": 32, "height": 32, "fps": 8,
                   "pixelRange": [-1, 1]},
        "defaults": defaults(folder), "resolutionBuckets": [], "memoryEstimateMB": 256,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--starter", type=Path, default=HERE.parent / "starter")
    args = ap.parse_args()
    for name, make in (("digits-mel", digits), ("sprites-16", sprites)):
        folder = args.starter / name
        if (folder / "unet.onnx").exists():
            (folder / "manifest.json").write_text(json.dumps(make(folder), indent=2) + "\n")
            print("wrote", folder / "manifest.json")


if __name__ == "__main__":
    main()
