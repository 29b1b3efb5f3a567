"""Networks and EDM helpers for photo-sr4 and photo-inpaint.

Both networks are the raw F of EDM (Karras et al. 2022):
    D(x; sigma) = c_skip * x + c_out * F(c_in * x, c_noise),   c_noise = ln(sigma) / 4,
with sigma_data = 0.5 and pixels in [-1, 1]. They are fully convolutional, have no
normalisation layers and take the noise level through a Fourier embedding + MLP that
drives a per-block FiLM (scale, shift).

SR4Net       F(sample [B,3,4h,4w], timestep [B], low_res [B,3,h,w]) -> [B,3,4h,4w]
             space-to-depth x4 of the HR input to the LR grid, concat the LR image,
             a 3-level residual UNet at LR resolution (64/128/192 ch), depth-to-space x4,
             plus a fixed (weight-free) base path so that an all-zero residual gives
             D = up + s_r^2 / (sigma^2 + s_r^2) * (x - up), up = bilinear_x4(low_res), s_r = 0.1.
             Any h, w >= 1 (decoder upsamples to the skip's exact size).
InpaintNet   F(sample [B,7,H,W] = [c_in*x, mask, masked_image], timestep [B]) -> [B,3,H,W]
             space-to-depth x2, a 4-level residual UNet (48/96/144/192 ch) at H/2..H/16,
             depth-to-space x2. H, W must be even (multiples of 16 recommended). With input_gate (the
             shipped model) the noisy channels are multiplied by sigma_data / sqrt(sigma^2 + sigma_data^2)
             inside the graph before the first conv.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SIGMA_DATA = 0.5
SIGMA_RES = 0.1  # photo-sr4 base path: ~std of (HR - bilinear_x4(LR)) on training patches (measured 0.098)


# ----------------------------------------------------------------------------- EDM


def edm_scalings(sigma: torch.Tensor, sigma_data: float = SIGMA_DATA) -> tuple:
    s2, d2 = sigma ** 2, sigma_data ** 2
    c_skip = d2 / (s2 + d2)
    c_out = sigma * sigma_data / (s2 + d2).sqrt()
    c_in = 1.0 / (s2 + d2).sqrt()
    c_noise = sigma.log() / 4
    return c_skip, c_out, c_in, c_noise


def karras_sigmas(n: int, sigma_min: float, sigma_max: float, rho: float = 7.0) -> torch.Tensor:
    """n noise levels from sigma_max down to sigma_min, then a final 0 (n + 1 values)."""
    if n == 1:
        s = torch.tensor([sigma_max], dtype=torch.float64)
    else:
        ramp = torch.linspace(0, 1, n, dtype=torch.float64)
        s = (sigma_max ** (1 / rho) + ramp * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    return torch.cat([s, torch.zeros(1, dtype=torch.float64)])


@torch.no_grad()
def sample(denoise, x_shape, sigmas: torch.Tensor, noise: torch.Tensor, heun: bool = False) -> tuple:
    """Deterministic Euler (or Heun, 2nd order except for the last step to 0) on `sigmas`.
    denoise(x, sigma_float) -> D(x; sigma). Returns (x0, number of denoiser calls)."""
    x = noise * float(sigmas[0])
    nfe = 0
    for i in range(len(sigmas) - 1):
        s, s_next = float(sigmas[i]), float(sigmas[i + 1])
        d = (x - denoise(x, s)) / s
        nfe += 1
        x_next = x + (s_next - s) * d
        if heun and s_next > 0:
            d2 = (x_next - denoise(x_next, s_next)) / s_next
            nfe += 1
            x_next = x + (s_next - s) * 0.5 * (d + d2)
        x = x_next
    return x, nfe


# ----------------------------------------------------------------------------- blocks


class NoiseEmbed(nn.Module):
    """Fourier features of c_noise = ln(sigma)/4 (about -1.6 .. 1.1) -> MLP."""

    def __init__(self, dim: int, n_freq: int = 16):
        super().__init__()
        # frequencies 1 .. 64 (per unit of c_noise), log-spaced; fixed buffer
        self.register_buffer("freqs", torch.exp(torch.linspace(0.0, math.log(64.0), n_freq)).view(1, n_freq))
        self.mlp = nn.Sequential(nn.Linear(2 * n_freq + 1, dim), nn.SiLU(), nn.Linear(dim, dim), nn.SiLU())

    def forward(self, c_noise: torch.Tensor) -> torch.Tensor:
        t = c_noise.view(-1, 1)
        a = t * self.freqs
        return self.mlp(torch.cat([t, torch.sin(a), torch.cos(a)], dim=1))


class ResBlock(nn.Module):
    """x + conv(FiLM(silu(conv(silu(x))))), no normalisation; second conv zero-initialised."""

    def __init__(self, ch: int, emb_dim: int):
        super().__init__()
        self.conv1 = nn.Conv2d(ch, ch, 3, padding=1)
        self.conv2 = nn.Conv2d(ch, ch, 3, padding=1)
        self.film = nn.Linear(emb_dim, 2 * ch)
        nn.init.zeros_(self.conv2.weight)
        nn.init.zeros_(self.conv2.bias)
        nn.init.zeros_(self.film.weight)
        nn.init.zeros_(self.film.bias)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(x))
        scale, shift = self.film(emb)[:, :, None, None].chunk(2, dim=1)
        h = F.silu(h * (1 + scale) + shift)
        return x + self.conv2(h)


class UNetBody(nn.Module):
    """Residual UNet without attention. chans[i] at 1/2**i of the input grid; n_down[i] ResBlocks on the
    way down at level i (the deepest level's are the middle), n_up ResBlocks per level on the way up.
    Down: stride-2 3x3 conv (ceil). Up: nearest resize to the skip's exact size, 1x1 conv, add the skip."""

    def __init__(self, chans: list, n_down: list, n_up: int, emb_dim: int):
        super().__init__()
        self.down_blocks = nn.ModuleList(
            nn.ModuleList(ResBlock(c, emb_dim) for _ in range(n)) for c, n in zip(chans, n_down))
        self.downs = nn.ModuleList(nn.Conv2d(chans[i], chans[i + 1], 3, stride=2, padding=1)
                                   for i in range(len(chans) - 1))
        self.ups = nn.ModuleList(nn.Conv2d(chans[i + 1], chans[i], 1) for i in range(len(chans) - 1))
        self.up_blocks = nn.ModuleList(
            nn.ModuleList(ResBlock(chans[i], emb_dim) for _ in range(n_up)) for i in range(len(chans) - 1))

    def forward(self, h: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        skips = []
        for i, blocks in enumerate(self.down_blocks):
            for b in blocks:
                h = b(h, emb)
            if i < len(self.downs):
                skips.append(h)
                h = self.downs[i](h)
        for i in reversed(range(len(self.ups))):
            skip = skips[i]
            h = F.interpolate(h, size=skip.shape[-2:], mode="nearest")
            h = self.ups[i](h) + skip
            for b in self.up_blocks[i]:
                h = b(h, emb)
        return h


# ----------------------------------------------------------------------------- networks


class SR4Net(nn.Module):
    scale = 4

    def __init__(self, chans=(64, 128, 192), n_down=(2, 2, 3), n_up=1, emb_dim=128):
        super().__init__()
        self.config = {"chans": list(chans), "n_down": list(n_down), "n_up": n_up, "emb_dim": emb_dim}
        s2 = self.scale ** 2
        self.embed = NoiseEmbed(emb_dim)
        self.head = nn.Conv2d(3 * s2 + 3, chans[0], 3, padding=1)
        self.body = UNetBody(list(chans), list(n_down), n_up, emb_dim)
        self.tail = nn.Conv2d(chans[0], 3 * s2, 3, padding=1)
        nn.init.zeros_(self.tail.weight)
        nn.init.zeros_(self.tail.bias)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, low_res: torch.Tensor) -> torch.Tensor:
        emb = self.embed(timestep)
        h = torch.cat([F.pixel_unshuffle(sample, self.scale), low_res], dim=1)
        h = self.body(self.head(h), emb)
        residual = F.pixel_shuffle(self.tail(F.silu(h)), self.scale)
        # Fixed base path (no weights): with residual = 0 the denoiser is
        #   D = up + c_r * (x - up),  up = bilinear_x4(low_res),  c_r = s_r^2 / (sigma^2 + s_r^2),
        # i.e. the bilinear upsample plus a Wiener-style share of the noisy input's deviation from it,
        # s_r = SIGMA_RES ~ std of (HR - bilinear(LR)) on the training patches. Written as F = (D - c_skip x) / c_out
        # with x = sample * sqrt(sigma^2 + s_d^2) and simplified so that it is stable for small sigma:
        #   F_base = sigma / ((sigma^2 + s_r^2) * s_d) * (sqrt(sigma^2 + s_d^2) * up + (s_r^2 - s_d^2) * sample)
        sigma = torch.exp(4 * timestep).view(-1, 1, 1, 1)
        s2, d2, r2 = sigma * sigma, SIGMA_DATA ** 2, SIGMA_RES ** 2
        up = F.interpolate(low_res, scale_factor=self.scale, mode="bilinear", align_corners=False)
        base = sigma / ((s2 + r2) * SIGMA_DATA) * (torch.sqrt(s2 + d2) * up + (r2 - d2) * sample)
        return residual + base


class InpaintNet(nn.Module):
    scale = 2

    def __init__(self, chans=(48, 96, 144, 192), n_down=(1, 2, 2, 2), n_up=1, emb_dim=128, input_gate=False,
                 fill_base=False):
        super().__init__()
        self.config = {"chans": list(chans), "n_down": list(n_down), "n_up": n_up, "emb_dim": emb_dim,
                       "input_gate": input_gate, "fill_base": fill_base}
        self.input_gate = input_gate
        self.fill_base = fill_base
        s2 = self.scale ** 2
        self.embed = NoiseEmbed(emb_dim)
        self.head = nn.Conv2d(7 * s2, chans[0], 3, padding=1)
        self.body = UNetBody(list(chans), list(n_down), n_up, emb_dim)
        self.tail = nn.Conv2d(chans[0], 3 * s2, 3, padding=1)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        emb = self.embed(timestep)
        if self.input_gate:
            # Weight-free gate on the noisy channels: c_in * x -> c_skip * x / sigma_data
            # (= c_in * x * sigma_data / sqrt(sigma^2 + sigma_data^2)), the Wiener estimate of y from x alone.
            # ~1 at low sigma, -> 0 at high sigma, so pure noise cannot leak into the prediction.
            sigma = torch.exp(4 * timestep).view(-1, 1, 1, 1)
            gate = SIGMA_DATA / torch.sqrt(sigma * sigma + SIGMA_DATA ** 2)
            gated = torch.cat([sample[:, :3] * gate, sample[:, 3:]], dim=1)
        else:
            gated = sample
        h = self.body(self.head(F.pixel_unshuffle(gated, self.scale)), emb)
        residual = F.pixel_shuffle(self.tail(F.silu(h)), self.scale)
        if not self.fill_base:
            return residual
        # Fixed base path (v2): channels 4..6 hold the image with the hole filled classically (harmonic fill);
        # with residual = 0 the denoiser is D = fill + c_r * (x - fill), c_r = s_r^2 / (sigma^2 + s_r^2), the
        # same Wiener-style blend as SR4Net's (see there for the F form).
        sigma = torch.exp(4 * timestep).view(-1, 1, 1, 1)
        s2, d2, r2 = sigma * sigma, SIGMA_DATA ** 2, SIGMA_RES ** 2
        x_in, fill = sample[:, :3], sample[:, 4:7]
        return residual + sigma / ((s2 + r2) * SIGMA_DATA) * (torch.sqrt(s2 + d2) * fill + (r2 - d2) * x_in)


def build(task: str, config: dict = None) -> nn.Module:
    cls = {"sr": SR4Net, "inpaint": InpaintNet}[task]
    return cls(**(config or {}))


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


class Denoiser:
    """D(x; sigma) around a raw F, with the conditioning the task needs (eval / sampling only)."""

    def __init__(self, net: nn.Module, task: str):
        self.net, self.task = net, task

    def __call__(self, x: torch.Tensor, sigma: float, cond: dict) -> torch.Tensor:
        s = torch.full((x.shape[0],), sigma, dtype=torch.float32)
        c_skip, c_out, c_in, c_noise = [v.view(-1, 1, 1, 1) if v.dim() else v for v in edm_scalings(s)]
        if self.task == "sr":
            f = self.net(c_in * x, c_noise.view(-1), cond["low_res"])
        else:
            f = self.net(torch.cat([c_in * x, cond["mask"], cond["masked"]], dim=1), c_noise.view(-1))
        return c_skip * x + c_out * f
