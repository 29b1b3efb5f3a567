"""Write manifest.json for the emoji-32 starter model from its exported files.

Usage: /usr/bin/python3 write_manifest.py [model-dir]   (default: ../starter/emoji-32)

Reads unet.onnx (size, sha256) and the class list from the training checkpoint summary
(training.json when present), and writes the manifest the studio's registry reads
(schema: main/contract/models.ts, ModelManifestSchema).
"""
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_DIR = HERE.parent / "starter" / "emoji-32"
CLASSES = ["Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink",
           "Travel & Places", "Activities", "Objects", "Symbols", "Flags"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main() -> None:
    model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    unet = model_dir / "unet.onnx"
    training = model_dir / "training.json"
    classes = json.loads(training.read_text())["classes"] if training.exists() else CLASSES
    if isinstance(classes, dict):
        classes = classes["names"]
    batch = "batch"
    manifest = {
        "schemaVersion": 1,
        "id": "emoji-32",
        "name": "Emoji 32 (starter)",
        "description": "A small class-conditional pixel-space DDPM trained by this project on the Noto "
                       "emoji images of emoji-datasource-google, 32×32. Pick a category; guidance sharpens it.",
        "modality": "image",
        "tasks": ["image.generate", "image.img2img", "image.inpaint", "image.upscale"],
        "licence": "Apache-2.0 (weights trained by Diffusion Studio on Noto Emoji, Apache-2.0)",
        "files": [{"path": "unet.onnx", "size": unet.stat().st_size, "sha256": sha256(unet),
                   "source": "starter"}],
        "components": {
            "denoiser": {
                "file": "unet.onnx",
                "externalData": [],
                "inputs": [
                    {"name": "sample", "dtype": "float32", "shape": [batch, 3, 32, 32]},
                    {"name": "timestep", "dtype": "float32", "shape": [batch]},
                    {"name": "class_labels", "dtype": "int64", "shape": [batch]},
                ],
                "outputs": [{"name": "noise_pred", "dtype": "float32", "shape": [batch, 3, 32, 32]}],
            }
        },
        "parameterization": "epsilon",
        "schedule": {"type": "discrete", "betaSchedule": "linear", "betaStart": 0.0001,
                     "betaEnd": 0.02, "trainSteps": 1000, "zeroTerminalSnr": False,
                     "timestepDtype": "float32"},
        "conditioning": {"type": "class", "classes": classes, "nullClass": len(classes),
                         "input": "class_labels"},
        "sample": {"channels": 3, "width": 32, "height": 32},
        "latentScale": 1,
        "pixelRange": [-1, 1],
        "defaults": {"sampler": "dpmpp-2m", "steps": 20, "guidance": 2.0, "schedule": "model"},
        "resolutionBuckets": [],
        "memoryEstimateMB": 64,
    }
    (model_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {model_dir / 'manifest.json'}")


if __name__ == "__main__":
    main()
