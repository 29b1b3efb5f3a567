"""DDPM noise schedule (Ho et al. 2020): linear betas 1e-4 -> 0.02 over 1000 steps."""
import torch

BETA_START = 1e-4
BETA_END = 0.02
NUM_TRAIN_TIMESTEPS = 1000


def alphas_cumprod() -> torch.Tensor:
    betas = torch.linspace(BETA_START, BETA_END, NUM_TRAIN_TIMESTEPS, dtype=torch.float64)
    return torch.cumprod(1.0 - betas, dim=0).float()


def training_schedule() -> dict:
    """The schedule as written to a starter's training.json."""
    return {"beta_schedule": "linear", "beta_start": BETA_START, "beta_end": BETA_END,
            "num_train_timesteps": NUM_TRAIN_TIMESTEPS, "prediction": "epsilon",
            "timestep": "float32, continuous in [0, 999] (trained on integers)"}


def manifest_schedule() -> dict:
    """The schedule in the studio manifest's terms (starter.json; emoji-32's manifest.json uses the same keys)."""
    return {"type": "discrete", "betaSchedule": "linear", "betaStart": BETA_START, "betaEnd": BETA_END,
            "trainSteps": NUM_TRAIN_TIMESTEPS, "zeroTerminalSnr": False, "timestepDtype": "float32",
            "timestepSpacing": "linspace"}
