"""Render the spoken-digit data set for digits-mel offline from Debian speech packages.

Words "zero" .. "nine" spoken by espeak-ng 1.51 (GPL-3+; many language voices x voice variants
from espeak-ng-data/voices/!v, random pitch -p and speed -s) and flite 2.2 (CMU licence; voices
kal, kal16, awb, rms, slt, random duration_stretch and int_f0_target_mean). Each rendering is then
  1. resampled to 8 kHz with a random speed-perturbation factor r ~ U[0.94, 1.06] (the clip is
     resampled to 8000 / r samples per second of source and played at 8 kHz: pitch and tempo x r),
  2. trimmed to the part above (peak frame energy - 40 dB) with 20 ms margins,
  3. peak-normalised to a random gain U[-12, -1] dBFS,
  4. placed at a uniform random start in an 8192-sample (1.024 s) buffer of zeros,
  5. with probability 0.3, white noise added at SNR U[20, 40] dB (relative to the clip's RMS).

Split by VOICE: a voice is (engine, language, variant). Held-out voices are every voice whose
variant is in HELDOUT_VARIANTS or whose language is in HELDOUT_LANGS, plus the flite voice slt;
none of them is ever used for training (neither the diffusion model nor the classifier).

Usage: nice -n 15 /usr/bin/python3 render_digits.py [--train-per-voice 2] [--heldout-per-voice 1]
       [--flite-train-per-digit 150] [--flite-heldout-per-digit 60] [--workers 2] [--limit N]
Writes data/digits/digits8k.npz: wave int16 [N, 8192], label int64 [N], split uint8 [N]
(0 train, 1 held-out), voice int32 [N] (index into voices), voices (names), params (JSON per clip).
"""
import argparse
import json
import os
import subprocess
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly

import dsp

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "data" / "digits" / "digits8k.npz"
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
VARIANT_DIR = Path("/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/!v")
# English accents, and languages whose spelling rules read the English words with an accent.
LANGS = ["en-us", "en-gb", "en-029", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-gb-x-rp",
         "en-us-nyc", "de", "nl", "fr-fr", "it", "es", "pl", "fi", "sw", "hu", "ro"]
HELDOUT_LANGS = ["en-gb-x-rp", "nl"]
FLITE_VOICES = ["kal", "kal16", "awb", "rms", "slt"]
HELDOUT_FLITE = ["slt"]
HELDOUT_FRACTION = 0.15  # of the espeak variants, chosen by a fixed seed


def espeak_variants() -> list:
    return sorted(p.name for p in VARIANT_DIR.iterdir() if " " not in p.name)


def heldout_variants(variants: list) -> list:
    rng = np.random.default_rng(12345)
    k = round(HELDOUT_FRACTION * len(variants))
    return sorted(rng.choice(variants, size=k, replace=False).tolist())


def read_wav(path: str) -> tuple:
    sr, x = wavfile.read(path)
    return sr, x.astype(np.float64) / 32768.0


def synth(job: dict, tmp: str, speed_scale: float = 1.0) -> tuple:
    word = DIGITS[job["label"]]
    if job["engine"] == "espeak":
        cmd = ["espeak-ng", "-v", f"{job['lang']}+{job['variant']}", "-p", str(job["pitch"]),
               "-s", str(round(job["speed"] * speed_scale)), "-w", tmp, word]
    else:
        cmd = ["flite", "-voice", job["lang"], "--setf", f"duration_stretch={job['stretch'] / speed_scale:.3f}",
               "--setf", f"int_f0_target_mean={job['f0']}", "-t", word, "-o", tmp]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return read_wav(tmp)


def trim(x: np.ndarray, sr: int = dsp.SAMPLE_RATE) -> np.ndarray:
    frame = int(0.01 * sr)
    n = len(x) // frame
    if n == 0:
        return x
    e = 10 * np.log10(np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1) + 1e-12)
    on = np.nonzero(e > e.max() - 40.0)[0]
    margin = 2 * frame
    return x[max(0, on[0] * frame - margin) : min(len(x), (on[-1] + 1) * frame + margin)]


def render(job: dict) -> tuple:
    rng = np.random.default_rng(job["seed"])
    r = rng.uniform(0.94, 1.06)
    gain_db = rng.uniform(-12.0, -1.0)
    noisy = rng.random() < 0.3
    snr_db = rng.uniform(20.0, 40.0)
    start_u = rng.random()
    fd, tmp = tempfile.mkstemp(suffix=".wav", dir="/dev/shm")
    os.close(fd)
    try:
        for attempt in range(4):
            sr, x = synth(job, tmp, speed_scale=1.25**attempt)
            # Resample sr -> 8000 / r (integer ratio on a 1/100 grid), then read as 8 kHz.
            up, down = int(round(8000 / r)), sr
            g = np.gcd(up, down)
            y = trim(resample_poly(x, up // g, down // g))
            if len(y) <= dsp.N_SAMPLES - 256:
                break
        else:
            y = y[: dsp.N_SAMPLES - 256]
    finally:
        os.unlink(tmp)
    y = y / (np.abs(y).max() + 1e-12) * 10 ** (gain_db / 20)
    out = np.zeros(dsp.N_SAMPLES)
    start = int(start_u * (dsp.N_SAMPLES - len(y)))
    out[start : start + len(y)] = y
    if noisy:
        rms = np.sqrt(np.mean(y**2))
        out += rng.normal(0.0, rms * 10 ** (-snr_db / 20), dsp.N_SAMPLES)
    out = np.clip(out, -1.0, 32767 / 32768)
    params = {**job, "r": round(r, 4), "gain_db": round(gain_db, 2), "noise_snr_db": round(snr_db, 2) if noisy else None,
              "start": start, "length": len(y), "attempts": attempt + 1}
    return np.round(out * 32768).astype(np.int16), params


def jobs(args) -> list:
    rng = np.random.default_rng(args.seed)
    variants = espeak_variants()
    hv = set(heldout_variants(variants))
    out = []
    for lang in LANGS:
        for var in variants:
            held = var in hv or lang in HELDOUT_LANGS
            reps = args.heldout_per_voice if held else args.train_per_voice
            for label in range(10):
                for _ in range(reps):
                    out.append({"engine": "espeak", "lang": lang, "variant": var, "label": label, "split": int(held),
                                "pitch": int(rng.integers(20, 81)), "speed": int(rng.integers(130, 211))})
    for voice in FLITE_VOICES:
        held = voice in HELDOUT_FLITE
        reps = args.flite_heldout_per_digit if held else args.flite_train_per_digit
        for label in range(10):
            for _ in range(reps):
                out.append({"engine": "flite", "lang": voice, "variant": "", "label": label, "split": int(held),
                            "stretch": round(float(rng.uniform(0.8, 1.25)), 3), "f0": int(rng.integers(80, 181))})
    for i, j in enumerate(out):
        j["seed"] = args.seed * 1_000_003 + i
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-per-voice", type=int, default=2)
    ap.add_argument("--heldout-per-voice", type=int, default=1)
    ap.add_argument("--flite-train-per-digit", type=int, default=150)
    ap.add_argument("--flite-heldout-per-digit", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="render only every k-th job (quick test)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    todo = jobs(args)
    if args.limit:
        todo = todo[:: max(1, len(todo) // args.limit)]
    t0 = time.time()
    with Pool(args.workers) as pool:
        results = pool.map(render, todo, chunksize=64)
    waves = np.stack([w for w, _ in results])
    params = [p for _, p in results]
    voice_names = sorted({f"{p['engine']}:{p['lang']}+{p['variant']}".rstrip("+") for p in params})
    vindex = {v: i for i, v in enumerate(voice_names)}
    voice = np.array([vindex[f"{p['engine']}:{p['lang']}+{p['variant']}".rstrip("+")] for p in params], np.int32)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp.npz")
    np.savez(tmp, wave=waves, label=np.array([p["label"] for p in params], np.int64),
             split=np.array([p["split"] for p in params], np.uint8), voice=voice, voices=np.array(voice_names),
             params=np.array([json.dumps(p) for p in params]),
             heldout_variants=np.array(heldout_variants(espeak_variants())), heldout_langs=np.array(HELDOUT_LANGS),
             heldout_flite=np.array(HELDOUT_FLITE))
    tmp.replace(args.out)
    n_held = int(sum(p["split"] for p in params))
    print(json.dumps({"clips": len(params), "train": len(params) - n_held, "heldout": n_held,
                      "voices": len(voice_names), "seconds": round(time.time() - t0, 1),
                      "retries": sum(p["attempts"] > 1 for p in params), "out": str(args.out)}))


if __name__ == "__main__":
    main()
