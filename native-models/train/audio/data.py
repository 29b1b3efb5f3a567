"""Load the rendered digits (render_digits.py) and their normalised log-mels (cached as float16)."""
import json
import os
from pathlib import Path

import numpy as np

import dsp

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("DIGITS_DATA", HERE.parent / "data" / "digits" / "digits8k.npz"))  # env: quick tests
CLASSES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def mels_of(wave_int16: np.ndarray, chunk: int = 512) -> np.ndarray:
    out = np.empty((len(wave_int16), dsp.N_MELS, dsp.N_FRAMES), np.float32)
    for i in range(0, len(wave_int16), chunk):
        out[i : i + chunk] = dsp.log_mel(wave_int16[i : i + chunk].astype(np.float64) / 32768.0)
    return out


def load(path: Path = DATA) -> dict:
    """dict with mel float32 [N,64,64], label int64 [N], split uint8 [N] (0 train, 1 held-out), voice, voices,
    params (list of dicts), wave (int16 [N, 8192], memory-mapped from the npz lazily)."""
    d = np.load(path)
    cache = path.with_name(path.stem + ".mel.npy")
    if not cache.exists() or cache.stat().st_mtime < path.stat().st_mtime:
        tmp = cache.with_suffix(".tmp.npy")
        np.save(tmp, mels_of(d["wave"]).astype(np.float16))
        tmp.replace(cache)
    return {
        "mel": np.load(cache).astype(np.float32), "label": d["label"], "split": d["split"], "voice": d["voice"],
        "voices": d["voices"], "params": [json.loads(p) for p in d["params"]], "npz": d,
    }
