"""Export qm9-mini-edm (EMA weights) to ONNX plus training.json and parity.json.

model.onnx (opset 17, B and N dynamic): xh f32 [B,N,W], t f32 [B,1], node_mask f32 [B,N,1]
-> out f32 [B,N,W] (epsilon; x part mean-removed over the real atoms). W = 13 for the shipped
heavy-atom model (--hydrogens counts: x, one-hot C N O F, one-hot H count 0..4, Z/10);
W = 9 for an explicit-H model, the contract of native-models/export/edm_qm9.py (the public
EDM QM9 checkpoint).

Usage: /usr/bin/python3 export_edm.py [--run-dir ../runs/qm9mini-edm] [--metrics m1.json ...]
"""
import argparse
import json
import platform
from pathlib import Path

import torch

import data as D
from egnn_edm import EDMDynamics
from onnx_util import edm_parity, export_edm, write_json

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "starter" / "qm9-mini-edm"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "qm9mini-edm")
    ap.add_argument("--metrics", type=Path, nargs="*", default=[])
    ap.add_argument("--latency", type=Path, default=None)
    ap.add_argument("--recommended", default="{}")
    args = ap.parse_args()
    ck = torch.load(args.run_dir / "ckpt.pt")
    summary = json.loads((args.run_dir / "summary.json").read_text())
    model = EDMDynamics(**ck["config"])
    model.load_state_dict(ck["ema"])
    model.eval()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "model.onnx"
    export_edm(model, path)
    counts = ck.get("hydrogens", "explicit") == "counts"
    width = 3 + model.in_node_nf
    write_json(OUT / "parity.json", edm_parity(model, path.name, n=(9, 5) if counts else (19, 11)), compact=True)
    d = D.load()
    hist = D.heavy_atom_histogram(d, "train") if counts else D.atom_count_histogram(d, "train")
    ds = json.loads((HERE.parent / "data" / "molecules" / "dataset_summary.json").read_text())
    training = {
        "model": "qm9-mini-edm",
        "task": "unconditional 3D molecule generation, EDM formulation: "
                + ("heavy atoms + coordinates + a hydrogen count per heavy atom (the studio places the H)"
                   if counts else "atoms + coordinates, explicit H"),
        "hydrogen_counts": D.MAX_H if counts else 0,
        "architecture": "EGNN_dynamics_QM9 as in EDM (Hoogeboom et al. 2022): linear embedding of [h, t] -> nf, "
                        "n_layers EquivariantBlocks of inv_sublayers GCL (edge MLP on [h_i, h_j, |x_i-x_j|^2, "
                        "|x_i-x_j|^2 at input], sigmoid attention, sum aggregation / normalization_factor, "
                        "residual node MLP) + EquivariantUpdate (x_i += sum_j (x_i-x_j)/(|x_i-x_j|+norm_constant) "
                        "* tanh(MLP) * coords_range); linear output, time feature sliced off; velocity x_out - x_in "
                        "mean-removed. Parameter names = EDM's; dense [B,N,N] edges, mask built in the graph.",
        "config": ck["config"], "parameters": summary["parameters"],
        "parameterization": "epsilon",
        "schedule": {"type": "polynomial_2", "power": 2.0, "T": 1000, "precision": 1e-5,
                     "formula": "a2(x) = (1 - (x/(T+1))^2)^2 for x = linspace(0, T+1, T+1); "
                                "alphas2 = cumprod(clip(a2[i]/a2[i-1], 0.001, 1)) with a2[-1] = 1; "
                                "alphas2 <- (1 - 2e-5) alphas2 + 1e-5; gamma = -(log alphas2 - log(1 - alphas2)); "
                                "gamma(t) = gamma[round(t T)]; alpha_t = sqrt(sigmoid(-gamma)), "
                                "sigma_t = sqrt(sigmoid(gamma))"},
        "normalisation": {"norm_values": [1, 4, 10], "norm_biases": [None, 0.0, 0.0],
                          "features": "xh = [x (Angstrom, centred over the heavy atoms) / 1, one-hot(C,N,O,F) / 4, "
                                      "one-hot(hydrogen count 0..4) / 4, atomic number / 10]" if counts else
                                      "xh = [x (Angstrom, centred over real atoms) / 1, one-hot(H,C,N,O,F) / 4, "
                                      "atomic number / 10]"},
        "noise": "x part of the noise has zero mean over the real atoms; h part standard normal; padding rows zero",
        "atom_decoder": ["C", "N", "O", "F"] if counts else ["H", "C", "N", "O", "F"],
        "max_atoms": 9 if counts else 29,
        "atom_count_histogram": hist,
        "atom_count_histogram_note": "number of training molecules (not conformers) per "
                                     + ("heavy-atom count" if counts else "atom count including H"),
        "sampler": "EDM ancestral sampler (sample_edm.py), atom counts drawn from atom_count_histogram; "
                   "decode: argmax of the element one-hot"
                   + (" and of the hydrogen-count one-hot" if counts else ", round(10 * charge part)"),
        "recommended_sampler": json.loads(args.recommended),
        "onnx": {"file": path.name, "opset": 17, "bytes": path.stat().st_size,
                 "inputs": [{"name": "xh", "dtype": "float32", "shape": ["batch", "atoms", width]},
                            {"name": "t", "dtype": "float32", "shape": ["batch", 1]},
                            {"name": "node_mask", "dtype": "float32", "shape": ["batch", "atoms", 1]}],
                 "outputs": [{"name": "out", "dtype": "float32", "shape": ["batch", "atoms", width]}]},
        "data": ds,
        "training": {k: summary[k] for k in ("iterations", "batch_size", "lr", "lr_final", "warmup", "seed", "threads",
                                             "wall_seconds", "cpu_seconds", "final_loss", "final_loss_window",
                                             "ema_decay", "train_conformers", "train_molecules")},
        "loss": f"l2: sum over real atoms and the {width} channels of (eps - eps_hat)^2 / ({width} N), "
                "t_int ~ U{0..1000}",
        "optimizer": "AdamW (amsgrad, weight decay 1e-12), cosine decay to lr_final x lr after linear warm-up, "
                     "grad-norm clip 1.0; EMA weights exported",
        "hardware": f"CPU ({platform.machine()}), {summary['threads']} threads, nice 15, one 2-core VM shared "
                    "with other jobs",
        "torch": summary["torch"],
        "metrics": [json.loads(p.read_text()) for p in args.metrics],
        "ort_latency": [json.loads(l) for l in args.latency.read_text().splitlines() if l.strip()]
        if args.latency else [],
    }
    write_json(OUT / "training.json", training)
    print(f"wrote {path} ({path.stat().st_size} bytes), parity.json, training.json")


if __name__ == "__main__":
    main()
