"""The digits-mel audio representation and its Griffin-Lim inversion (numpy, float64).

Every constant here is written to starter/digits-mel/audio.json (see `audio_spec()`), so the
TypeScript mel / Griffin-Lim code can match it bit for bit up to float rounding.

Waveform x: float, 8 kHz, exactly N_SAMPLES = 8192 samples (1.024 s), values in [-1, 1].

STFT (`stft`): zero-pad PAD = (N_FFT - HOP) / 2 = 192 samples on both sides (8576 samples),
frames t = 0..63 are x_pad[128 t : 128 t + 512] (frame t is centred on hop block t, i.e. on
original sample 128 t + 64), multiplied by the *periodic* Hann window
w[n] = 0.5 - 0.5 cos(2 pi n / 512), then an unnormalised real DFT
X[k, t] = sum_n w[n] x_pad[128 t + n] exp(-2 pi i k n / 512), k = 0..256.
Result [257 freq, 64 frames].

Mel (`mel_filterbank`): 64 triangular filters on the HTK mel scale m(f) = 2595 log10(1 + f/700),
f_min = 0 Hz, f_max = 4000 Hz; 66 points equally spaced in mel, converted to Hz
(f_0 .. f_65); filter j has its peak 1 at f_{j+1} and goes to 0 at f_j and f_{j+2}; it is
evaluated at the DFT bin frequencies k * 8000 / 512 (torchaudio `melscale_fbanks`, norm=None,
mel_scale="htk"). No area normalisation. Mel power P[j, t] = sum_k fb[j, k] |X[k, t]|^2.

Log + affine map (`normalise`): L = log10(max(P, POWER_FLOOR)), POWER_FLOOR = 1e-4;
x = clip((L - LOG_LO) / (LOG_HI - LOG_LO) * 2 - 1, -1, 1) with LOG_LO = -4 (= log10 floor),
LOG_HI = 4. Silence maps to exactly -1. A full-scale 1 kHz sine gives L ~ 4.2.
Image layout [1, 64 mel (row 0 = lowest band), 64 frames].

Griffin-Lim (`griffin_lim`): P = 10^L from x (inverse affine), linear power by the
pseudo-inverse of the filterbank, S = max(fb^+ P, 0), fb^+ = fb^T (fb fb^T)^-1 (fb has full
row rank, so this is the Moore-Penrose pseudo-inverse), magnitude A = sqrt(S); then the fast
Griffin-Lim of Perraudin et al. 2013 (torchaudio's formula), GL_ITERS iterations, momentum
GL_MOMENTUM, initial phase 0 (angles = 1, deterministic):
    t_prev = 0; angles = 1
    repeat GL_ITERS times:
        rebuilt = stft(istft(A * angles))
        angles = rebuilt - t_prev * momentum / (1 + momentum)
        angles = angles / (|angles| + 1e-16)
        t_prev = rebuilt
    x = istft(A * angles)
ISTFT (`istft`) is the least-squares overlap-add (Griffin & Lim 1984): frames irfft(X[:, t]) * w
added at 128 t, divided by sum_t w^2 at each sample, cropped [192, 192 + 8192).
"""
import numpy as np

SAMPLE_RATE = 8000
N_SAMPLES = 8192
N_FFT = 512
HOP = 128
PAD = (N_FFT - HOP) // 2  # 192
N_FRAMES = N_SAMPLES // HOP  # 64
N_FREQS = N_FFT // 2 + 1  # 257
N_MELS = 64
F_MIN = 0.0
F_MAX = 4000.0
POWER_FLOOR = 1e-4
LOG_LO = -4.0
LOG_HI = 4.0
GL_ITERS = 32
GL_MOMENTUM = 0.99


def hann_periodic(n: int = N_FFT) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


WINDOW = hann_periodic()


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank() -> np.ndarray:
    """[N_MELS, N_FREQS] HTK triangles, peak 1, no area normalisation (torchaudio norm=None)."""
    all_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FREQS)
    f_pts = mel_to_hz(np.linspace(hz_to_mel(F_MIN), hz_to_mel(F_MAX), N_MELS + 2))
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts[None, :] - all_freqs[:, None]  # [N_FREQS, N_MELS + 2]
    down = -slopes[:, :-2] / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    return np.maximum(0.0, np.minimum(down, up)).T


FILTERBANK = mel_filterbank()
FILTERBANK_PINV = FILTERBANK.T @ np.linalg.inv(FILTERBANK @ FILTERBANK.T)  # [N_FREQS, N_MELS]


def stft(x: np.ndarray) -> np.ndarray:
    """x [..., 8192] -> complex [..., 257, 64] (see module docstring)."""
    x = np.asarray(x, dtype=np.float64)
    xp = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(PAD, PAD)])
    idx = np.arange(N_FRAMES)[:, None] * HOP + np.arange(N_FFT)[None, :]
    frames = xp[..., idx] * WINDOW  # [..., 64, 512]
    return np.swapaxes(np.fft.rfft(frames, axis=-1), -1, -2)


def _ola_norm() -> np.ndarray:
    wsq = np.zeros(N_SAMPLES + 2 * PAD)
    for t in range(N_FRAMES):
        wsq[t * HOP : t * HOP + N_FFT] += WINDOW**2
    return wsq[PAD : PAD + N_SAMPLES]


OLA_NORM = _ola_norm()


def istft(X: np.ndarray) -> np.ndarray:
    """complex [..., 257, 64] -> [..., 8192], least-squares overlap-add."""
    frames = np.fft.irfft(np.swapaxes(X, -1, -2), n=N_FFT, axis=-1) * WINDOW  # [..., 64, 512]
    blocks = frames.reshape(frames.shape[:-1] + (N_FFT // HOP, HOP))  # [..., 64, 4, 128]
    out = np.zeros(X.shape[:-2] + (N_FRAMES + N_FFT // HOP - 1, HOP))  # 67 hop blocks = 8576 samples
    for j in range(N_FFT // HOP):  # frame t's j-th quarter lands in hop block t + j
        out[..., j : j + N_FRAMES, :] += blocks[..., :, j, :]
    out = out.reshape(X.shape[:-2] + (-1,))
    return out[..., PAD : PAD + N_SAMPLES] / OLA_NORM


def mel_power(x: np.ndarray) -> np.ndarray:
    """x [..., 8192] -> mel power [..., 64 mel, 64 frames]."""
    return FILTERBANK @ (np.abs(stft(x)) ** 2)


def normalise(power: np.ndarray) -> np.ndarray:
    L = np.log10(np.maximum(power, POWER_FLOOR))
    return np.clip((L - LOG_LO) / (LOG_HI - LOG_LO) * 2.0 - 1.0, -1.0, 1.0)


def denormalise(x: np.ndarray) -> np.ndarray:
    """normalised log-mel -> mel power (the inverse affine map and 10^L)."""
    return 10.0 ** ((np.asarray(x, dtype=np.float64) + 1.0) / 2.0 * (LOG_HI - LOG_LO) + LOG_LO)


def log_mel(x: np.ndarray) -> np.ndarray:
    """x [..., 8192] -> normalised log-mel in [-1, 1], [..., 64, 64]."""
    return normalise(mel_power(x))


def mel_to_magnitude(xn: np.ndarray) -> np.ndarray:
    """normalised log-mel [..., 64, 64] -> linear magnitude [..., 257, 64] (pseudo-inverse, clamp, sqrt)."""
    return np.sqrt(np.maximum(FILTERBANK_PINV @ denormalise(xn), 0.0))


def griffin_lim(mag: np.ndarray, iters: int = GL_ITERS, momentum: float = GL_MOMENTUM) -> np.ndarray:
    """Fast Griffin-Lim (Perraudin et al. 2013), zero initial phase. mag [..., 257, 64] -> [..., 8192]."""
    angles = np.ones_like(mag, dtype=np.complex128)
    t_prev = np.zeros_like(angles)
    for _ in range(iters):
        rebuilt = stft(istft(mag * angles))
        angles = rebuilt - t_prev * (momentum / (1.0 + momentum))
        angles = angles / (np.abs(angles) + 1e-16)
        t_prev = rebuilt
    return istft(mag * angles)


def invert(xn: np.ndarray, iters: int = GL_ITERS) -> np.ndarray:
    """normalised log-mel [..., 64, 64] -> waveform [..., 8192] (pseudo-inverse + fast Griffin-Lim)."""
    return griffin_lim(mel_to_magnitude(xn), iters)


def audio_spec() -> dict:
    """Everything the TypeScript side needs to reproduce the representation (audio.json)."""
    return {
        "sample_rate": SAMPLE_RATE,
        "n_samples": N_SAMPLES,
        "duration_s": N_SAMPLES / SAMPLE_RATE,
        "stft": {
            "n_fft": N_FFT, "hop_length": HOP, "win_length": N_FFT,
            "window": "hann, periodic: w[n] = 0.5 - 0.5*cos(2*pi*n/512), n = 0..511",
            "padding": {"left": PAD, "right": PAD, "mode": "zeros"},
            "center_note": "not torch center=True: pad (n_fft - hop)/2 = 192 zeros on both sides, so frame t "
                           "spans x[128t-192, 128t+320) and is centred on sample 128t+64; 64 frames for 8192 samples",
            "n_frames": N_FRAMES, "n_freqs": N_FREQS,
            "dft": "unnormalised: X[k,t] = sum_n w[n] x_pad[128t+n] exp(-2 pi i k n / 512), k = 0..256",
        },
        "mel": {
            "n_mels": N_MELS, "scale": "htk", "formula": "m = 2595*log10(1 + f/700)",
            "f_min": F_MIN, "f_max": F_MAX,
            "filters": "66 points equally spaced in mel from m(f_min) to m(f_max), to Hz; filter j rises from "
                       "f_j to peak 1 at f_{j+1}, falls to 0 at f_{j+2}; evaluated at bin frequencies "
                       "k*sample_rate/n_fft (= torchaudio melscale_fbanks, norm=None, mel_scale='htk')",
            "normalisation": "none (peak 1 triangles, no slaney area normalisation)",
            "input": "power |X|^2",
        },
        "log": {"base": 10, "power_floor": POWER_FLOOR, "formula": "L = log10(max(mel_power, power_floor))"},
        "affine": {
            "log_lo": LOG_LO, "log_hi": LOG_HI,
            "formula": "x = clip((L - log_lo)/(log_hi - log_lo)*2 - 1, -1, 1); silence = -1",
            "inverse": "mel_power = 10^((x + 1)/2*(log_hi - log_lo) + log_lo)",
        },
        "layout": "[channel 1, mel 64 (row 0 = lowest band), frames 64]",
        "inversion": {
            "method": "pseudo-inverse + fast Griffin-Lim (Perraudin et al. 2013, torchaudio's momentum form)",
            "mel_to_linear": "S = max(pinv(fb) @ mel_power, 0), pinv(fb) = fb^T (fb fb^T)^-1 (fb [64, 257] full "
                             "row rank); magnitude A = sqrt(S)",
            "iterations": GL_ITERS, "momentum": GL_MOMENTUM, "initial_phase": "zero (angles = 1)",
            "loop": "rebuilt = stft(istft(A*angles)); angles = rebuilt - t_prev*momentum/(1+momentum); "
                    "angles /= |angles| + 1e-16; t_prev = rebuilt; output istft(A*angles)",
            "istft": "least-squares overlap-add: sum_t w[n]*irfft(X[:,t])[n] at 128t+n, divided by "
                     "sum_t w[n]^2 at each sample, crop [192, 192+8192)",
        },
    }
