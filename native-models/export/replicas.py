"""Tiny random-weight replicas of the public Stable Diffusion ONNX exports (test fixtures).

Usage:  /usr/bin/python3 native-models/export/replicas.py [--out DIR] [--check-clip DIR]

Writes native-models/replicas/<name>/ for sd15-tiny, sd15-inpaint-tiny, sd15-inpaint-legacy-tiny,
sd-x4-upscaler-tiny, lcm-tiny, sd-turbo-tiny and sd-turbo-tiny-fp16, and the pixel-space pipelines
ddpm-tiny, ddim-class-tiny, score-sde-ve-tiny and score-sde-vp-tiny: the same folder layouts, file names, graph
input/output names, element types, dynamic axes and JSON configs as the public exports
(see native-models/README.md and native-models/export/REPLICAS.md), with widths of 32 and
seeded random weights, so each folder is a few hundred KB. Everything is deterministic:
running the script twice gives byte-identical files (torch 1.13, onnx 1.12).

--check-clip DIR  also tokenizes sample prompts with the real CLIP vocab.json/merges.txt in
                  DIR with this file's reference BPE and prints the ids (a self-test of the
                  reference implementation against known CLIP ids).

Needs PyTorch (1.13 used) and onnx (1.12 used); nothing else.
"""
from __future__ import annotations

import argparse
import copy
import html
import json
import math
import shutil
import sys
import unicodedata
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, numpy_helper

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "replicas"
SEED = 20240601

HIDDEN = 32  # text hidden size = UNet cross_attention_dim
CHANNELS = 32  # UNet block width
TEMB = 64  # UNet time-embedding width
VAE_CHANNELS = 16
MAX_POSITIONS = 77
LCM_COND_DIM = 256

# ------------------------------------------------------------------------------------------------
# CLIP byte-level BPE (reference implementation of openai/CLIP simple_tokenizer.py and
# transformers' CLIPTokenizer, without ftfy) and a tiny vocabulary trained on prompt words.
# ------------------------------------------------------------------------------------------------
BOS = "<|startoftext|>"
EOS = "<|endoftext|>"


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP byte -> printable unicode character table (256 entries, '!' first)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()


def _is_letter(c: str) -> bool:
    return unicodedata.category(c).startswith("L")


def _is_number(c: str) -> bool:
    return unicodedata.category(c).startswith("N")


CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def clip_normalize(text: str) -> str:
    """basic_clean (html.unescape twice, strip; ftfy.fix_text is skipped) + whitespace_clean + lower."""
    text = html.unescape(html.unescape(text)).strip()
    text = " ".join(text.split())
    return text.lower()


def clip_pretokenize(text: str) -> list[str]:
    """The pieces matched by CLIP's pattern, scanned left to right:
    <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"""
    pieces: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        special = next((s for s in (BOS, EOS) if text.startswith(s, i)), None)
        if special:
            pieces.append(special)
            i += len(special)
            continue
        contraction = next((s for s in CONTRACTIONS if text.startswith(s, i)), None)
        if contraction:
            pieces.append(contraction)
            i += len(contraction)
        elif _is_letter(c):
            j = i + 1
            while j < n and _is_letter(text[j]):
                j += 1
            pieces.append(text[i:j])
            i = j
        elif _is_number(c):
            pieces.append(c)
            i += 1
        elif c.isspace():
            i += 1
        else:
            j = i + 1
            while j < n and not (text[j].isspace() or _is_letter(text[j]) or _is_number(text[j])):
                j += 1
            pieces.append(text[i:j])
            i = j
    return pieces


def _pairs(word: tuple[str, ...]) -> set[tuple[str, str]]:
    return {(word[i], word[i + 1]) for i in range(len(word) - 1)}


class ClipBPE:
    """CLIPTokenizer.bpe/_tokenize/encode over a vocab.json + merges list."""

    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]]):
        self.encoder = vocab
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.cache: dict[str, str] = {}

    def bpe(self, token: str) -> str:
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = _pairs(word)
        if not pairs:
            return token + "</w>"
        while True:
            bigram = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if bigram not in self.ranks:
                break
            first, second = bigram
            new_word: list[str] = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new_word.extend(word[i:])
                    break
                new_word.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = _pairs(word)
        out = " ".join(word)
        self.cache[token] = out
        return out

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        for piece in clip_pretokenize(clip_normalize(text)):
            if piece in (BOS, EOS):
                tokens.append(piece)
                continue
            mapped = "".join(BYTE_ENCODER[b] for b in piece.encode("utf-8"))
            tokens.extend(self.bpe(mapped).split(" "))
        return tokens

    def encode(self, text: str, max_length: int | None = MAX_POSITIONS, pad: bool = True) -> list[int]:
        """[bos] + ids + [eos], truncated to max_length (eos kept), padded with pad (= eos)."""
        unk = self.encoder[EOS]
        ids = [self.encoder.get(t, unk) for t in self.tokenize(text)]
        bos, eos = self.encoder[BOS], self.encoder[EOS]
        if max_length is not None:
            ids = ids[: max_length - 2]
        out = [bos] + ids + [eos]
        if pad and max_length is not None:
            out += [eos] * (max_length - len(out))
        return out


# Prompt-style corpus for the tiny vocabulary. The frequency of each word decides which merges
# are learned first; the first prompt is repeated so its words become single tokens.
CORPUS = [
    "a photo of a cat",
    "a photo of a dog",
    "a photo of an astronaut riding a horse on the moon",
    "a portrait of a woman with red hair, oil painting, highly detailed",
    "a landscape painting of mountains and a lake at sunset",
    "a city street at night in the rain, cinematic lighting",
    "a castle on a hill under a blue sky with white clouds",
    "a cute cat sitting on a table next to a cup of coffee",
    "a dog running on the beach, golden hour, 4k photo",
    "an old man wearing a hat, black and white photo",
    "a forest in winter with snow on the trees",
    "a red car parked in front of a house",
    "a bowl of fruit on a wooden table, still life",
    "a robot in a futuristic city, digital art, trending on artstation",
    "a dragon flying over the ocean, fantasy illustration",
    "a watercolor painting of flowers in a garden",
    "a bird on a branch, close up, sharp focus, bokeh",
    "a train crossing a bridge in the mountains",
    "a girl reading a book by the window, soft light",
    "the starry night sky over the desert",
    "best quality, masterpiece, high resolution, realistic",
    "low quality, blurry, ugly, bad anatomy, deformed",
]
CORPUS_WEIGHTS = {0: 40, 1: 10}  # prompt index -> repeat count (default 3)
MAX_MERGES = 320


def train_bpe(corpus: list[str], max_merges: int) -> list[tuple[str, str]]:
    """Greedy BPE over word counts, CLIP style (words end with '</w>'). Ties: smaller pair first.
    A pair whose merged string is already a token is skipped, so token strings stay unique."""
    counts: dict[tuple[str, ...], int] = {}
    for index, prompt in enumerate(corpus):
        weight = CORPUS_WEIGHTS.get(index, 3)
        for piece in clip_pretokenize(clip_normalize(prompt)):
            mapped = "".join(BYTE_ENCODER[b] for b in piece.encode("utf-8"))
            word = tuple(mapped[:-1]) + (mapped[-1] + "</w>",)
            counts[word] = counts.get(word, 0) + weight
    known = set(BYTE_ENCODER.values()) | {c + "</w>" for c in BYTE_ENCODER.values()}
    merges: list[tuple[str, str]] = []
    while len(merges) < max_merges:
        pair_counts: dict[tuple[str, str], int] = {}
        for word, count in counts.items():
            for i in range(len(word) - 1):
                pair = (word[i], word[i + 1])
                pair_counts[pair] = pair_counts.get(pair, 0) + count
        candidates = [(-c, p) for p, c in pair_counts.items() if p[0] + p[1] not in known]
        if not candidates:
            break
        _, best = min(candidates)
        merges.append(best)
        known.add(best[0] + best[1])
        merged: dict[tuple[str, ...], int] = {}
        for word, count in counts.items():
            out: list[str] = []
            i = 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + count
        counts = merged
    return merges


def build_vocab(merges: list[tuple[str, str]]) -> dict[str, int]:
    """CLIP's id order: 256 byte characters, the same with '</w>', one token per merge, bos, eos."""
    chars = list(BYTE_ENCODER.values())
    tokens = chars + [c + "</w>" for c in chars] + [a + b for a, b in merges] + [BOS, EOS]
    assert len(set(tokens)) == len(tokens), "duplicate token strings"
    return {t: i for i, t in enumerate(tokens)}


def added_token(content: str, typed: bool) -> dict:
    token = {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    return {"__type": "AddedToken", **token} if typed else token


def tokenizer_files(vocab: dict[str, int], merges: list[tuple[str, str]], with_json: bool) -> dict[str, object]:
    """tokenizer/ files in the format of the SD 1.5 `onnx` revision (CLIPTokenizer, transformers
    4.x save_pretrained), plus tokenizer.json as transformers' CLIPConverter writes it."""
    files: dict[str, object] = {
        "vocab.json": vocab,
        "merges.txt": "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges),
        "tokenizer_config.json": {
            "add_prefix_space": False,
            "bos_token": added_token(BOS, True),
            "do_lower_case": True,
            "eos_token": added_token(EOS, True),
            "errors": "replace",
            "model_max_length": MAX_POSITIONS,
            "name_or_path": "diffusion-studio/tiny-clip-tokenizer",
            "pad_token": EOS,
            "special_tokens_map_file": "./special_tokens_map.json",
            "tokenizer_class": "CLIPTokenizer",
            "unk_token": added_token(EOS, True),
        },
        "special_tokens_map.json": {
            "bos_token": added_token(BOS, False),
            "eos_token": added_token(EOS, False),
            "pad_token": EOS,
            "unk_token": added_token(EOS, False),
        },
    }
    if with_json:
        bos_id, eos_id = vocab[BOS], vocab[EOS]
        special = lambda i, c: {  # noqa: E731
            "id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": True, "special": True,
        }
        files["tokenizer.json"] = {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [special(bos_id, BOS), special(eos_id, EOS)],
            "normalizer": {
                "type": "Sequence",
                "normalizers": [
                    {"type": "NFC"},
                    {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
                    {"type": "Lowercase"},
                ],
            },
            "pre_tokenizer": {
                "type": "Sequence",
                "pretokenizers": [
                    {
                        "type": "Split",
                        "pattern": {"Regex": "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
                        "behavior": "Removed",
                        "invert": True,
                    },
                    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
                ],
            },
            "post_processor": {
                "type": "RobertaProcessing",
                "sep": [EOS, eos_id],
                "cls": [BOS, bos_id],
                "trim_offsets": False,
                "add_prefix_space": False,
            },
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": EOS,
                "continuing_subword_prefix": "",
                "end_of_word_suffix": "</w>",
                "fuse_unk": False,
                "byte_fallback": False,
                "vocab": vocab,
                "merges": [f"{a} {b}" for a, b in merges],
            },
        }
    return files


# ------------------------------------------------------------------------------------------------
# Tiny networks. Small but honest: every output depends on every input.
# ------------------------------------------------------------------------------------------------
def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """diffusers get_timestep_embedding (flip_sin_to_cos=True, shift 0): [N] -> [N, dim], cos then sin."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class Attention(nn.Module):
    """Multi-head attention; key/value from `context` (cross) or from the query input (self)."""

    def __init__(self, dim: int, context_dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.scale = 1.0 / math.sqrt(dim // heads)
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(context_dim, dim, bias=False)
        self.to_v = nn.Linear(context_dim, dim, bias=False)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, context: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        b, n, d = x.shape
        h = self.heads
        q = self.to_q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.to_k(context).reshape(b, -1, h, d // h).transpose(1, 2)
        v = self.to_v(context).reshape(b, -1, h, d // h).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if mask is not None:
            scores = scores.masked_fill(mask, -10000.0)
        out = torch.matmul(scores.softmax(dim=-1), v)
        return self.to_out(out.transpose(1, 2).reshape(b, n, d))


class TinyClipText(nn.Module):
    """CLIPTextModel in miniature: token + position embeddings, one pre-LN causal transformer
    layer (quick-GELU MLP), final LayerNorm; pooler_output = the state at the first eos (argmax id)."""

    def __init__(self, vocab_size: int, hidden: int = HIDDEN, heads: int = 2):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, hidden)
        self.position_embedding = nn.Embedding(MAX_POSITIONS, hidden)
        self.ln1 = nn.LayerNorm(hidden)
        self.attn = Attention(hidden, hidden, heads)
        self.ln2 = nn.LayerNorm(hidden)
        self.fc1 = nn.Linear(hidden, 2 * hidden)
        self.fc2 = nn.Linear(2 * hidden, hidden)
        self.final_layer_norm = nn.LayerNorm(hidden)

    def forward(self, input_ids: torch.Tensor):
        ids = input_ids.to(torch.int64)
        seq = ids.shape[1]
        x = self.token_embedding(ids) + self.position_embedding.weight[:seq][None]
        i = torch.arange(seq)
        causal = (i[None, :] > i[:, None])[None, None]
        x = x + self.attn(self.ln1(x), self.ln1(x), causal)
        y = self.fc1(self.ln2(x))
        x = x + self.fc2(y * torch.sigmoid(1.702 * y))
        x = self.final_layer_norm(x)
        eos_at = ids.to(torch.int32).argmax(dim=-1)
        index = eos_at[:, None, None].expand(-1, 1, x.shape[2])
        pooled = torch.gather(x, 1, index)[:, 0]
        return x, pooled


class ResBlock(nn.Module):
    def __init__(self, channels: int, temb: int):
        super().__init__()
        self.norm = nn.GroupNorm(8, channels)
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.time = nn.Linear(temb, channels)
        self.norm2 = nn.GroupNorm(8, channels)

    def forward(self, x: torch.Tensor, temb: torch.Tensor) -> torch.Tensor:
        h = self.conv(F.silu(self.norm(x))) + self.time(F.silu(temb))[:, :, None, None]
        return x + F.silu(self.norm2(h))


class TinyUNet(nn.Module):
    """UNet2DConditionModel in miniature: conv_in, sinusoidal time embedding + MLP (optional
    timestep_cond projection, optional class_labels embedding), a ResBlock, a stride-2 down
    conv, a ResBlock and a cross-attention to encoder_hidden_states at half resolution, nearest
    upsampling with a skip, conv_out. Any latent size works (the upsampled map is cropped)."""

    def __init__(self, in_channels: int = 4, out_channels: int = 4, class_labels: bool = False,
                 time_cond_dim: int | None = None):
        super().__init__()
        c = CHANNELS
        self.conv_in = nn.Conv2d(in_channels, c, 3, padding=1)
        self.linear_1 = nn.Linear(c, TEMB)
        self.linear_2 = nn.Linear(TEMB, TEMB)
        self.cond_proj = nn.Linear(time_cond_dim, c, bias=False) if time_cond_dim else None
        self.class_embedding = nn.Linear(c, TEMB) if class_labels else None
        self.res_in = ResBlock(c, TEMB)
        self.down = nn.Conv2d(c, c, 3, stride=2, padding=1)
        self.res_mid = ResBlock(c, TEMB)
        self.attn_norm = nn.GroupNorm(8, c)
        self.attn = Attention(c, HIDDEN, heads=2)
        self.up = nn.Conv2d(c, c, 3, padding=1)
        self.norm_out = nn.GroupNorm(8, c)
        self.conv_out = nn.Conv2d(c, out_channels, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states, extra=None):
        batch = sample.shape[0]
        # timestep: [1], [batch] or a scalar; broadcast to the batch like diffusers does.
        t = timestep.reshape(-1).expand(batch)
        emb = timestep_embedding(t, CHANNELS).to(sample.dtype)
        if self.cond_proj is not None:
            emb = emb + self.cond_proj(extra)
        temb = self.linear_2(F.silu(self.linear_1(emb)))
        if self.class_embedding is not None:
            labels = extra.reshape(-1).expand(batch)
            temb = temb + self.class_embedding(timestep_embedding(labels, CHANNELS).to(sample.dtype))
        x = self.conv_in(sample)
        skip = self.res_in(x, temb)
        h = self.res_mid(self.down(skip), temb)
        b, c, hh, ww = h.shape
        tokens = self.attn_norm(h).reshape(b, c, hh * ww).transpose(1, 2)
        attn = self.attn(tokens, encoder_hidden_states).transpose(1, 2).reshape(b, c, hh, ww)
        h = h + attn
        up = F.interpolate(h, scale_factor=2.0, mode="nearest")
        up = up[:, :, : skip.shape[2], : skip.shape[3]]
        x = self.up(up + skip)
        return self.conv_out(F.silu(self.norm_out(x)))


class TinyVaeEncoder(nn.Module):
    """AutoencoderKL.encode(x).latent_dist.sample() in miniature: 3 stride-2 convs (H/8), 8 moment
    channels, quant_conv, then mean + exp(logvar/2) * randn (a random draw inside the graph, as
    in the public exports; logvar is biased low so the draw stays close to the mean)."""

    def __init__(self):
        super().__init__()
        c = VAE_CHANNELS
        self.conv_in = nn.Conv2d(3, c, 3, padding=1)
        self.downs = nn.ModuleList([nn.Conv2d(c, c, 3, stride=2, padding=1) for _ in range(3)])
        self.norm_out = nn.GroupNorm(4, c)
        self.conv_out = nn.Conv2d(c, 8, 3, padding=1)
        self.quant_conv = nn.Conv2d(8, 8, 1)
        with torch.no_grad():
            self.quant_conv.bias[4:] = -16.0

    def forward(self, sample):
        x = self.conv_in(sample)
        for down in self.downs:
            x = F.silu(down(x))
        moments = self.quant_conv(self.conv_out(F.silu(self.norm_out(x))))
        mean, logvar = torch.chunk(moments, 2, dim=1)
        std = torch.exp(0.5 * torch.clamp(logvar, -30.0, 20.0))
        return mean + std * torch.randn_like(mean)


class TinyVaeDecoder(nn.Module):
    """AutoencoderKL.decode in miniature: post_quant_conv, conv_in, `ups` nearest x2 + conv
    stages (3 -> x8 for SD, 2 -> x4 for the x4 upscaler's VAE), GroupNorm, conv_out to RGB."""

    def __init__(self, ups: int = 3):
        super().__init__()
        c = VAE_CHANNELS
        self.post_quant_conv = nn.Conv2d(4, 4, 1)
        self.conv_in = nn.Conv2d(4, c, 3, padding=1)
        self.ups = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(ups)])
        self.norm_out = nn.GroupNorm(4, c)
        self.conv_out = nn.Conv2d(c, 3, 3, padding=1)

    def forward(self, latent_sample):
        x = self.conv_in(self.post_quant_conv(latent_sample))
        for conv in self.ups:
            x = F.silu(conv(F.interpolate(x, scale_factor=2.0, mode="nearest")))
        return self.conv_out(F.silu(self.norm_out(x)))


class TinySafetyChecker(nn.Module):
    """StableDiffusionSafetyChecker.forward_onnx in miniature: an image embedding of clip_input
    compared with concept embeddings; flagged images are zeroed. Thresholds are set so that
    ordinary inputs are not flagged."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 8, stride=8)
        self.proj = nn.Linear(16, 16, bias=False)
        self.concepts = nn.Parameter(torch.randn(3, 16) * 0.1)
        self.thresholds = nn.Parameter(torch.full((3,), 5.0))
        with torch.no_grad():  # concept 0 = the direction of a bright image: clip_input = 100 is flagged
            direction = self.embed(torch.ones(1, 3, 224, 224)) - self.embed(torch.zeros(1, 3, 224, 224))
            self.concepts[0] = direction[0] / direction.norm()

    def embed(self, clip_input):
        return self.proj(self.conv(clip_input).mean(dim=(2, 3)))

    def forward(self, clip_input, images):
        embeds = self.embed(clip_input)
        scores = embeds @ self.concepts.t() - self.thresholds
        has_nsfw_concepts = (scores > 0).any(dim=1)
        out_images = torch.where(has_nsfw_concepts[:, None, None, None], torch.zeros_like(images), images)
        return out_images, has_nsfw_concepts


class UNetWrapper(nn.Module):
    """Fixes the positional order of the exported inputs (extra = class_labels or timestep_cond)."""

    def __init__(self, unet: TinyUNet, extra: bool):
        super().__init__()
        self.unet = unet
        self.extra = extra

    def forward(self, sample, timestep, encoder_hidden_states, extra=None):
        return self.unet(sample, timestep, encoder_hidden_states, extra)


class TinyPixelUNet(nn.Module):
    """UNet2DModel in miniature (pixel space, no cross-attention): conv_in, a time embedding (diffusers'
    sinusoidal one, or for score-SDE VE models a Gaussian Fourier projection of log sigma whose output is
    divided by sigma, as UNet2DModel with time_embedding_type="fourier" does), an optional class
    embedding, a ResBlock, a stride-2 down conv, a ResBlock, nearest upsampling with a skip, conv_out.
    Any even size works."""

    def __init__(self, channels: int = 3, fourier: bool = False, classes: int = 0):
        super().__init__()
        c = CHANNELS
        self.fourier = fourier
        if fourier:
            self.register_buffer("freqs", torch.randn(c // 2) * 16.0)
        self.conv_in = nn.Conv2d(channels, c, 3, padding=1)
        self.linear_1 = nn.Linear(c, TEMB)
        self.linear_2 = nn.Linear(TEMB, TEMB)
        self.class_embedding = nn.Embedding(classes, TEMB) if classes else None
        self.res_in = ResBlock(c, TEMB)
        self.down = nn.Conv2d(c, c, 3, stride=2, padding=1)
        self.res_mid = ResBlock(c, TEMB)
        self.up = nn.Conv2d(c, c, 3, padding=1)
        self.norm_out = nn.GroupNorm(8, c)
        self.conv_out = nn.Conv2d(c, channels, 3, padding=1)

    def forward(self, sample, timestep, class_labels=None):
        batch = sample.shape[0]
        t = timestep.reshape(-1).expand(batch).to(torch.float32)
        if self.fourier:
            args = torch.log(t)[:, None] * self.freqs[None, :] * 2 * math.pi
            emb = torch.cat([torch.sin(args), torch.cos(args)], dim=-1)
        else:
            emb = timestep_embedding(t, CHANNELS)
        temb = self.linear_2(F.silu(self.linear_1(emb)))
        if self.class_embedding is not None:
            temb = temb + self.class_embedding(class_labels.reshape(-1).expand(batch))
        x = self.conv_in(sample)
        skip = self.res_in(x, temb)
        h = self.res_mid(self.down(skip), temb)
        up = F.interpolate(h, scale_factor=2.0, mode="nearest")[:, :, : skip.shape[2], : skip.shape[3]]
        out = self.conv_out(F.silu(self.norm_out(self.up(up + skip))))
        if self.fourier:  # UNet2DModel: `sample / timesteps` for fourier embeddings (a score model)
            out = out / t[:, None, None, None]
        return out


def seeded(factory, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    module = factory()
    module.eval()
    return module


# ------------------------------------------------------------------------------------------------
# Export: torch.onnx (opset 14, like the diffusers script's default), then the exporters'
# save conventions (external data file names and thresholds) and an optional fp16 conversion.
# ------------------------------------------------------------------------------------------------
OPSET = 14


def to_onnx(module: nn.Module, args: tuple, input_names: list[str], output_names: list[str],
            dynamic_axes: dict[str, dict[int, str]]) -> onnx.ModelProto:
    import io

    buffer = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(module, args, buffer, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    model = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(model)
    return model


def convert_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    """A whole-graph float32 -> float16 conversion (what `--fp16` exports contain: float16 weights,
    float16 float inputs/outputs, float16 compute). Resize's roi/scales stay float32 (the op
    requires it); integer inputs (timestep int64, input_ids) are unchanged."""
    model = copy.deepcopy(model)
    graph = model.graph
    keep_fp32 = set()
    for node in graph.node:
        if node.op_type == "Resize":
            keep_fp32.update(name for name in node.input[1:3] if name)
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and init.name not in keep_fp32:
            array = numpy_helper.to_array(init).astype(np.float16)
            init.CopyFrom(numpy_helper.from_array(array, init.name))
    for node in graph.node:
        for attr in node.attribute:
            if node.op_type == "Cast" and attr.name == "to" and attr.i == TensorProto.FLOAT:
                attr.i = TensorProto.FLOAT16
            if node.op_type in ("RandomNormalLike", "RandomUniformLike", "EyeLike") and attr.name == "dtype" \
                    and attr.i == TensorProto.FLOAT:
                attr.i = TensorProto.FLOAT16
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == TensorProto.FLOAT \
                    and not (node.op_type == "Constant" and node.output[0] in keep_fp32):
                array = numpy_helper.to_array(attr.t).astype(np.float16)
                attr.t.CopyFrom(numpy_helper.from_array(array))
    for value in list(graph.input) + list(graph.output):
        if value.type.tensor_type.elem_type == TensorProto.FLOAT:
            value.type.tensor_type.elem_type = TensorProto.FLOAT16
    del graph.value_info[:]
    model = onnx.shape_inference.infer_shapes(model)
    onnx.checker.check_model(model)
    return model


def save_onnx(model: onnx.ModelProto, path: Path, external: str | None = None, size_threshold: int = 1024,
              convert_attribute: bool = False) -> None:
    """Saves model.onnx; with `external`, tensors of at least size_threshold bytes go to one file
    (diffusers script: weights.pb, threshold 1024 = onnx's default, convert_attribute False;
    optimum: model.onnx_data, threshold 100, convert_attribute True)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    model = copy.deepcopy(model)
    if external:
        (path.parent / external).unlink(missing_ok=True)
        onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=external, size_threshold=size_threshold, convert_attribute=convert_attribute)
    else:
        onnx.save_model(model, str(path))


def write_json(path: Path, value: object, sort_keys: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=False) + "\n", encoding="utf-8")


def write_tokenizer(folder: Path, vocab: dict[str, int], merges: list[tuple[str, str]], with_json: bool) -> None:
    for name, value in tokenizer_files(vocab, merges, with_json).items():
        if isinstance(value, str):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(value, encoding="utf-8")
        else:
            write_json(folder / name, value, sort_keys=name != "tokenizer.json")


# ------------------------------------------------------------------------------------------------
# Graph builders per exporter family (names and dynamic axes as each exporter writes them)
# ------------------------------------------------------------------------------------------------
def ids_example(vocab: dict[str, int], dtype: torch.dtype) -> torch.Tensor:
    bpe = ClipBPE(vocab, [])
    ids = bpe.encode("a sample prompt")  # byte-level only; the values do not matter for tracing
    return torch.tensor([ids], dtype=dtype)


def text_encoder_graph(seed: int, vocab: dict[str, int], family: str) -> onnx.ModelProto:
    module = seeded(lambda: TinyClipText(len(vocab)), seed)
    if family == "script":  # [DCONV]: int32, only the input axes declared
        return to_onnx(module, (ids_example(vocab, torch.int32),), ["input_ids"],
                       ["last_hidden_state", "pooler_output"], {"input_ids": {0: "batch", 1: "sequence"}})
    int_dtype = torch.int32 if family == "optimum-old" else torch.int64  # int32 cast removed in optimum 1.24
    return to_onnx(module, (ids_example(vocab, int_dtype),), ["input_ids"], ["last_hidden_state", "pooler_output"], {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "last_hidden_state": {0: "batch_size", 1: "sequence_length"},
        "pooler_output": {0: "batch_size"},
    })


def unet_graph(seed: int, family: str, in_channels: int = 4, timestep: str = "int64", extra: str | None = None
               ) -> onnx.ModelProto:
    """family: script (diffusers script / onnx-web), optimum-old (optimum < 1.20), optimum (>= 1.24)."""
    module = seeded(lambda: TinyUNet(in_channels, 4, class_labels=extra == "class_labels",
                                     time_cond_dim=LCM_COND_DIM if extra == "timestep_cond" else None), seed)
    wrapper = UNetWrapper(module, extra is not None)
    sample = torch.randn(2, in_channels, 8, 8)
    if family == "optimum":
        t = torch.tensor(1.0) if timestep == "float32" else torch.tensor(1)  # scalar, axes {}
    else:
        t = torch.tensor([0.5, 1.0]) if timestep == "float32" else torch.tensor([0, 1], dtype=torch.int64)
    ehs = torch.randn(2, MAX_POSITIONS, HIDDEN)
    args: tuple = (sample, t, ehs)
    names = ["sample", "timestep", "encoder_hidden_states"]
    if extra == "class_labels":
        args += (torch.tensor([20, 20], dtype=torch.int64),)
        names.append("class_labels")
    elif extra == "timestep_cond":
        args += (torch.randn(2, LCM_COND_DIM),)
        names.append("timestep_cond")
    if family == "script":
        axes = {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}, "timestep": {0: "batch"},
                "encoder_hidden_states": {0: "batch", 1: "sequence"}}
        if extra == "class_labels":
            axes["class_labels"] = {0: "batch"}
    elif family == "optimum-old":
        axes = {"sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"}, "timestep": {0: "steps"},
                "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
                "out_sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"}}
    else:
        axes = {"sample": {0: "batch_size", 2: "height", 3: "width"},
                "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
                "out_sample": {0: "batch_size", 2: "height", 3: "width"}}
        if extra == "timestep_cond":
            axes["timestep_cond"] = {0: "batch_size"}
    return to_onnx(wrapper, args, names, ["out_sample"], axes)


def vae_encoder_graph(seed: int, family: str) -> onnx.ModelProto:
    module = seeded(TinyVaeEncoder, seed)
    example = (torch.randn(1, 3, 64, 64),)
    if family == "script":
        return to_onnx(module, example, ["sample"], ["latent_sample"],
                       {"sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}})
    return to_onnx(module, example, ["sample"], ["latent_sample"], {
        "sample": {0: "batch_size", 2: "sample_height", 3: "sample_width"},
        "latent_sample": {0: "batch_size", 2: "sample_height / 8", 3: "sample_width / 8"},
    })


def vae_decoder_graph(seed: int, family: str, ups: int = 3) -> onnx.ModelProto:
    module = seeded(lambda: TinyVaeDecoder(ups), seed)
    example = (torch.randn(1, 4, 8, 8),)
    if family == "script":
        return to_onnx(module, example, ["latent_sample"], ["sample"],
                       {"latent_sample": {0: "batch", 1: "channels", 2: "height", 3: "width"}})
    if family == "optimum-old":
        return to_onnx(module, example, ["latent_sample"], ["sample"], {
            "latent_sample": {0: "batch_size", 1: "num_channels_latent", 2: "height_latent", 3: "width_latent"},
            "sample": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
        })
    factor = 2 ** ups
    return to_onnx(module, example, ["latent_sample"], ["sample"], {
        "latent_sample": {0: "batch_size", 2: "latent_height", 3: "latent_width"},
        "sample": {0: "batch_size", 2: f"latent_height * {factor}", 3: f"latent_width * {factor}"},
    })


def safety_checker_graph(seed: int) -> onnx.ModelProto:
    module = seeded(TinySafetyChecker, seed)
    # [DCONV]: both inputs' axes are named batch/channels/height/width (for `images`, NHWC, the
    # names do not match the meaning; kept as the script writes them).
    return to_onnx(module, (torch.randn(1, 3, 224, 224), torch.rand(1, 64, 64, 3)), ["clip_input", "images"],
                   ["out_images", "has_nsfw_concepts"], {
                       "clip_input": {0: "batch", 1: "channels", 2: "height", 3: "width"},
                       "images": {0: "batch", 1: "channels", 2: "height", 3: "width"},
                   })


# ------------------------------------------------------------------------------------------------
# JSON configs (key sets of the public files; sizes are the replica's own)
# ------------------------------------------------------------------------------------------------
SD_BETAS = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000}


def vae_config(version: str, scaling_factor: float, ups: int = 3) -> dict:
    blocks = ups + 1
    return {
        "_class_name": "AutoencoderKL", "_diffusers_version": version, "act_fn": "silu",
        "block_out_channels": [VAE_CHANNELS] * blocks, "down_block_types": ["DownEncoderBlock2D"] * blocks,
        "in_channels": 3, "latent_channels": 4, "layers_per_block": 1, "norm_num_groups": 4, "out_channels": 3,
        "sample_size": 64, "scaling_factor": scaling_factor, "up_block_types": ["UpDecoderBlock2D"] * blocks,
    }


def unet_config(version: str, in_channels: int = 4, **extra) -> dict:
    return {
        "_class_name": "UNet2DConditionModel", "_diffusers_version": version, "act_fn": "silu",
        "attention_head_dim": 16, "block_out_channels": [CHANNELS, CHANNELS], "center_input_sample": False,
        "cross_attention_dim": HIDDEN, "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
        "downsample_padding": 1, "flip_sin_to_cos": True, "freq_shift": 0, "in_channels": in_channels,
        "layers_per_block": 1, "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 8,
        "out_channels": 4, "sample_size": 8, "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"], **extra,
    }


def text_config(vocab_size: int) -> dict:
    # bos/eos/pad 0/2/1 are the stale values of the public CLIP configs (see SD 1.5 text_encoder/
    # config.json); the real ids are the tokenizer's. Kept so that nothing trusts them.
    return {
        "_name_or_path": "diffusion-studio/tiny-clip-text", "architectures": ["CLIPTextModel"],
        "attention_dropout": 0.0, "bos_token_id": 0, "dropout": 0.0, "eos_token_id": 2, "hidden_act": "quick_gelu",
        "hidden_size": HIDDEN, "initializer_factor": 1.0, "initializer_range": 0.02, "intermediate_size": 2 * HIDDEN,
        "layer_norm_eps": 1e-05, "max_position_embeddings": MAX_POSITIONS, "model_type": "clip_text_model",
        "num_attention_heads": 2, "num_hidden_layers": 1, "pad_token_id": 1, "projection_dim": HIDDEN,
        "torch_dtype": "float32", "transformers_version": "4.46.3", "vocab_size": vocab_size,
    }


def readme(name: str, licence_front: str, what: str) -> str:
    return (f"---\n{licence_front}\ntags:\n- stable-diffusion\n- onnx\n- tiny-random\n---\n\n# {name}\n\n{what}\n\n"
            "Random weights: the outputs are noise. Test fixture for Diffusion Studio, generated by "
            "native-models/export/replicas.py; the interface (names, dtypes, axes, folder layout, configs) "
            "mirrors the public export described in native-models/README.md. The licence in the front "
            "matter is the public model's, so that licence detection can be tested.\n")


ONNX_MODEL = ["diffusers", "OnnxRuntimeModel"]


# ------------------------------------------------------------------------------------------------
# Replicas
# ------------------------------------------------------------------------------------------------
def build_sd15(out: Path, seed: int, vocab, merges) -> None:
    """runwayml/stable-diffusion-v1-5 @ onnx: diffusers script v0.6 (int64 timestep), safety checker."""
    write_json(out / "model_index.json", {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.6.0",
        "feature_extractor": ["transformers", "CLIPFeatureExtractor"], "safety_checker": ONNX_MODEL,
        "scheduler": ["diffusers", "PNDMScheduler"], "text_encoder": ONNX_MODEL,
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ONNX_MODEL, "vae_decoder": ONNX_MODEL,
        "vae_encoder": ONNX_MODEL,
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", **SD_BETAS, "set_alpha_to_one": False,
        "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None,
    })
    write_json(out / "feature_extractor" / "preprocessor_config.json", {
        "crop_size": 224, "do_center_crop": True, "do_convert_rgb": True, "do_normalize": True, "do_resize": True,
        "feature_extractor_type": "CLIPFeatureExtractor", "image_mean": [0.48145466, 0.4578275, 0.40821073],
        "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "size": 224,
    })
    write_tokenizer(out / "tokenizer", vocab, merges, with_json=True)
    save_onnx(text_encoder_graph(seed + 1, vocab, "script"), out / "text_encoder" / "model.onnx")
    save_onnx(unet_graph(seed + 2, "script", 4, "int64"), out / "unet" / "model.onnx", external="weights.pb")
    save_onnx(vae_encoder_graph(seed + 3, "script"), out / "vae_encoder" / "model.onnx")
    save_onnx(vae_decoder_graph(seed + 4, "script"), out / "vae_decoder" / "model.onnx")
    write_json(out / "vae_decoder" / "config.json", vae_config("0.6.0", 0.18215))
    save_onnx(safety_checker_graph(seed + 5), out / "safety_checker" / "model.onnx")
    (out / "README.md").write_text(readme(
        "sd15-tiny", "license: creativeml-openrail-m",
        "Replica of runwayml/stable-diffusion-v1-5 at revision `onnx` (diffusers "
        "`convert_stable_diffusion_checkpoint_to_onnx.py`, diffusers 0.6: `timestep` int64)."))


def build_inpaint(out: Path, seed: int, vocab, merges) -> None:
    """SD 1.5 inpainting, diffusers script >= 0.8 (float32 timestep), 9-channel UNet, DDIM."""
    write_json(out / "model_index.json", {
        "_class_name": "OnnxStableDiffusionInpaintPipeline", "_diffusers_version": "0.8.0",
        "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
        "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ONNX_MODEL,
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ONNX_MODEL, "vae_decoder": ONNX_MODEL,
        "vae_encoder": ONNX_MODEL,
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "DDIMScheduler", "_diffusers_version": "0.6.0.dev0", **SD_BETAS, "clip_sample": False,
        "set_alpha_to_one": False, "steps_offset": 1, "trained_betas": None,
    })
    write_tokenizer(out / "tokenizer", vocab, merges, with_json=False)
    save_onnx(text_encoder_graph(seed + 1, vocab, "script"), out / "text_encoder" / "model.onnx")
    save_onnx(unet_graph(seed + 2, "script", 9, "float32"), out / "unet" / "model.onnx", external="weights.pb")
    save_onnx(vae_encoder_graph(seed + 3, "script"), out / "vae_encoder" / "model.onnx")
    save_onnx(vae_decoder_graph(seed + 4, "script"), out / "vae_decoder" / "model.onnx")
    (out / "README.md").write_text(readme(
        "sd15-inpaint-tiny", "license: creativeml-openrail-m",
        "Replica of an SD 1.5 inpainting export in the diffusers-script layout (diffusers >= 0.8: "
        "`timestep` float32; UNet `sample` has 9 channels = latents 4 + mask 1 + masked-image latents 4)."))


def build_inpaint_legacy(out: Path, seed: int, vocab, merges) -> None:
    """runwayml/stable-diffusion-inpainting @ onnx (2022-10-19, diffusers 0.6.0.dev0): the 9-channel
    UNet under `_class_name` OnnxStableDiffusionPipeline (not ...InpaintPipeline), a PNDM config
    without set_alpha_to_one, int64 timestep, safety checker. The graph declares the UNet's
    channel axis symbolic, so nothing but the UNet's weights says "9 channels"."""
    write_json(out / "model_index.json", {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.6.0.dev0",
        "feature_extractor": ["transformers", "CLIPFeatureExtractor"], "safety_checker": ONNX_MODEL,
        "scheduler": ["diffusers", "PNDMScheduler"], "text_encoder": ONNX_MODEL,
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ONNX_MODEL, "vae_decoder": ONNX_MODEL,
        "vae_encoder": ONNX_MODEL,
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0.dev0", **SD_BETAS, "skip_prk_steps": True,
        "steps_offset": 1,
    })
    write_json(out / "feature_extractor" / "preprocessor_config.json", {
        "crop_size": 224, "do_center_crop": True, "do_convert_rgb": True, "do_normalize": True, "do_resize": True,
        "feature_extractor_type": "CLIPFeatureExtractor", "image_mean": [0.48145466, 0.4578275, 0.40821073],
        "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "size": 224,
    })
    write_tokenizer(out / "tokenizer", vocab, merges, with_json=False)
    save_onnx(text_encoder_graph(seed + 1, vocab, "script"), out / "text_encoder" / "model.onnx")
    save_onnx(unet_graph(seed + 2, "script", 9, "int64"), out / "unet" / "model.onnx", external="weights.pb")
    save_onnx(vae_encoder_graph(seed + 3, "script"), out / "vae_encoder" / "model.onnx")
    save_onnx(vae_decoder_graph(seed + 4, "script"), out / "vae_decoder" / "model.onnx")
    save_onnx(safety_checker_graph(seed + 5), out / "safety_checker" / "model.onnx")
    (out / "README.md").write_text(readme(
        "sd15-inpaint-legacy-tiny", "license: creativeml-openrail-m",
        "Replica of runwayml/stable-diffusion-inpainting at revision `onnx` (diffusers 0.6.0.dev0): a "
        "9-channel inpainting UNet although model_index.json says OnnxStableDiffusionPipeline."))


def build_x4(out: Path, seed: int, vocab, merges) -> None:
    """SD x4 upscaler as OnnxStableDiffusionUpscalePipeline / onnx-web write it."""
    write_json(out / "model_index.json", {
        "_class_name": "OnnxStableDiffusionUpscalePipeline", "_diffusers_version": "0.15.0",
        "feature_extractor": [None, None], "low_res_scheduler": ["diffusers", "DDPMScheduler"],
        "max_noise_level": 350, "num_latent_channels": 4, "num_unet_input_channels": 7,
        "safety_checker": [None, None], "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ONNX_MODEL,
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ONNX_MODEL, "vae": ONNX_MODEL,
    })
    x4_betas = {"beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear", "num_train_timesteps": 1000}
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "DDIMScheduler", "_diffusers_version": "0.15.0", **x4_betas, "clip_sample": False,
        "prediction_type": "v_prediction", "set_alpha_to_one": False, "steps_offset": 1, "trained_betas": None,
    })
    write_json(out / "low_res_scheduler" / "scheduler_config.json", {
        "_class_name": "DDPMScheduler", "_diffusers_version": "0.15.0", **x4_betas, "clip_sample": True,
        "prediction_type": "epsilon", "trained_betas": None, "variance_type": "fixed_small",
    })
    write_tokenizer(out / "tokenizer", vocab, merges, with_json=False)
    save_onnx(text_encoder_graph(seed + 1, vocab, "script"), out / "text_encoder" / "model.onnx")
    save_onnx(unet_graph(seed + 2, "script", 7, "float32", extra="class_labels"), out / "unet" / "model.onnx",
              external="weights.pb")
    save_onnx(vae_decoder_graph(seed + 4, "script", ups=2), out / "vae" / "model.onnx")
    write_json(out / "vae" / "config.json", vae_config("0.15.0", 0.08333, ups=2))
    (out / "README.md").write_text(readme(
        "sd-x4-upscaler-tiny", "license: openrail++",
        "Replica of the stabilityai/stable-diffusion-x4-upscaler ONNX export (onnx-web / diffusers "
        "OnnxStableDiffusionUpscalePipeline): UNet `sample` 7 channels (latents 4 + noised low-res image 3), "
        "`class_labels` int64 noise level, decoder-only `vae/` with a 4x upsampling."))


def build_lcm(out: Path, seed: int, vocab, merges) -> None:
    """LCM (SimianLuo/LCM_Dreamshaper_v7 style) exported by optimum >= 1.24: scalar float timestep,
    int64 input_ids, timestep_cond [batch, 256], unet/model.onnx_data, config.json per folder."""
    write_json(out / "model_index.json", {
        "_class_name": "LatentConsistencyModelPipeline", "_diffusers_version": "0.31.0",
        "_name_or_path": "diffusion-studio/lcm-tiny", "feature_extractor": ["transformers", "CLIPImageProcessor"],
        "image_encoder": [None, None], "requires_safety_checker": True,
        "safety_checker": ["stable_diffusion", "StableDiffusionSafetyChecker"],
        "scheduler": ["diffusers", "LCMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "LCMScheduler", "_diffusers_version": "0.31.0", **SD_BETAS, "clip_sample": False,
        "clip_sample_range": 1.0, "dynamic_thresholding_ratio": 0.995, "original_inference_steps": 50,
        "prediction_type": "epsilon", "rescale_betas_zero_snr": False, "sample_max_value": 1.0,
        "set_alpha_to_one": True, "steps_offset": 0, "thresholding": False, "timestep_scaling": 10.0,
        "timestep_spacing": "leading", "trained_betas": None,
    })
    write_tokenizer(out / "tokenizer", vocab, merges, with_json=False)
    save_onnx(text_encoder_graph(seed + 1, vocab, "optimum"), out / "text_encoder" / "model.onnx")
    write_json(out / "text_encoder" / "config.json", text_config(len(vocab)))
    save_onnx(unet_graph(seed + 2, "optimum", 4, "float32", extra="timestep_cond"), out / "unet" / "model.onnx",
              external="model.onnx_data", size_threshold=100, convert_attribute=True)
    write_json(out / "unet" / "config.json", unet_config("0.31.0", time_cond_proj_dim=LCM_COND_DIM))
    save_onnx(vae_encoder_graph(seed + 3, "optimum"), out / "vae_encoder" / "model.onnx")
    write_json(out / "vae_encoder" / "config.json", vae_config("0.31.0", 0.18215))
    save_onnx(vae_decoder_graph(seed + 4, "optimum"), out / "vae_decoder" / "model.onnx")
    write_json(out / "vae_decoder" / "config.json", vae_config("0.31.0", 0.18215))
    (out / "README.md").write_text(readme(
        "lcm-tiny", "license: mit",
        "Replica of a Latent Consistency Model (LCM_Dreamshaper_v7 style) exported with optimum "
        "(`optimum-cli export onnx`, >= 1.24: scalar float32 `timestep`, int64 `input_ids`) with the "
        "extra UNet input `timestep_cond` [batch, 256] (guidance-scale embedding)."))


def build_turbo(out: Path, seed: int, vocab, merges, fp16: bool) -> None:
    """SD-Turbo as schmuell/sd-turbo-ort-web (optimum < 1.20 names): text_encoder, unet, vae_decoder;
    timestep int64 [steps]; no safety checker; the fp16 variant has float16 float I/O everywhere."""
    write_json(out / "model_index.json", {
        "_class_name": "StableDiffusionPipeline", "_diffusers_version": "0.24.0.dev0",
        "feature_extractor": [None, None], "image_encoder": [None, None], "requires_safety_checker": False,
        "safety_checker": [None, None], "scheduler": ["diffusers", "EulerDiscreteScheduler"],
        "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"],
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.24.0.dev0", **SD_BETAS,
        "interpolation_type": "linear", "prediction_type": "epsilon", "sigma_max": None, "sigma_min": None,
        "steps_offset": 1, "timestep_spacing": "trailing", "timestep_type": "discrete", "trained_betas": None,
        "use_karras_sigmas": False,
    })
    write_tokenizer(out / "tokenizer", vocab, merges, with_json=True)
    text = text_encoder_graph(seed + 1, vocab, "optimum-old")
    unet = unet_graph(seed + 2, "optimum-old", 4, "int64")
    vae = vae_decoder_graph(seed + 4, "optimum-old")
    if fp16:
        text, unet, vae = convert_fp16(text), convert_fp16(unet), convert_fp16(vae)
    save_onnx(text, out / "text_encoder" / "model.onnx")
    if fp16:  # under 2 GB in the real fp16 export: one file
        save_onnx(unet, out / "unet" / "model.onnx")
    else:  # over 2 GB in fp32: optimum moves the tensors to model.onnx_data
        save_onnx(unet, out / "unet" / "model.onnx", external="model.onnx_data", size_threshold=100,
                  convert_attribute=True)
    save_onnx(vae, out / "vae_decoder" / "model.onnx")
    licence = "license: other\nlicense_name: sai-nc-community\nlicense_link: LICENSE.md"
    (out / "README.md").write_text(readme(
        out.name, licence,
        "Replica of SD-Turbo as exported for onnxruntime (schmuell/sd-turbo-ort-web): `text_encoder`, `unet`, "
        "`vae_decoder` only, `timestep` int64 [steps], 1-step sampling at t = 999 with guidance 0, "
        "scheduler `timestep_spacing` trailing" + (", float16 inputs and outputs (`--fp16`-style export)." if fp16
                                                   else ".")))


def pixel_unet_graph(seed: int, channels: int, timestep: str, fixed: int | None = None, fourier: bool = False,
                     classes: int = 0) -> onnx.ModelProto:
    """A UNet2DModel export as torch.onnx writes it with the diffusers-script names: `sample`
    [batch, C, height, width] (or a fixed size), `timestep` [batch] int64 or float32 (sigma for VE
    models), optional `class_labels` int64 [batch] -> `out_sample`."""
    module = seeded(lambda: TinyPixelUNet(channels, fourier=fourier, classes=classes), seed)
    size = fixed or 8
    sample = torch.randn(2, channels, size, size)
    t = torch.tensor([0.5, 1.0]) if timestep == "float32" else torch.tensor([0, 1], dtype=torch.int64)
    args: tuple = (sample, t)
    names = ["sample", "timestep"]
    axes: dict[str, dict[int, str]] = {"sample": {0: "batch"} if fixed else {0: "batch", 2: "height", 3: "width"},
                                       "timestep": {0: "batch"}, "out_sample": {0: "batch"}}
    if classes:
        args += (torch.tensor([1, 2], dtype=torch.int64),)
        names.append("class_labels")
        axes["class_labels"] = {0: "batch"}
    return to_onnx(module, args, names, ["out_sample"], axes)


def pixel_unet_config(version: str, channels: int, size: int, **extra) -> dict:
    return {
        "_class_name": "UNet2DModel", "_diffusers_version": version, "act_fn": "silu", "attention_head_dim": None,
        "block_out_channels": [CHANNELS, CHANNELS], "center_input_sample": False,
        "down_block_types": ["DownBlock2D", "DownBlock2D"], "downsample_padding": 1, "flip_sin_to_cos": True,
        "freq_shift": 0, "in_channels": channels, "layers_per_block": 1, "mid_block_scale_factor": 1,
        "norm_eps": 1e-05, "norm_num_groups": 8, "out_channels": channels, "sample_size": size,
        "time_embedding_type": "positional", "up_block_types": ["UpBlock2D", "UpBlock2D"], **extra,
    }


DDPM_BETAS = {"beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear", "num_train_timesteps": 1000}


def build_ddpm(out: Path, seed: int) -> None:
    """google/ddpm-cifar10-32 as a DDPMPipeline folder with the UNet exported to ONNX: model_index.json,
    scheduler/ (DDPMScheduler), unet/{config.json, model.onnx}; no VAE, no text encoder."""
    write_json(out / "model_index.json", {
        "_class_name": "DDPMPipeline", "_diffusers_version": "0.21.0",
        "scheduler": ["diffusers", "DDPMScheduler"], "unet": ["diffusers", "UNet2DModel"],
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "DDPMScheduler", "_diffusers_version": "0.21.0", **DDPM_BETAS, "clip_sample": True,
        "prediction_type": "epsilon", "trained_betas": None, "variance_type": "fixed_large",
    })
    write_json(out / "unet" / "config.json", pixel_unet_config("0.21.0", 3, 16))
    save_onnx(pixel_unet_graph(seed, 3, "int64"), out / "unet" / "model.onnx")
    (out / "README.md").write_text(readme(
        "ddpm-tiny", "license: apache-2.0",
        "Replica of google/ddpm-cifar10-32 (DDPMPipeline: an unconditional pixel-space UNet2DModel, "
        "DDPMScheduler linear 0.0001-0.02) with its UNet exported to ONNX (`sample` [batch, 3, height, "
        "width], `timestep` int64 [batch] -> `out_sample`). No VAE: the model works on pixels."))


def build_ddim(out: Path, seed: int) -> None:
    """A class-conditional pixel UNet2DModel (num_class_embeds, id2label in model_index.json as DiT
    writes it) under DDIMPipeline, exported at a fixed 16x16 with a float32 timestep, 1 channel."""
    labels = ["zero", "one", "two", "three"]
    write_json(out / "model_index.json", {
        "_class_name": "DDIMPipeline", "_diffusers_version": "0.21.0",
        "id2label": {str(i): name for i, name in enumerate(labels)},
        "scheduler": ["diffusers", "DDIMScheduler"], "unet": ["diffusers", "UNet2DModel"],
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "DDIMScheduler", "_diffusers_version": "0.21.0", **DDPM_BETAS, "clip_sample": True,
        "prediction_type": "epsilon", "set_alpha_to_one": True, "steps_offset": 0, "trained_betas": None,
    })
    write_json(out / "unet" / "config.json",
               pixel_unet_config("0.21.0", 1, 16, class_embed_type=None, num_class_embeds=len(labels) + 1))
    save_onnx(pixel_unet_graph(seed, 1, "float32", fixed=16, classes=len(labels) + 1), out / "unet" / "model.onnx")
    (out / "README.md").write_text(readme(
        "ddim-class-tiny", "license: mit",
        "A class-conditional grayscale pixel-space UNet2DModel under DDIMPipeline (labels in "
        "model_index.json `id2label`, `num_class_embeds` = 4 classes + 1 unconditional), exported at a fixed "
        "16x16 with `timestep` float32 [batch] and `class_labels` int64 [batch]."))


def build_score_sde_ve(out: Path, seed: int) -> None:
    """google/ncsnpp-celebahq-256 as a ScoreSdeVePipeline folder: ScoreSdeVeScheduler (sigma 0.01-348),
    a UNet2DModel with Fourier time embedding fed sigma, whose output is the score (divided by sigma)."""
    write_json(out / "model_index.json", {
        "_class_name": "ScoreSdeVePipeline", "_diffusers_version": "0.21.0",
        "scheduler": ["diffusers", "ScoreSdeVeScheduler"], "unet": ["diffusers", "UNet2DModel"],
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "ScoreSdeVeScheduler", "_diffusers_version": "0.21.0", "correct_steps": 1,
        "num_train_timesteps": 2000, "sampling_eps": 1e-05, "sigma_max": 348.0, "sigma_min": 0.01, "snr": 0.15,
    })
    write_json(out / "unet" / "config.json",
               pixel_unet_config("0.21.0", 3, 16, time_embedding_type="fourier", fourier_scale=16))
    save_onnx(pixel_unet_graph(seed, 3, "float32", fourier=True), out / "unet" / "model.onnx")
    (out / "README.md").write_text(readme(
        "score-sde-ve-tiny", "license: apache-2.0",
        "Replica of google/ncsnpp-celebahq-256 (ScoreSdeVePipeline: NCSN++ UNet2DModel with a Fourier time "
        "embedding of sigma, whose output is the score; ScoreSdeVeScheduler sigma 0.01-348) with its UNet "
        "exported to ONNX (`timestep` float32 [batch] = sigma). No VAE."))


def build_score_sde_vp(out: Path, seed: int) -> None:
    """A score-SDE VP model as diffusers' ScoreSdeVpPipeline ran it: ScoreSdeVpScheduler (beta 0.1-20),
    the UNet fed t * 999 and read as noise (score = -output / std)."""
    write_json(out / "model_index.json", {
        "_class_name": "ScoreSdeVpPipeline", "_diffusers_version": "0.2.4",
        "scheduler": ["diffusers", "ScoreSdeVpScheduler"], "unet": ["diffusers", "UNet2DModel"],
    })
    write_json(out / "scheduler" / "scheduler_config.json", {
        "_class_name": "ScoreSdeVpScheduler", "_diffusers_version": "0.2.4", "beta_max": 20, "beta_min": 0.1,
        "num_train_timesteps": 2000, "sampling_eps": 0.001,
    })
    write_json(out / "unet" / "config.json", pixel_unet_config("0.2.4", 3, 16))
    save_onnx(pixel_unet_graph(seed, 3, "float32"), out / "unet" / "model.onnx")
    (out / "README.md").write_text(readme(
        "score-sde-vp-tiny", "license: apache-2.0",
        "A score-SDE VP (DDPM++ style) pixel UNet2DModel under ScoreSdeVpPipeline / ScoreSdeVpScheduler "
        "(beta_min 0.1, beta_max 20), exported to ONNX with `timestep` float32 [batch] = t * 999. No VAE."))


REPLICAS = {
    "sd15-tiny": lambda out, v, m: build_sd15(out, SEED + 100, v, m),
    "sd15-inpaint-tiny": lambda out, v, m: build_inpaint(out, SEED + 200, v, m),
    "sd15-inpaint-legacy-tiny": lambda out, v, m: build_inpaint_legacy(out, SEED + 600, v, m),
    "sd-x4-upscaler-tiny": lambda out, v, m: build_x4(out, SEED + 300, v, m),
    "lcm-tiny": lambda out, v, m: build_lcm(out, SEED + 400, v, m),
    "sd-turbo-tiny": lambda out, v, m: build_turbo(out, SEED + 500, v, m, fp16=False),
    "sd-turbo-tiny-fp16": lambda out, v, m: build_turbo(out, SEED + 500, v, m, fp16=True),
    "ddpm-tiny": lambda out, v, m: build_ddpm(out, SEED + 700),
    "ddim-class-tiny": lambda out, v, m: build_ddim(out, SEED + 800),
    "score-sde-ve-tiny": lambda out, v, m: build_score_sde_ve(out, SEED + 900),
    "score-sde-vp-tiny": lambda out, v, m: build_score_sde_vp(out, SEED + 1000),
}

SAMPLE_PROMPTS = ["a photo of a cat", "A Photo of a CAT!", "an astronaut riding a horse on the moon, 4k", ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", nargs="*", choices=sorted(REPLICAS), help="build only these replicas")
    parser.add_argument("--check-clip", type=Path, help="folder with the real CLIP vocab.json and merges.txt")
    args = parser.parse_args()
    torch.set_num_threads(1)

    merges = train_bpe(CORPUS, MAX_MERGES)
    vocab = build_vocab(merges)
    bpe = ClipBPE(vocab, merges)
    print(f"tokenizer: {len(vocab)} tokens ({len(merges)} merges), bos {vocab[BOS]}, eos {vocab[EOS]}")
    for prompt in SAMPLE_PROMPTS:
        print(f"  {prompt!r}: {bpe.encode(prompt, pad=False)} {bpe.tokenize(prompt)}")
    if args.check_clip:
        real_vocab = json.loads((args.check_clip / "vocab.json").read_text(encoding="utf-8"))
        lines = (args.check_clip / "merges.txt").read_text(encoding="utf-8").strip().split("\n")[1: 49152 - 256 - 2 + 1]
        real = ClipBPE(real_vocab, [tuple(line.split()) for line in lines])
        print(f"real CLIP tokenizer ({len(real_vocab)} tokens):")
        for prompt in SAMPLE_PROMPTS:
            print(f"  {prompt!r}: {real.encode(prompt, pad=False)}")

    for name in args.only or REPLICAS:
        out = args.out / name
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        REPLICAS[name](out, vocab, merges)
        files = sorted(p for p in out.rglob("*") if p.is_file())
        total = sum(p.stat().st_size for p in files)
        print(f"{name}: {len(files)} files, {total / 1024:.0f} KiB")
        assert total < 2 * 1024 * 1024, f"{name} is over 2 MB"


if __name__ == "__main__":
    main()
