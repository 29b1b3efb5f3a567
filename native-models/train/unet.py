"""Small class-conditional UNet for 32x32 RGB DDPM (Ho et al. 2020, "Denoising
Diffusion Probabilistic Models"), with a "null" class for classifier-free
guidance (Ho & Salimans 2022). Shared by training, export, sampling and bench.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

EMB_DIM = 128
TIME_FEATURES = 32


def timestep_features(t: torch.Tensor, dim: int = TIME_FEATURES) -> torch.Tensor:
    """Sinusoidal embedding of a continuous float timestep t in [0, 999]."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class GroupNorm(nn.Module):
    """nn.GroupNorm(8, C) with the affine parameters stored as [C,1,1], so the
    ONNX export keeps them as named initializers instead of folded constants."""

    def __init__(self, channels: int, groups: int = 8):
        super().__init__()
        self.groups = groups
        self.weight = nn.Parameter(torch.ones(channels, 1, 1))
        self.bias = nn.Parameter(torch.zeros(channels, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.group_norm(x, self.groups) * self.weight + self.bias


class ResBlock(nn.Module):
    """GroupNorm -> SiLU -> conv, conditioned by adding a projected embedding."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.norm1 = GroupNorm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(EMB_DIM, cout)
        self.norm2 = GroupNorm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class SelfAttention(nn.Module):
    """Single-head spatial self-attention with a residual connection."""

    def __init__(self, channels: int):
        super().__init__()
        self.norm = GroupNorm(channels)
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.proj = nn.Conv2d(channels, channels, 1)
        self.scale = channels**-0.5
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, c, h * w).unbind(1)
        attn = torch.softmax(q.transpose(1, 2) @ k * self.scale, dim=-1)  # [b, hw, hw]
        out = (v @ attn.transpose(1, 2)).reshape(b, c, h, w)
        return x + self.proj(out)


class EmojiUNet(nn.Module):
    """Channels 32/64/128 at 32/16/8 px; self-attention at 8x8.

    forward(sample [B,C,H,W] (C = in_channels, default 3; H, W multiples of 4), timestep float [B],
    class_labels int64 [B]) -> epsilon [B,C,H,W].
    class_labels == num_classes is the null (unconditional) class.
    """

    def __init__(self, num_classes: int, in_channels: int = 3):
        super().__init__()
        self.num_classes = num_classes
        self.time_mlp = nn.Sequential(nn.Linear(TIME_FEATURES, EMB_DIM), nn.SiLU(), nn.Linear(EMB_DIM, EMB_DIM))
        self.class_emb = nn.Embedding(num_classes + 1, EMB_DIM)
        self.conv_in = nn.Conv2d(in_channels, 32, 3, padding=1)
        self.enc0 = ResBlock(32, 32)
        self.down0 = nn.Conv2d(32, 32, 3, stride=2, padding=1)
        self.enc1 = ResBlock(32, 64)
        self.down1 = nn.Conv2d(64, 64, 3, stride=2, padding=1)
        self.enc2 = ResBlock(64, 128)
        self.attn = SelfAttention(128)
        self.mid = ResBlock(128, 128)
        self.dec1 = ResBlock(128 + 64, 64)
        self.dec0 = ResBlock(64 + 32, 32)
        self.norm_out = GroupNorm(32)
        self.conv_out = nn.Conv2d(32, in_channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, class_labels: torch.Tensor) -> torch.Tensor:
        emb = self.time_mlp(timestep_features(timestep)) + self.class_emb(class_labels)
        s0 = self.enc0(self.conv_in(sample), emb)
        s1 = self.enc1(self.down0(s0), emb)
        h = self.enc2(self.down1(s1), emb)
        h = self.mid(self.attn(h), emb)
        h = self.dec1(torch.cat([F.interpolate(h, scale_factor=2.0, mode="nearest"), s1], dim=1), emb)
        h = self.dec0(torch.cat([F.interpolate(h, scale_factor=2.0, mode="nearest"), s0], dim=1), emb)
        return self.conv_out(F.silu(self.norm_out(h)))


def space_to_depth(x: torch.Tensor, r: int) -> torch.Tensor:
    """[B, C, H, W] -> [B, C*r*r, H/r, W/r]; channel index c*r*r + i*r + j holds x[c, r*h+i, r*w+j]."""
    b, c, h, w = x.shape
    return x.reshape(b, c, h // r, r, w // r, r).permute(0, 1, 3, 5, 2, 4).reshape(b, c * r * r, h // r, w // r)


def depth_to_space(x: torch.Tensor, r: int) -> torch.Tensor:
    b, crr, h, w = x.shape
    c = crr // (r * r)
    return x.reshape(b, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3).reshape(b, c, h * r, w * r)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
