"""Dense E(n)-equivariant EGNN dynamics in the formulation of Hoogeboom et al. 2022 (EDM,
"Equivariant Diffusion for Molecule Generation in 3D"), written for ONNX export.

The module computes exactly what EDM's EGNN_dynamics_QM9._forward computes (mode
"egnn_dynamics": EGNN of EquivariantBlocks, each = `inv_sublayers` GCLs with attention +
one EquivariantUpdate with tanh * coords_range, edge features = [|x_i-x_j|^2 now,
|x_i-x_j|^2 at the input], normalised coordinate differences (x_i-x_j)/(|x_i-x_j| + norm_constant),
sum aggregation divided by normalization_factor, time appended as the last node feature
and sliced off again, velocity = x_out - x_in with its mean over real atoms removed), but
over dense [B, N, N] edges with the edge mask m_i m_j (1 - delta_ij) built inside the graph,
instead of EDM's index lists. Parameter names are EDM's (egnn.embedding.weight,
egnn.e_block_0.gcl_0.edge_mlp.0.weight, ..., egnn.e_block_0.gcl_equiv.coord_mlp.4.weight,
egnn.embedding_out.bias), so EDM's published state dict (the dynamics.* part of
generative_model_ema.npy) loads with load_state_dict after stripping "dynamics.".

Differences from EDM's code, none of which changes the output for valid inputs:
  * the first Linear of every edge MLP is applied as W_a h_i + W_b h_j + W_c e_ij + b (the
    same weight, split by columns), which is the same function but costs O(N nf^2) instead
    of O(N^2 nf^2);
  * EDM's "reset the velocity to zero if it contains NaN" guard is not reproduced;
  * EDM's optional sin_embedding of distances is supported (sin_embedding=True) for
    checkpoints trained with it; the QM9 checkpoint does not use it.

forward(xh [B,N,3+F], t [B,1], node_mask [B,N,1]) -> [B,N,3+F]: the epsilon prediction for
(x, h), x part mean-removed over the real atoms, padding rows zero.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


class GCL(nn.Module):
    def __init__(self, nf: int, edges_in_d: int, attention: bool = True):
        super().__init__()
        self.nf = nf
        self.attention = attention
        self.edge_mlp = nn.Sequential(nn.Linear(2 * nf + edges_in_d, nf), nn.SiLU(), nn.Linear(nf, nf), nn.SiLU())
        self.node_mlp = nn.Sequential(nn.Linear(2 * nf, nf), nn.SiLU(), nn.Linear(nf, nf))
        if attention:
            self.att_mlp = nn.Sequential(nn.Linear(nf, 1), nn.Sigmoid())

    def forward(self, h, edge_attr, node_mask, edge_mask, norm_factor: float):
        nf = self.nf
        w, b = self.edge_mlp[0].weight, self.edge_mlp[0].bias
        hi = h @ w[:, :nf].t()
        hj = h @ w[:, nf:2 * nf].t()
        pre = hi[:, :, None, :] + hj[:, None, :, :] + edge_attr @ w[:, 2 * nf:].t() + b
        mij = self.edge_mlp[3](self.edge_mlp[2](self.edge_mlp[1](pre)))
        if self.attention:
            mij = mij * self.att_mlp(mij)
        agg = (mij * edge_mask).sum(2) / norm_factor
        h = h + self.node_mlp(torch.cat([h, agg], dim=-1))
        return h * node_mask


class EquivariantUpdate(nn.Module):
    def __init__(self, nf: int, edges_in_d: int, tanh: bool, coords_range: float):
        super().__init__()
        self.nf, self.tanh, self.coords_range = nf, tanh, coords_range
        last = nn.Linear(nf, 1, bias=False)
        nn.init.xavier_uniform_(last.weight, gain=0.001)
        self.coord_mlp = nn.Sequential(nn.Linear(2 * nf + edges_in_d, nf), nn.SiLU(), nn.Linear(nf, nf), nn.SiLU(), last)

    def forward(self, h, x, coord_diff, edge_attr, node_mask, edge_mask, norm_factor: float):
        nf = self.nf
        w, b = self.coord_mlp[0].weight, self.coord_mlp[0].bias
        pre = (h @ w[:, :nf].t())[:, :, None, :] + (h @ w[:, nf:2 * nf].t())[:, None, :, :] \
            + edge_attr @ w[:, 2 * nf:].t() + b
        s = self.coord_mlp[4](self.coord_mlp[3](self.coord_mlp[2](self.coord_mlp[1](pre))))
        if self.tanh:
            s = torch.tanh(s) * self.coords_range
        trans = coord_diff * s * edge_mask
        x = x + trans.sum(2) / norm_factor
        return x * node_mask


def sin_embed(d2, max_res=15.0, min_res=15.0 / 2000.0, div_factor=4):
    n = int(math.log(max_res / min_res, div_factor)) + 1
    freqs = 2 * math.pi * div_factor ** torch.arange(n, dtype=torch.float32) / max_res
    e = torch.sqrt(d2 + 1e-8) * freqs
    return torch.cat([e.sin(), e.cos()], dim=-1)


def sin_embed_dim(max_res=15.0, min_res=15.0 / 2000.0, div_factor=4):
    return 2 * (int(math.log(max_res / min_res, div_factor)) + 1)


class EquivariantBlock(nn.Module):
    def __init__(self, nf, edge_feat_nf, inv_sublayers, attention, tanh, coords_range, norm_constant,
                 sin_embedding, norm_factor):
        super().__init__()
        self.n_layers = inv_sublayers
        self.norm_constant = norm_constant
        self.sin_embedding = sin_embedding
        self.norm_factor = norm_factor
        for i in range(inv_sublayers):
            self.add_module(f"gcl_{i}", GCL(nf, edge_feat_nf, attention))
        self.gcl_equiv = EquivariantUpdate(nf, edge_feat_nf, tanh, float(coords_range))

    def forward(self, h, x, d0, node_mask, edge_mask):
        diff = x[:, :, None, :] - x[:, None, :, :]
        radial = (diff * diff).sum(-1, keepdim=True)
        coord_diff = diff / (torch.sqrt(radial + 1e-8) + self.norm_constant)
        if self.sin_embedding:
            radial = sin_embed(radial)
        edge_attr = torch.cat([radial, d0], dim=-1)
        for i in range(self.n_layers):
            h = self._modules[f"gcl_{i}"](h, edge_attr, node_mask, edge_mask, self.norm_factor)
        x = self.gcl_equiv(h, x, coord_diff, edge_attr, node_mask, edge_mask, self.norm_factor)
        return h * node_mask, x


class EGNN(nn.Module):
    def __init__(self, in_node_nf, nf, n_layers, inv_sublayers, attention, tanh, coords_range, norm_constant,
                 sin_embedding, norm_factor):
        super().__init__()
        self.n_layers = n_layers
        self.sin_embedding = sin_embedding
        edge_feat_nf = sin_embed_dim() * 2 if sin_embedding else 2
        self.embedding = nn.Linear(in_node_nf, nf)
        self.embedding_out = nn.Linear(nf, in_node_nf)
        for i in range(n_layers):
            self.add_module(f"e_block_{i}", EquivariantBlock(nf, edge_feat_nf, inv_sublayers, attention, tanh,
                                                             coords_range, norm_constant, sin_embedding, norm_factor))

    def forward(self, h, x, node_mask, edge_mask):
        diff = x[:, :, None, :] - x[:, None, :, :]
        d0 = (diff * diff).sum(-1, keepdim=True)
        if self.sin_embedding:
            d0 = sin_embed(d0)
        h = self.embedding(h)
        for i in range(self.n_layers):
            h, x = self._modules[f"e_block_{i}"](h, x, d0, node_mask, edge_mask)
        return self.embedding_out(h) * node_mask, x


class EDMDynamics(nn.Module):
    """EGNN_dynamics_QM9 (egnn_dynamics mode, condition_time=True, no context), dense."""

    def __init__(self, in_node_nf: int = 6, nf: int = 256, n_layers: int = 9, inv_sublayers: int = 1,
                 attention: bool = True, tanh: bool = True, coords_range: float = 15.0, norm_constant: float = 1.0,
                 sin_embedding: bool = False, normalization_factor: float = 1.0):
        super().__init__()
        self.config = dict(in_node_nf=in_node_nf, nf=nf, n_layers=n_layers, inv_sublayers=inv_sublayers,
                           attention=attention, tanh=tanh, coords_range=coords_range, norm_constant=norm_constant,
                           sin_embedding=sin_embedding, normalization_factor=normalization_factor)
        self.in_node_nf = in_node_nf
        self.egnn = EGNN(in_node_nf + 1, nf, n_layers, inv_sublayers, attention, tanh, coords_range,
                         norm_constant, sin_embedding, normalization_factor)

    def forward(self, xh, t, node_mask):
        B, N, _ = xh.shape
        ar = torch.arange(N, device=xh.device)
        eye = (ar[:, None] == ar[None, :]).to(xh.dtype)
        edge_mask = (node_mask[:, :, None, :] * node_mask[:, None, :, :]) * (1.0 - eye)[None, :, :, None]
        xh = xh * node_mask
        x = xh[:, :, :3]
        h = torch.cat([xh[:, :, 3:], t[:, None, :].expand(B, N, 1)], dim=-1)
        h_out, x_out = self.egnn(h, x, node_mask, edge_mask)
        vel = (x_out - x) * node_mask
        n_real = node_mask.sum(1, keepdim=True)
        vel = vel - vel.sum(1, keepdim=True) / n_real * node_mask
        return torch.cat([vel, h_out[:, :, :-1]], dim=-1)


# ------------------------------------------------------------------ EDM noise schedule
def polynomial_alphas2(T: int = 1000, power: float = 2.0, s: float = 1e-5, clip: float = 0.001):
    """EDM's 'polynomial_<power>' schedule: alpha^2 over t_int = 0..T (float64 numpy)."""
    import numpy as np
    steps = T + 1
    x = np.linspace(0, steps, steps)
    a2 = (1 - np.power(x / steps, power)) ** 2
    a2 = np.concatenate([np.ones(1), a2])
    step = np.clip(a2[1:] / a2[:-1], clip, 1.0)
    a2 = np.cumprod(step)
    return (1 - 2 * s) * a2 + s


def gamma_table(T: int = 1000, power: float = 2.0, s: float = 1e-5) -> torch.Tensor:
    """gamma(t_int) = -log(alpha^2 / sigma^2), float32 as EDM stores it (t_int = round(t*T))."""
    import numpy as np
    a2 = polynomial_alphas2(T, power, s)
    return torch.from_numpy(-(np.log(a2) - np.log(1 - a2))).float()


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
