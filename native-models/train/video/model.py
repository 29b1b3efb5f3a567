"""sprites-16 denoiser (factorised space-time UNet) and held-out clip classifier (small 3D CNN).

SpriteUNet, in the style of the video diffusion models of Ho et al. 2022 ("Video Diffusion Models":
space-only 2D convolutions per frame, mixing across frames only in temporal layers):
  [B,3,F,32,32] -> frames folded into the batch [B*F,3,32,32] -> 2x2 space-to-depth [B*F,12,16,16]
  -> conv_in 12->64
  16x16: ResBlock(64)          + TemporalConv(64)
  8x8:   ResBlock(64->128)     + TemporalConv(128) + TemporalAttention(128)
  4x4:   ResBlock(128) + spatial SelfAttention(128) + ResBlock(128) + TemporalConv(128)
  8x8:   ResBlock(256->128)    + TemporalConv(128) + TemporalAttention(128)   (skip concatenation)
  16x16: ResBlock(192->64)     + TemporalConv(64)
  -> GroupNorm, SiLU, conv 64->12 -> depth-to-space -> [B,3,F,32,32].
ResBlock / SelfAttention / timestep embedding are the emoji-32 ones (../unet.py); the clip's embedding
(time MLP + class embedding, 21 rows with the null class 20) is shared by its frames.
TemporalConv: GroupNorm, SiLU, Conv1d(k=3, zero padding) over the frame axis at every pixel, residual,
zero-initialised. TemporalAttention: GroupNorm, single-head attention over the F frames at every pixel,
residual, zero-initialised output projection; no frame position embedding (order comes from the convs).

ClipClassifier: Conv3d(k=3)-BN-ReLU 16 @16x32x32 | pool(1,2,2) | 32 @16x16x16 | pool 2 | 64 @8x8x8 |
pool 2 | 128 @4x4x4 | global average pool | Linear(128,128)+ReLU = features | dropout 0.3 | Linear(128, 20).
"""
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from clf_train import FeatureClassifier  # noqa: E402
from unet import (  # noqa: E402,F401
    EMB_DIM, TIME_FEATURES, GroupNorm, ResBlock, SelfAttention, count_params, depth_to_space, space_to_depth,
    timestep_features,
)


class TemporalConv(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.norm = GroupNorm(channels)
        self.conv = nn.Conv1d(channels, channels, 3, padding=1)
        nn.init.zeros_(self.conv.weight)
        nn.init.zeros_(self.conv.bias)

    def forward(self, x: torch.Tensor, frames: int) -> torch.Tensor:
        bf, c, h, w = x.shape
        b = bf // frames
        y = F.silu(self.norm(x)).reshape(b, frames, c, h, w).permute(0, 3, 4, 2, 1).reshape(b * h * w, c, frames)
        y = self.conv(y).reshape(b, h, w, c, frames).permute(0, 4, 3, 1, 2).reshape(bf, c, h, w)
        return x + y


class TemporalAttention(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.norm = GroupNorm(channels)
        self.qkv = nn.Linear(channels, 3 * channels)
        self.proj = nn.Linear(channels, channels)
        self.scale = channels**-0.5
        nn.init.zeros_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, x: torch.Tensor, frames: int) -> torch.Tensor:
        bf, c, h, w = x.shape
        b = bf // frames
        y = self.norm(x).reshape(b, frames, c, h, w).permute(0, 3, 4, 1, 2).reshape(b * h * w, frames, c)
        q, k, v = self.qkv(y).chunk(3, dim=-1)
        attn = torch.softmax(q @ k.transpose(1, 2) * self.scale, dim=-1)  # [bhw, F, F]
        y = self.proj(attn @ v).reshape(b, h, w, frames, c).permute(0, 3, 4, 1, 2).reshape(bf, c, h, w)
        return x + y


class SpriteUNet(nn.Module):
    """forward(sample [B,3,F,32,32], timestep float [B] in [0, 999], class_labels int64 [B]) -> epsilon, same shape.
    class_labels == num_classes is the null class (classifier-free guidance)."""

    def __init__(self, num_classes: int = 20, ch: tuple = (64, 128), s2d: int = 2):
        super().__init__()
        c0, c1 = ch
        self.num_classes, self.s2d = num_classes, s2d
        cin = 3 * s2d * s2d
        self.time_mlp = nn.Sequential(nn.Linear(TIME_FEATURES, EMB_DIM), nn.SiLU(), nn.Linear(EMB_DIM, EMB_DIM))
        self.class_emb = nn.Embedding(num_classes + 1, EMB_DIM)
        self.conv_in = nn.Conv2d(cin, c0, 3, padding=1)
        self.enc0, self.t_enc0 = ResBlock(c0, c0), TemporalConv(c0)
        self.down0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.enc1, self.t_enc1, self.ta_enc1 = ResBlock(c0, c1), TemporalConv(c1), TemporalAttention(c1)
        self.down1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.enc2, self.attn, self.mid, self.t_mid = ResBlock(c1, c1), SelfAttention(c1), ResBlock(c1, c1), TemporalConv(c1)
        self.dec1, self.t_dec1, self.ta_dec1 = ResBlock(c1 + c1, c1), TemporalConv(c1), TemporalAttention(c1)
        self.dec0, self.t_dec0 = ResBlock(c1 + c0, c0), TemporalConv(c0)
        self.norm_out = GroupNorm(c0)
        self.conv_out = nn.Conv2d(c0, cin, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, class_labels: torch.Tensor) -> torch.Tensor:
        b, c, f, h, w = sample.shape
        emb = self.time_mlp(timestep_features(timestep)) + self.class_emb(class_labels)
        emb = emb[:, None, :].expand(b, f, EMB_DIM).reshape(b * f, EMB_DIM)
        x = space_to_depth(sample.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w), self.s2d)
        s0 = self.t_enc0(self.enc0(self.conv_in(x), emb), f)
        s1 = self.ta_enc1(self.t_enc1(self.enc1(self.down0(s0), emb), f), f)
        y = self.enc2(self.down1(s1), emb)
        y = self.t_mid(self.mid(self.attn(y), emb), f)
        y = torch.cat([F.interpolate(y, scale_factor=2.0, mode="nearest"), s1], dim=1)
        y = self.ta_dec1(self.t_dec1(self.dec1(y, emb), f), f)
        y = torch.cat([F.interpolate(y, scale_factor=2.0, mode="nearest"), s0], dim=1)
        y = self.t_dec0(self.dec0(y, emb), f)
        y = depth_to_space(self.conv_out(F.silu(self.norm_out(y))), self.s2d)
        return y.reshape(b, f, c, h, w).permute(0, 2, 1, 3, 4)


class ClipClassifier(FeatureClassifier):
    """3D CNN body (module docstring) + clf_train.FeatureClassifier's head.
    forward(clip [B,3,16,32,32] in [-1, 1]) -> (logits [B,20], features [B,128])."""

    def __init__(self, num_classes: int = 20):
        def block(cin: int, cout: int) -> list:
            return [nn.Conv3d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm3d(cout), nn.ReLU()]

        body = nn.Sequential(
            *block(3, 16), nn.MaxPool3d((1, 2, 2)),
            *block(16, 32), nn.MaxPool3d(2),
            *block(32, 64), nn.MaxPool3d(2),
            *block(64, 128),
        )
        super().__init__(body, 128, num_classes)
