"""Export digits-mel: unet.onnx + classifier.onnx, parity fixtures, audio.json, the mel/Griffin-Lim
fixture for the TypeScript code, training.json and starter.json (everything a manifest needs).

unet.onnx:       sample f32 [batch,1,64,64], timestep f32 [batch] (continuous, 0..999),
                 class_labels i64 [batch] (0..9 digits, 10 = null) -> noise_pred f32 [batch,1,64,64]
classifier.onnx: mel f32 [batch,1,64,64] (normalised log-mel) -> logits f32 [batch,10], features f32 [batch,128]
fixture/fixture.bin + fixture.json: little-endian float32 arrays (offsets in the JSON) computed in float64
by dsp.py from one held-out clip: wave [8192], stft_magnitude [257,64], mel_power [64,64], log_mel [64,64],
gl_wave [8192] (dsp.invert(log_mel), 32 iterations), gl_log_mel [64,64] (log_mel of gl_wave).

Usage: /usr/bin/python3 export_digits.py [--run-dir ../runs/digits-mel] [--clf-dir ../runs/digits-clf]
       [--metrics ../runs/digits-mel/metrics.json] [--fixture-only]
"""
import argparse
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import data as digits  # noqa: E402
import dsp  # noqa: E402
from diffusion import manifest_schedule, training_schedule  # noqa: E402
from eval_digits import load_classifier, load_unet  # noqa: E402
from onnx_io import export, io_shapes, parity, write_json  # noqa: E402

OUT = Path(os.environ.get("DIGITS_STARTER", HERE.parent.parent / "starter" / "digits-mel"))
PARITY_SEED = 1234


def write_fixture(out_dir: Path, wave: np.ndarray, meta: dict) -> None:
    mel_power = dsp.mel_power(wave)
    log_mel = dsp.normalise(mel_power)
    gl = dsp.invert(log_mel)
    arrays = {"wave": wave, "stft_magnitude": np.abs(dsp.stft(wave)), "mel_power": mel_power, "log_mel": log_mel,
              "gl_wave": gl, "gl_log_mel": dsp.log_mel(np.clip(gl, -1, 1))}
    out_dir.mkdir(parents=True, exist_ok=True)
    header, blobs, offset = {"dtype": "float32", "byte_order": "little", "arrays": []}, [], 0
    for name, a in arrays.items():
        b = np.ascontiguousarray(a, dtype="<f4").tobytes()
        header["arrays"].append({"name": name, "shape": list(a.shape), "offset": offset, "bytes": len(b)})
        blobs.append(b)
        offset += len(b)
    header["source"] = meta
    header["computed_with"] = "native-models/train/audio/dsp.py in float64, stored as float32"
    header["notes"] = {
        "wave": "the clip as stored (int16 / 32768)",
        "stft_magnitude": "|X| [freq 257, frame 64], the STFT of audio.json",
        "mel_power": "filterbank @ |X|^2 [mel 64, frame 64]",
        "log_mel": "the normalised log-mel in [-1, 1], the model's [1, 64, 64] image",
        "gl_wave": f"invert(log_mel): pseudo-inverse + fast Griffin-Lim, {dsp.GL_ITERS} iterations, zero phase",
        "gl_log_mel": "log_mel of gl_wave (clipped to [-1, 1] first)",
    }
    (out_dir / "fixture.bin").write_bytes(b"".join(blobs))
    write_json(out_dir / "fixture.json", header)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "digits-mel")
    ap.add_argument("--clf-dir", type=Path, default=HERE.parent / "runs" / "digits-clf")
    ap.add_argument("--metrics", type=Path, default=None)
    ap.add_argument("--fixture-only", action="store_true", help="write only audio.json and fixture/ (no models needed)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    d = digits.load()
    held = np.nonzero(d["split"] == 1)[0]
    # Fixture: the first held-out "seven" (label 7) without added noise.
    k = next(i for i in held if d["label"][i] == 7 and d["params"][i]["noise_snr_db"] is None)
    wave = d["npz"]["wave"][k].astype(np.float64) / 32768.0
    write_fixture(OUT / "fixture", wave, {"label": 7, "word": "seven", "voice": d["params"][k]})
    write_json(OUT / "audio.json", {"model": "digits-mel", **dsp.audio_spec()})
    if args.fixture_only:
        return
    unet, clf = load_unet(args.run_dir), load_classifier(args.clf_dir)

    g = torch.Generator().manual_seed(PARITY_SEED)
    export(unet, (torch.zeros(2, 1, 64, 64), torch.tensor([999.0, 0.0]), torch.tensor([0, 10])),
           ["sample", "timestep", "class_labels"], ["noise_pred"], OUT / "unet.onnx")
    write_json(OUT / "parity.json", parity(unet, str(OUT / "unet.onnx"), {
        "sample": torch.randn(2, 1, 64, 64, generator=g), "timestep": torch.tensor([999.0, 123.5]),
        "class_labels": torch.tensor([7, 10])}, PARITY_SEED), compact=True)

    export(clf, (torch.zeros(2, 1, 64, 64),), ["mel"], ["logits", "features"], OUT / "classifier.onnx")
    write_json(OUT / "parity-classifier.json", parity(clf, str(OUT / "classifier.onnx"), {
        "mel": torch.from_numpy(d["mel"][held[:2]])[:, None]}, PARITY_SEED), compact=True)

    summary = json.loads((args.run_dir / "summary.json").read_text())
    clf_summary = json.loads((args.clf_dir / "summary.json").read_text())
    metrics = json.loads(args.metrics.read_text()) if args.metrics else None
    npz = d["npz"]
    data = {
        "clips": int(len(d["label"])), "train_clips": int((d["split"] == 0).sum()),
        "heldout_clips": int((d["split"] == 1).sum()), "voices": int(len(d["voices"])),
        "train_voices": int(len(np.unique(d["voice"][d["split"] == 0]))),
        "heldout_voices": int(len(np.unique(d["voice"][d["split"] == 1]))),
        "heldout_variants": npz["heldout_variants"].tolist(), "heldout_languages": npz["heldout_langs"].tolist(),
        "heldout_flite": npz["heldout_flite"].tolist(),
        "sources": {"espeak-ng": "1.51+dfsg-10+deb12u2 (Debian; GPL-3+)",
                    "espeak-ng-data": "1.51+dfsg-10+deb12u2 (Debian; GPL-3+)",
                    "flite": "2.2-5 (Debian; CMU/Cepstral BSD-style licence, voices kal, kal16, awb, rms, slt)"},
        "command": "nice -n 15 /usr/bin/python3 render_digits.py",
    }
    files = {p.name: p.stat().st_size for p in sorted(OUT.glob("*.onnx"))}
    training = {
        "model": "digits-mel",
        "denoiser": {
            "architecture": "emoji-32 UNet (channels 32/64/128, GroupNorm(8)+SiLU ResBlocks, single-head "
                            "self-attention at the lowest level, sinusoidal embedding of a continuous timestep + "
                            "class embedding with 11 rows) behind a 2x2 space-to-depth fold: [B,1,64,64] -> "
                            "[B,4,32,32] -> UNet at 32/16/8 px (attention at 8x8) -> depth-to-space",
            "parameters": summary["parameters"], "onnx": io_shapes(OUT / "unet.onnx"),
            "iterations": summary["iterations"], "batch_size": summary["batch_size"], "lr": summary["lr"],
            "warmup": summary["warmup"], "ema_decay": summary["ema_decay"],
            "label_dropout": summary["label_dropout"], "seconds": summary["seconds"],
            "final_loss": summary["final_loss"],
            "final_loss_note": f"mean epsilon MSE over the last {summary['final_loss_window']} iterations",
            "seed": summary["seed"], "threads": summary["threads"], "torch": summary["torch"],
            "command": summary.get("command"),
            "wall_runs": summary.get("wall_runs"),
        },
        "classifier": {
            "architecture": "CNN: Conv3x3-BN-ReLU 16 | 32,32 | 64,64 | 128,128 at 64/32/16/8 px with max-pool, "
                            "global average pool, Linear(128,128)+ReLU = features, dropout 0.3, Linear(128,10)",
            "onnx": io_shapes(OUT / "classifier.onnx"), **{k: v for k, v in clf_summary.items() if k != "history"},
            "history": clf_summary.get("history"),
        },
        "schedule": training_schedule(),
        "classes": digits.CLASSES, "null_class_index": 10,
        "data": data,
        "hardware": f"CPU ({platform.processor() or platform.machine()}), 2 threads, shared 2-core VM, nice 15",
        "onnx_bytes": files,
        "metrics": metrics,
    }
    write_json(OUT / "training.json", training)
    gen = (metrics or {}).get("generated", {})
    starter = {
        "id": "digits-mel", "modality": "audio", "kind": "class-conditional mel-spectrogram DDPM",
        "classes": digits.CLASSES, "null_class": 10,
        "denoiser": {"file": "unet.onnx", **io_shapes(OUT / "unet.onnx")},
        "classifier": {"file": "classifier.onnx", **io_shapes(OUT / "classifier.onnx")},
        "schedule": manifest_schedule(),
        "parameterization": "epsilon",
        "sample": {"kind": "mel", "channels": 1, "mels": dsp.N_MELS, "frames": dsp.N_FRAMES, "range": [-1, 1],
                   "sample_rate": dsp.SAMPLE_RATE, "samples": dsp.N_SAMPLES, "seconds": dsp.N_SAMPLES / dsp.SAMPLE_RATE,
                   "spec": "audio.json"},
        "vocoder": "none: Griffin-Lim as in audio.json",
        "defaults": {"sampler": (metrics or {}).get("sampler", "dpmpp-2m"), "steps": (metrics or {}).get("steps", 25),
                     "guidance": (metrics or {}).get("guidance"), "schedule": "model"},
        "measured": {"generated_accuracy": gen.get("accuracy"), "fd": gen.get("fd_vs_heldout_real"),
                     "ceiling_accuracy": (metrics or {}).get("ceiling_heldout_after_inversion", {}).get("accuracy")},
        "licence": "weights: trained by Diffusion Studio on speech rendered by espeak-ng (GPL-3+) and flite "
                   "(CMU BSD-style); see README.md",
    }
    write_json(OUT / "starter.json", starter)
    print(json.dumps({"files": files, "fixture_bytes": (OUT / "fixture" / "fixture.bin").stat().st_size}))


if __name__ == "__main__":
    main()
