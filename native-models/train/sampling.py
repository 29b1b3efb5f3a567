"""σ-space samplers for the project's ε-prediction DDPM starters, written to match the studio's TypeScript
(main/diffusion: the "model" schedule with linspace spacing, k-diffusion's VP ε adapter, CFG on D).

Schedule: ᾱ from linear β 1e-4 -> 0.02 over T = 1000 (diffusion.py), σ_t = sqrt((1 - ᾱ_t) / ᾱ_t).
Timesteps: round-half-even(linspace(0, 999, n)) descending (diffusers "linspace"); σ list = σ at those
timesteps, then 0. Start x = σ_0 · z, z ~ N(0, I).
Denoiser (k-diffusion VP ε): D(x; σ) = x - σ · ε(x / sqrt(σ² + 1), t), t the table timestep of σ.
CFG (Ho & Salimans 2022): D = D_u + w (D_c - D_u), null class for D_u.
Samplers: "euler" (= DDIM η = 0 for ε models): x_next = x + (σ_next - σ)(x - D)/σ;
"dpmpp-2m" (Lu et al. 2022b, k-diffusion sample_dpmpp_2m): first step first order, then
D' = (1 + 1/(2r)) D_i - 1/(2r) D_{i-1}, r = h_{i-1}/h_i, x_next = (σ_next/σ) x + (1 - σ_next/σ) D';
the step to σ = 0 returns D.
"""
from typing import Callable, Optional

import numpy as np
import torch

from diffusion import NUM_TRAIN_TIMESTEPS, alphas_cumprod


def model_timesteps(steps: int) -> np.ndarray:
    return np.round(np.linspace(0, NUM_TRAIN_TIMESTEPS - 1, steps))[::-1].copy()


def sigmas_of(timesteps: np.ndarray) -> np.ndarray:
    ac = alphas_cumprod().double().numpy()
    a = ac[timesteps.astype(np.int64)]
    return np.append(np.sqrt((1 - a) / a), 0.0)


@torch.no_grad()
def sample(
    model: torch.nn.Module,
    labels: torch.Tensor,
    shape: tuple,
    steps: int,
    guidance: float,
    gen: torch.Generator,
    sampler: str = "dpmpp-2m",
    null_class: Optional[int] = None,
    chunk: int = 64,
    callback: Optional[Callable[[int], None]] = None,
) -> torch.Tensor:
    """labels int64 [N] -> x0 estimates [N, *shape] (float32, not clipped). CFG batch = 2 * chunk."""
    null_class = model.num_classes if null_class is None else null_class
    ts = model_timesteps(steps)
    sig = sigmas_of(ts)
    z = torch.randn((len(labels),) + tuple(shape), generator=gen, dtype=torch.float32)
    outs = []
    for c0 in range(0, len(labels), chunk):
        y = labels[c0 : c0 + chunk]
        x = z[c0 : c0 + chunk].double() * sig[0]
        null = torch.full_like(y, null_class)
        old, h_last = None, 0.0
        for i in range(steps):
            s, s_next = float(sig[i]), float(sig[i + 1])
            inp = (x / np.sqrt(s * s + 1)).float()
            t = torch.full((2 * len(y),), float(ts[i]))
            if guidance == 1.0:
                eps = model(inp, t[: len(y)], y).double()
            else:
                eps_c, eps_u = model(torch.cat([inp, inp]), t, torch.cat([y, null])).double().chunk(2)
                eps = eps_u + guidance * (eps_c - eps_u)
            den = x - s * eps
            if s_next == 0:
                x = den
            elif sampler == "euler":
                x = x + (s_next - s) * (x - den) / s
            elif sampler == "dpmpp-2m":
                ratio = s_next / s
                h = -np.log(ratio)
                if old is None:
                    x = ratio * x + (1 - ratio) * den
                else:
                    r = h_last / h
                    x = ratio * x + (1 - ratio) * ((1 + 1 / (2 * r)) * den - 1 / (2 * r) * old)
                h_last = h
            else:
                raise ValueError(f"unknown sampler {sampler}")
            old = den
            if callback:
                callback(i)
        outs.append(x.float())
    return torch.cat(outs)
