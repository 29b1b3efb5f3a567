"""DDPM noise schedule (Ho et al. 2020): linear betas 1e-4 -> 0.02 over 1000 steps."""
import torch

BETA_START = 1e-4
BETA_END = 0.02
NUM_TRAIN_TIMESTEPS = 1000


def alphas_cumprod() -> torch.Tensor:
    betas = torch.linspace(BETA_START, BETA_END, NUM_TRAIN_TIMESTEPS, dtype=torch.float64)
    return torch.cumprod(1.0 - betas, dim=0).float()
