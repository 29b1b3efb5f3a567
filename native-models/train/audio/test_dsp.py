"""Checks of the digits-mel representation (dsp.py) against independent references.

Usage: /usr/bin/python3 test_dsp.py    (exits non-zero on the first failure)
"""
import json
from pathlib import Path

import numpy as np
import torch

import dsp

STARTER = Path(__file__).resolve().parent.parent.parent / "starter" / "digits-mel"


def test_stft_matches_torch() -> None:
    """dsp.stft == torch.stft(center=False) of the 192-zero-padded signal with a periodic Hann window."""
    x = np.random.default_rng(0).normal(size=(3, dsp.N_SAMPLES))
    ref = torch.stft(torch.from_numpy(np.pad(x, [(0, 0), (dsp.PAD, dsp.PAD)])), n_fft=512, hop_length=128,
                     window=torch.hann_window(512, periodic=True, dtype=torch.float64), center=False,
                     return_complex=True).numpy()
    assert ref.shape == (3, 257, 64), ref.shape
    assert np.abs(dsp.stft(x) - ref).max() < 1e-9


def test_istft_inverts_stft() -> None:
    x = np.random.default_rng(1).normal(size=(2, dsp.N_SAMPLES))
    assert np.abs(dsp.istft(dsp.stft(x)) - x).max() < 1e-12


def test_filterbank() -> None:
    fb = dsp.FILTERBANK
    assert fb.shape == (64, 257)
    assert np.all(fb.max(1) > 0.4), "every filter covers at least one bin near its peak"
    assert np.linalg.matrix_rank(fb) == 64
    assert np.abs(dsp.FILTERBANK_PINV @ fb @ dsp.FILTERBANK_PINV - dsp.FILTERBANK_PINV).max() < 1e-10
    # Filter j peaks at f_{j+1}: a bin exactly at a mel point gets weight 1 (the lowest filter's peak, 61.7 Hz, is not
    # on a bin; check the triangle shape instead: weights rise then fall, one maximum per row).
    for row in fb:
        nz = row[row > 0]
        k = int(np.argmax(nz))
        assert np.all(np.diff(nz[: k + 1]) >= 0) and np.all(np.diff(nz[k:]) <= 0)


def test_sine_level_and_band() -> None:
    """A full-scale 1 kHz sine: L = log10 of the mel power peaks near 4.24 in the band whose centre is nearest 1 kHz."""
    t = np.arange(dsp.N_SAMPLES) / dsp.SAMPLE_RATE
    L = np.log10(dsp.mel_power(np.sin(2 * np.pi * 1000 * t)))
    centres = dsp.mel_to_hz(np.linspace(0, dsp.hz_to_mel(4000), 66))[1:-1]
    assert abs(int(np.argmax(L[:, 32])) - int(np.argmin(np.abs(centres - 1000)))) <= 1
    assert 4.1 < L.max() < 4.3
    assert dsp.log_mel(np.zeros(dsp.N_SAMPLES)).min() == -1.0  # silence -> exactly -1


def fixture() -> dict:
    header = json.loads((STARTER / "fixture" / "fixture.json").read_text())
    blob = (STARTER / "fixture" / "fixture.bin").read_bytes()
    return {a["name"]: np.frombuffer(blob[a["offset"] : a["offset"] + a["bytes"]], "<f4").reshape(a["shape"])
            for a in header["arrays"]}


def test_griffin_lim_converges() -> None:
    """On a real held-out clip (the fixture's "seven"), fast GL brings the re-analysed log-mel within 0.05 (mean,
    [-1, 1] units) of the target, and 32 iterations beat 1. (A synthetic sparse-harmonic tone is a poor test: the
    pseudo-inverse smears its few harmonics, and even the true phase leaves 0.09.)"""
    m = fixture()["log_mel"].astype(np.float64)
    err1 = np.abs(dsp.log_mel(np.clip(dsp.invert(m, iters=1), -1, 1)) - m).mean()
    err = np.abs(dsp.log_mel(np.clip(dsp.invert(m), -1, 1)) - m).mean()
    assert err < 0.05 and err < err1, (err, err1)


def test_fixture_reproduces() -> None:
    """The committed fixture is what dsp.py computes from its own waveform (float32 storage)."""
    arrays = fixture()
    wave = arrays["wave"].astype(np.float64)
    assert np.abs(dsp.log_mel(wave) - arrays["log_mel"]).max() < 1e-5
    assert np.allclose(np.abs(dsp.stft(wave)), arrays["stft_magnitude"], rtol=1e-5, atol=1e-4)
    gl = dsp.invert(arrays["log_mel"].astype(np.float64))
    assert np.abs(gl - arrays["gl_wave"]).max() < 1e-3


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_"):
            fn()
            print("ok", name)
