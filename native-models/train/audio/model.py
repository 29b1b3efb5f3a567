"""digits-mel denoiser and held-out digit classifier.

MelUNet: the emoji-32 UNet (../unet.py: channels 32/64/128, GroupNorm+SiLU ResBlocks, one
self-attention block at the lowest level, sinusoidal embedding of a continuous float timestep
+ class embedding with a null row) on a 1x64x64 normalised log-mel. With --s2d (the shipped
setting) the mel is first folded 2x2 into channels (space-to-depth, [B,1,64,64] -> [B,4,32,32]),
the UNet runs at 32/16/8 px exactly as emoji-32 does (attention at 8x8), and the output is
unfolded back (depth-to-space); this costs what emoji-32 costs per image instead of 4x.

DigitClassifier: a small CNN on the normalised log-mel [B,1,64,64] -> logits [B,10] and the
penultimate features [B,128] (the SC09-protocol feature space for the Frechet distance).
"""
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from clf_train import FeatureClassifier  # noqa: E402
from unet import EmojiUNet, count_params, depth_to_space, space_to_depth  # noqa: E402,F401


class MelUNet(nn.Module):
    """forward(sample [B,1,64,64], timestep float [B] in [0, 999], class_labels int64 [B]) -> epsilon [B,1,64,64].
    class_labels == num_classes (10) is the null class for classifier-free guidance."""

    def __init__(self, num_classes: int = 10, s2d: int = 2):
        super().__init__()
        self.num_classes, self.s2d = num_classes, s2d
        self.unet = EmojiUNet(num_classes, in_channels=s2d * s2d)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, class_labels: torch.Tensor) -> torch.Tensor:
        if self.s2d == 1:
            return self.unet(sample, timestep, class_labels)
        eps = self.unet(space_to_depth(sample, self.s2d), timestep, class_labels)
        return depth_to_space(eps, self.s2d)


class DigitClassifier(FeatureClassifier):
    """Conv3x3-BN-ReLU stages 16 | 32,32 | 64,64 | 128,128 channels at 64/32/16/8 px with 2x2 max-pool
    between them, then clf_train.FeatureClassifier's head: global average pool, Linear(128, 128) + ReLU =
    features, dropout 0.3, Linear(128, 10) = logits. forward(mel [B,1,64,64]) -> (logits [B,10], features [B,128])."""

    def __init__(self, num_classes: int = 10):
        def block(cin: int, cout: int) -> list:
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

        body = nn.Sequential(
            *block(1, 16), nn.MaxPool2d(2),
            *block(16, 32), *block(32, 32), nn.MaxPool2d(2),
            *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
            *block(64, 128), *block(128, 128),
        )
        super().__init__(body, 128, num_classes)
