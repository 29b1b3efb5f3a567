"""qm9-mini-conf: E(3)-equivariant conformer denoiser F for EDM preconditioning (Karras et
al. 2022), conditioned on the molecular graph (atoms + edge features, data.py).

    D(x; sigma, G) = c_skip x + c_out F(c_in x, ln(sigma)/4, atoms, edges, mask)
    c_skip = sd^2/(sigma^2+sd^2), c_out = sigma sd/sqrt(sigma^2+sd^2), c_in = 1/sqrt(sigma^2+sd^2)
    sd = SIGMA_DATA (per-coordinate std of the centred training coordinates, Angstrom)

Network: an EGNN (Satorras et al. 2021) over all atom pairs (dense [B,N,N], N <= 29), edge
mask m_i m_j (1 - delta_ij) built inside the graph. Each layer:
    m_ij = SiLU-MLP([h_i, h_j, rbf(|x_i - x_j|), e_ij]) * sigmoid(w . m_ij)
    h_i <- h_i + MLP([h_i, sum_j m_ij / 10]) ; h_i <- h_i + FiLM(time)   (masked)
    x_i <- x_i + sum_j (x_i - x_j) / (|x_i - x_j| + 1) * MLP_x(m_ij) / 10   (masked)
F = x_L - x_0 with its mean over the real atoms removed. Invariant inputs only enter through
distances, so F is E(3)-equivariant (rotations, translations and reflections) and
permutation-equivariant.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


class Layer(nn.Module):
    def __init__(self, nf: int, edge_in: int, d_emb: int):
        super().__init__()
        self.nf = nf
        self.e1 = nn.Linear(2 * nf + edge_in, nf)
        self.e2 = nn.Linear(nf, nf)
        self.att = nn.Linear(nf, 1)
        self.n1 = nn.Linear(2 * nf, nf)
        self.n2 = nn.Linear(nf, nf)
        self.film = nn.Linear(d_emb, 2 * nf)
        self.x1 = nn.Linear(nf, nf)
        self.x2 = nn.Linear(nf, 1, bias=False)
        nn.init.zeros_(self.film.weight)
        nn.init.zeros_(self.film.bias)
        nn.init.xavier_uniform_(self.x2.weight, gain=0.01)

    def forward(self, h, x, e, emb, node_mask, edge_mask):
        nf = self.nf
        w = self.e1.weight
        pre = (h @ w[:, :nf].t())[:, :, None, :] + (h @ w[:, nf:2 * nf].t())[:, None, :, :] \
            + e @ w[:, 2 * nf:].t() + self.e1.bias
        m = F.silu(self.e2(F.silu(pre)))
        m = m * torch.sigmoid(self.att(m)) * edge_mask
        agg = m.sum(2) / 10.0
        h = h + self.n2(F.silu(self.n1(torch.cat([h, agg], -1))))
        scale, shift = self.film(emb)[:, None, :].chunk(2, dim=-1)
        h = (h * (1 + scale) + shift) * node_mask
        diff = x[:, :, None, :] - x[:, None, :, :]
        dist = torch.sqrt((diff * diff).sum(-1, keepdim=True) + 1e-8)
        s = self.x2(F.silu(self.x1(m))) * edge_mask
        x = x + (diff / (dist + 1.0) * s).sum(2) / 10.0
        return h, x * node_mask


class ConfDenoiser(nn.Module):
    def __init__(self, nf: int = 128, layers: int = 6, edge_channels: int = 7, atom_in: int = 6, d_emb: int = 128,
                 rbf: int = 16, rbf_max: float = 4.0):
        super().__init__()
        self.config = dict(nf=nf, layers=layers, edge_channels=edge_channels, atom_in=atom_in, d_emb=d_emb, rbf=rbf,
                           rbf_max=rbf_max)
        self.register_buffer("rbf_centres", torch.linspace(0.0, rbf_max, rbf))
        self.rbf_gamma = (rbf / rbf_max) ** 2
        self.register_buffer("t_freqs", torch.exp(torch.linspace(0.0, math.log(200.0), 32)))
        self.t_mlp = nn.Sequential(nn.Linear(64, d_emb), nn.SiLU(), nn.Linear(d_emb, d_emb), nn.SiLU())
        self.embed = nn.Linear(atom_in, nf)
        self.embed_t = nn.Linear(d_emb, nf)
        self.layers = nn.ModuleList(Layer(nf, rbf + edge_channels, d_emb) for _ in range(layers))

    def forward(self, pos, timestep, atoms, edges, node_mask):
        N = pos.shape[1]
        ar = torch.arange(N, device=pos.device)
        eye = (ar[:, None] == ar[None, :]).to(pos.dtype)
        edge_mask = node_mask[:, :, None, :] * node_mask[:, None, :, :] * (1.0 - eye)[None, :, :, None]
        x0 = pos * node_mask
        tf = timestep[:, None] * self.t_freqs[None, :]
        emb = self.t_mlp(torch.cat([torch.sin(tf), torch.cos(tf)], 1))
        h = (self.embed(atoms) + self.embed_t(emb)[:, None, :]) * node_mask
        x = x0
        for layer in self.layers:
            diff = x[:, :, None, :] - x[:, None, :, :]
            dist = torch.sqrt((diff * diff).sum(-1, keepdim=True) + 1e-8)
            rbf = torch.exp(-self.rbf_gamma * (dist - self.rbf_centres) ** 2)
            h, x = layer(h, x, torch.cat([rbf, edges], -1), emb, node_mask, edge_mask)
        out = (x - x0) * node_mask
        return out - out.sum(1, keepdim=True) / node_mask.sum(1, keepdim=True) * node_mask


def precond(sigma, sigma_data):
    s2, d2 = sigma ** 2, sigma_data ** 2
    return d2 / (s2 + d2), sigma * sigma_data / (s2 + d2).sqrt(), 1.0 / (s2 + d2).sqrt(), sigma.log() / 4


def denoise(model, x, sigma, atoms, edges, mask, sigma_data):
    c_skip, c_out, c_in, c_noise = precond(sigma, sigma_data)
    f = model(x * c_in[:, None, None], c_noise, atoms, edges, mask)
    return (c_skip[:, None, None] * x + c_out[:, None, None] * f) * mask


def karras_sigmas(n, sigma_min, sigma_max, rho=7.0):
    i = torch.arange(n, dtype=torch.float64) / max(n - 1, 1)
    s = (sigma_max ** (1 / rho) + i * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    return torch.cat([s, torch.zeros(1, dtype=torch.float64)])


def centred_noise(shape, mask, gen):
    n = torch.randn(shape, generator=gen, dtype=torch.float64) * mask
    return (n - n.sum(1, keepdim=True) / mask.sum(1, keepdim=True) * mask) * mask


@torch.no_grad()
def sample_heun(model, atoms, edges, mask, sigma_data, steps=18, sigma_min=0.002, sigma_max=20.0, rho=7.0,
                gen=None, s_churn=0.0):
    """EDM Heun with optional churn (Karras Alg. 2 with S_tmin=0, S_tmax=inf, S_noise=1);
    noise and iterates kept mean-free over the real atoms. NFE = 2 steps - 1."""
    B, N = mask.shape[:2]
    m64 = mask.double()
    sig = karras_sigmas(steps, sigma_min, sigma_max, rho)
    x = centred_noise((B, N, 3), m64, gen) * sig[0]

    def D(x, s):
        sv = torch.full((B,), float(s))
        return denoise(model, x.float(), sv, atoms, edges, mask, sigma_data).double()

    for i in range(steps):
        s0, s1 = sig[i], sig[i + 1]
        if s_churn > 0:
            gamma = min(s_churn / steps, math.sqrt(2) - 1)
            s_hat = s0 * (1 + gamma)
            x = x + (s_hat ** 2 - s0 ** 2).sqrt() * centred_noise((B, N, 3), m64, gen)
            s0 = s_hat
        d0 = (x - D(x, s0)) / s0
        x1 = x + (s1 - s0) * d0
        if s1 > 0:
            d1 = (x1 - D(x1, s1)) / s1
            x1 = x + (s1 - s0) * 0.5 * (d0 + d1)
        x = x1
    return x.float()


def count_params(m):
    return sum(p.numel() for p in m.parameters())
