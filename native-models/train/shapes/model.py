"""Point-cloud denoiser F for shapes-2k: a class-conditional set transformer with
inducing points (ISAB, Lee et al. 2019), adaLN-Zero conditioning (Peebles & Xie 2023)
and EDM preconditioning (Karras et al. 2022) applied outside the network.

    D(x; sigma, y) = c_skip(sigma) x + c_out(sigma) F(c_in(sigma) x, ln(sigma)/4, y)
    c_skip = sd^2 / (sigma^2 + sd^2),  c_out = sigma sd / sqrt(sigma^2 + sd^2),
    c_in = 1 / sqrt(sigma^2 + sd^2),  sd = SIGMA_DATA

The ONNX graph is F only: sample [B,N,3] = c_in x, timestep [B] = ln(sigma)/4,
class_labels int64 [B] (index num_classes = null class) -> out [B,N,3].

Permutation-equivariant over the N points and valid for any N: points only interact
through attention to/from M learned inducing tokens (softmax over the N points when
pooling), no kNN, no positional index.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


def modulate(x, shift, scale):
    return x * (1 + scale[:, None, :]) + shift[:, None, :]


class Attention(nn.Module):
    """Multi-head cross-attention q [B,Q,d] x kv [B,K,d] -> [B,Q,d] (plain matmuls for ONNX)."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q = nn.Linear(d, d)
        self.kv = nn.Linear(d, 2 * d)
        self.o = nn.Linear(d, d)

    def forward(self, q_in, kv_in):
        B, Q, d = q_in.shape
        K = kv_in.shape[1]
        q = self.q(q_in).reshape(B, Q, self.h, self.dh).transpose(1, 2)
        k, v = self.kv(kv_in).reshape(B, K, 2, self.h, self.dh).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) * (self.dh ** -0.5), dim=-1)
        return self.o((a @ v).transpose(1, 2).reshape(B, Q, d))


class Block(nn.Module):
    """Pool N points into M inducing tokens, process the tokens, broadcast back, point MLP."""

    def __init__(self, d: int, d_emb: int, heads: int, m: int, mlp: int = 2):
        super().__init__()
        self.inducing = nn.Parameter(torch.randn(m, d) * 0.02)
        self.ind_emb = nn.Linear(d_emb, d)
        self.norm1 = nn.LayerNorm(d)
        self.pool = Attention(d, heads)
        self.tok_norm = nn.LayerNorm(d)
        self.tok_attn = Attention(d, heads)
        self.tok_norm2 = nn.LayerNorm(d)
        self.tok_mlp = nn.Sequential(nn.Linear(d, mlp * d), nn.SiLU(), nn.Linear(mlp * d, d))
        self.bcast = Attention(d, heads)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, mlp * d), nn.SiLU(), nn.Linear(mlp * d, d))
        self.ada = nn.Linear(d_emb, 6 * d)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def forward(self, h, emb):
        s1, c1, g1, s2, c2, g2 = self.ada(emb).chunk(6, dim=1)
        a = modulate(self.norm1(h), s1, c1)
        tok = self.inducing[None] + self.ind_emb(emb)[:, None, :]
        tok = tok + self.pool(tok, a)
        t_n = self.tok_norm(tok)
        tok = tok + self.tok_attn(t_n, t_n)
        tok = tok + self.tok_mlp(self.tok_norm2(tok))
        h = h + g1[:, None, :] * self.bcast(a, tok)
        h = h + g2[:, None, :] * self.mlp(modulate(self.norm2(h), s2, c2))
        return h


class PointDenoiser(nn.Module):
    def __init__(self, num_classes: int, d: int = 96, d_emb: int = 192, depth: int = 6, heads: int = 4,
                 inducing: int = 32, fourier: int = 32, fourier_scale: float = 1.0):
        super().__init__()
        self.num_classes = num_classes
        self.config = dict(num_classes=num_classes, d=d, d_emb=d_emb, depth=depth, heads=heads,
                           inducing=inducing, fourier=fourier, fourier_scale=fourier_scale)
        g = torch.Generator().manual_seed(12345)  # fixed, stored as a buffer anyway
        self.register_buffer("B", torch.randn(3, fourier, generator=g) * fourier_scale * 2 * math.pi)
        self.register_buffer("t_freqs", torch.exp(torch.linspace(0.0, math.log(200.0), 32)))
        self.t_mlp = nn.Sequential(nn.Linear(64, d_emb), nn.SiLU(), nn.Linear(d_emb, d_emb))
        self.class_emb = nn.Embedding(num_classes + 1, d_emb)
        self.inp = nn.Linear(3 + 2 * fourier, d)
        self.blocks = nn.ModuleList(Block(d, d_emb, heads, inducing) for _ in range(depth))
        self.norm_out = nn.LayerNorm(d)
        self.ada_out = nn.Linear(d_emb, 2 * d)
        self.out = nn.Linear(d, 3)
        for lin in (self.ada_out, self.out):
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)

    def forward(self, sample, timestep, class_labels):
        tf = timestep[:, None] * self.t_freqs[None, :]
        emb = self.t_mlp(torch.cat([torch.sin(tf), torch.cos(tf)], dim=1)) + self.class_emb(class_labels)
        emb = F.silu(emb)
        proj = sample @ self.B
        h = self.inp(torch.cat([sample, torch.sin(proj), torch.cos(proj)], dim=-1))
        for blk in self.blocks:
            h = blk(h, emb)
        s, c = self.ada_out(emb).chunk(2, dim=1)
        return self.out(modulate(self.norm_out(h), s, c))


# ------------------------------------------------------------------ EDM helpers
def precond(sigma, sigma_data):
    s2, d2 = sigma ** 2, sigma_data ** 2
    c_skip = d2 / (s2 + d2)
    c_out = sigma * sigma_data / (s2 + d2).sqrt()
    c_in = 1.0 / (s2 + d2).sqrt()
    c_noise = sigma.log() / 4
    return c_skip, c_out, c_in, c_noise


def denoise(model, x, sigma, labels, sigma_data):
    """D(x; sigma, y); sigma is [B]."""
    c_skip, c_out, c_in, c_noise = precond(sigma, sigma_data)
    f = model(x * c_in[:, None, None], c_noise, labels)
    return c_skip[:, None, None] * x + c_out[:, None, None] * f


def karras_sigmas(n: int, sigma_min: float, sigma_max: float, rho: float = 7.0) -> torch.Tensor:
    i = torch.arange(n, dtype=torch.float64) / max(n - 1, 1)
    s = (sigma_max ** (1 / rho) + i * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    return torch.cat([s, torch.zeros(1, dtype=torch.float64)])


@torch.no_grad()
def sample_heun(model, labels, n_points, sigma_data, steps=13, sigma_min=0.002, sigma_max=80.0, rho=7.0,
                guidance=1.0, gen=None, euler=False):
    """EDM Heun (Karras Alg. 1, no churn). NFE = 2*steps - 1 (the last step is Euler).
    CFG: D = D_uncond + w (D_cond - D_uncond) with the null class."""
    B = len(labels)
    sig = karras_sigmas(steps, sigma_min, sigma_max, rho)
    x = torch.randn(B, n_points, 3, generator=gen, dtype=torch.float64) * sig[0]
    null = torch.full_like(labels, model.num_classes)

    def D(x, s):
        sv = torch.full((B,), float(s), dtype=torch.float32)
        xf = x.float()
        if guidance == 1.0:
            return denoise(model, xf, sv, labels, sigma_data).double()
        both = denoise(model, torch.cat([xf, xf]), torch.cat([sv, sv]), torch.cat([labels, null]), sigma_data)
        c, u = both.double().chunk(2)
        return u + guidance * (c - u)

    nfe = 0
    for i in range(steps):
        s0, s1 = sig[i], sig[i + 1]
        d0 = (x - D(x, s0)) / s0
        nfe += 1
        x1 = x + (s1 - s0) * d0
        if s1 > 0 and not euler:
            d1 = (x1 - D(x1, s1)) / s1
            nfe += 1
            x1 = x + (s1 - s0) * 0.5 * (d0 + d1)
        x = x1
    return x.float(), nfe


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
