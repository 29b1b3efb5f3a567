"""Write manifest.json for the photo-sr4 and photo-inpaint starter models from their exported files.

Usage: /usr/bin/python3 native-models/export/write_photo_manifests.py [starter-dir]
(default: native-models/starter). Reads each model.onnx (size, sha256, graph inputs/outputs) and
writes the manifest the studio's registry reads (schema: main/contract/models.ts).
"""
import json
import sys
from pathlib import Path

import onnx

sys.path.insert(0, str(Path(__file__).parent))
from manifest_util import sha256, values  # noqa: E402

HERE = Path(__file__).parent
STARTER = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "starter"
LICENCE = ("Mixed open licences of the training photos (CC0, public domain, CC-BY-4.0, CC-BY-SA-3.0/4.0, "
           "GPL-2+; see README.md and training.json); weights trained by Diffusion Studio")


def write(model_id: str, name: str, description: str, task: str, image_inputs: dict, multiple: int,
          defaults: dict, memory_mb: int, sigma_max: float = 80, measured: dict | None = None) -> None:
    folder = STARTER / model_id
    onnx_path = folder / "model.onnx"
    if not onnx_path.exists():
        print("skipped", model_id, "(no model.onnx yet)")
        return
    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    manifest = {
        "schemaVersion": 1,
        "id": model_id,
        "name": name,
        "description": description,
        "modality": "image",
        "tasks": [task],
        "licence": LICENCE,
        "files": [{"path": "model.onnx", "size": onnx_path.stat().st_size, "sha256": sha256(onnx_path),
                   "source": "starter"}],
        "components": {"denoiser": {"file": "model.onnx", "externalData": [],
                                    "inputs": values(graph.input), "outputs": values(graph.output)}},
        "parameterization": "edm",
        "schedule": {"type": "continuous", "sigmaMin": 0.002, "sigmaMax": sigma_max, "sigmaData": 0.5},
        "conditioning": {"type": "none"},
        "sample": {"kind": "image", "channels": 3, "width": 128, "height": 128, "latentScale": 1,
                   "pixelRange": [-1, 1], "vaeScale": 1, "sizeMultiple": multiple},
        "defaults": defaults,
        "resolutionBuckets": [],
        **({"measuredRange": measured} if measured else {}),
        "imageInputs": image_inputs,
        "memoryEstimateMB": memory_mb,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print("wrote", folder / "manifest.json")


write("photo-sr4", "Photo ×4 (starter)",
      "×4 super-resolution of photos: a small pixel-space EDM diffusion model trained by this project on "
      "openly licensed photos, conditioned on the low-resolution image. Fully convolutional; large images "
      "run in tiles.",
      "image.upscale",
      {"upscale": {"scale": 4, "lowRes": {"kind": "input", "input": "low_res"}, "degradation": "area"}}, 4,
      # Measured on the held-out photos (model card): Euler from sigma_max 10 is best at 1-2 NFE.
      {"sampler": "euler", "steps": 2, "guidance": 1, "schedule": "karras"}, 96, sigma_max=10,
      # The measured good range (npm run bench:images, docs/benchmarks.md); the studio warns outside it.
      # Update the figures with the table whenever the model is retrained.
      measured={"steps": {"min": 1, "max": 2}, "samplers": ["euler"],
                "basis": "PSNR on the 6 held-out photos (npm run bench:images, docs/benchmarks.md): Euler at 1–2 "
                         "steps 27.6 dB against bicubic 26.9 dB; at 4 steps 26.0 dB, at 10 steps 24.7 dB, at 20 "
                         "steps 24.0 dB (below bicubic, with visible grain); Heun at 2–10 steps 4.9–21.4 dB "
                         "(model card)."})
write("photo-inpaint", "Photo inpaint (starter)",
      "Inpainting and outpainting of photos: a small Palette-style pixel-space EDM diffusion model trained "
      "by this project on openly licensed photos with brush, box and border masks. Fully convolutional. "
      "Undertrained (CPU, 2,750 steps): it fills holes with noisy texture and is worse than a blur fill on "
      "held-out photos (see its model card); use it to try the inpainting tools, or import a Stable "
      "Diffusion inpainting model for real work.",
      "image.inpaint", {"inpaint": {"kind": "concat"}}, 16,
      {"sampler": "euler", "steps": 10, "guidance": 1, "schedule": "karras"}, 128)
