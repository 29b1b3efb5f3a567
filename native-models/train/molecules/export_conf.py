"""Export qm9-mini-conf (EMA weights) to ONNX plus training.json and parity.json.

model.onnx (opset 17, B and N dynamic): pos f32 [B,N,3] (= c_in x, Angstrom, centred),
timestep f32 [B] (= ln(sigma)/4), atoms f32 [B,N,6], edges f32 [B,N,N,7],
node_mask f32 [B,N,1] -> out f32 [B,N,3] (= F, mean-removed over the real atoms).

Usage: /usr/bin/python3 export_conf.py [--run-dir ../runs/qm9mini-conf] [--metrics m.json ...]
"""
import argparse
import json
import platform
from pathlib import Path

import numpy as np
import torch

import data as D
from conf_model import ConfDenoiser
from onnx_util import export, r6, write_json
from train_conf import atom_features

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "starter" / "qm9-mini-conf"
NAMES = ["pos", "timestep", "atoms", "edges", "node_mask"]


def fixture_inputs(seed: int = 1234, heavy: bool = False):
    """Two molecules from the held-out split (padded to the larger one), random positions; heavy: their
    heavy-atom graphs (cis / trans from their first conformer)."""
    d = D.load()
    ho = [m for m in d["mols"] if m["split"] == "heldout"]
    ms = [ho[0], ho[1]]
    feats = []
    for m in ms:
        if heavy:
            el, nh, bonds, idx = D.heavy_graph(m)
            q = m["pos"][0][idx]
            feats.append(D.heavy_conformer_features(el, nh, bonds, q - q.mean(0)))
        else:
            feats.append((atom_features(m["types"]).numpy(), D.edge_features(len(m["types"]), m["kbonds"])))
    N = max(len(a) for a, _ in feats)
    A, C = feats[0][0].shape[1], feats[0][1].shape[2]
    B = len(ms)
    g = torch.Generator().manual_seed(seed)
    pos = torch.zeros(B, N, 3)
    atoms = torch.zeros(B, N, A)
    edges = torch.zeros(B, N, N, C)
    mask = torch.zeros(B, N, 1)
    for b, (a, e) in enumerate(feats):
        n = len(a)
        p = torch.randn(n, 3, generator=g)
        pos[b, :n] = p - p.mean(0)
        atoms[b, :n] = torch.from_numpy(np.asarray(a))
        edges[b, :n, :n] = torch.from_numpy(np.asarray(e))
        mask[b, :n] = 1
    pos = torch.tensor(r6(pos)).view(B, N, 3)
    timestep = torch.tensor(r6(torch.log(torch.tensor([2.0, 0.05])) / 4))
    return (pos, timestep, atoms, edges, mask), [m["smiles"] for m in ms]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "qm9mini-conf")
    ap.add_argument("--metrics", type=Path, nargs="*", default=[])
    ap.add_argument("--latency", type=Path, default=None)
    ap.add_argument("--recommended", default="{}")
    args = ap.parse_args()
    ck = torch.load(args.run_dir / "ckpt.pt")
    summary = json.loads((args.run_dir / "summary.json").read_text())
    model = ConfDenoiser(**ck["config"])
    model.load_state_dict(ck["ema"])
    model.eval()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "model.onnx"
    heavy = ck.get("atoms") == "heavy"
    inputs, smiles = fixture_inputs(heavy=heavy)
    A, C = inputs[2].shape[2], inputs[3].shape[3]
    dyn = {"pos": {0: "batch", 1: "atoms"}, "timestep": {0: "batch"}, "atoms": {0: "batch", 1: "atoms"},
           "edges": {0: "batch", 1: "atoms", 2: "atoms"}, "node_mask": {0: "batch", 1: "atoms"},
           "out": {0: "batch", 1: "atoms"}}
    export(model, inputs, NAMES, "out", dyn, path)
    with torch.no_grad():
        out = model(*inputs)
    parity = {"model": path.name, "seed": 1234, "tolerance": 1e-4, "molecules": smiles,
              "inputs": [{"name": n, "dtype": "float32", "shape": list(t.shape), "data": r6(t)}
                         for n, t in zip(NAMES, inputs)],
              "outputs": [{"name": "out", "shape": list(out.shape), "data": r6(out)}]}
    write_json(OUT / "parity.json", parity, compact=True)
    ds = json.loads((HERE.parent / "data" / "molecules" / "dataset_summary.json").read_text())
    cfg = ck["config"]
    training = {
        "model": "qm9-mini-conf",
        "task": "conformer generation for a given molecular graph: "
                + ("heavy atoms with hydrogen counts (the studio places the H)" if heavy else "explicit H"),
        "atoms": "heavy" if heavy else "explicit",
        "hydrogen_counts": D.MAX_H if heavy else 0,
        "cis_trans": heavy, "path_lengths": D.PATH_CLASSES if heavy else 4,
        "atom_decoder": ["C", "N", "O", "F"] if heavy else ["H", "C", "N", "O", "F"],
        "max_atoms": 9 if heavy else 29,
        "architecture": (f"EGNN over all atom pairs: embedding Linear({A} -> {cfg['nf']}) + time embedding; "
                         f"{cfg['layers']} layers of [edge MLP on (h_i, h_j, {cfg['rbf']} Gaussian RBFs of "
                         f"|x_i - x_j| on 0..{cfg['rbf_max']}, {C} edge features) with sigmoid gate, sum/10 "
                         f"aggregation, residual node MLP, FiLM by the time embedding, coordinate update "
                         f"x_i += sum_j (x_i-x_j)/(|x_i-x_j|+1) MLP(m_ij) / 10]; out = x_L - x_0, mean-removed"),
        "config": cfg, "parameters": summary["parameters"],
        "preconditioning": {"type": "EDM (Karras et al. 2022)", "sigma_data": round(ck["sigma_data"], 6),
                            "sigma_data_note": "per-coordinate std (Angstrom) of the centred training coordinates",
                            "c_skip": "sigma_data^2 / (sigma^2 + sigma_data^2)",
                            "c_out": "sigma * sigma_data / sqrt(sigma^2 + sigma_data^2)",
                            "c_in": "1 / sqrt(sigma^2 + sigma_data^2)", "c_noise": "ln(sigma) / 4",
                            "denoised": "D = c_skip * x + c_out * out(pos = c_in * x, timestep = c_noise, ...)"},
        "schedule": {"type": "karras", "sigma_min": 0.002, "sigma_max": 20.0, "rho": 7.0,
                     "training_sigma": f"ln(sigma) ~ N({summary['p_mean']}, {summary['p_std']}^2)"},
        "noise": "zero mean over the real atoms (initial noise and any churn noise); keep iterates centred",
        "features": {
            "atoms": "[B,N,10]: one-hot (C, N, O, F), one-hot hydrogen count 0..4, formal charge (0 in all "
                     "training data)" if heavy else
                     "[B,N,6]: one-hot (H, C, N, O, F) in that order + formal charge (0 in all training data)",
            "edges_heavy": "[B,N,N,11]: [0:3] Kekule bond order one-hot; [3:9] shortest path 1..5, >=6 one-hot; "
                           "[9:11] cis, trans of the substituent pair (i, l) across a double bond j=k outside rings "
                           "of < 8 atoms (from the conformer in training; 20 % of training conformers shown "
                           "without them, for open E/Z)" if heavy else None,
            "edges": "[B,N,N,7] for i != j, both real atoms: [0:3] kekulised bond order one-hot (single, double, "
                     "triple; all 0 if not bonded); [3:7] shortest-path length in bonds one-hot (1, 2, 3, >=4 or "
                     "disconnected). Diagonal and padding rows/columns all 0. Hydrogens explicit; aromatic bonds "
                     "kekulised (RDKit Kekulize(clearAromaticFlags=True)).",
            "node_mask": "[B,N,1]: 1 for real atoms, 0 for padding; the edge mask m_i m_j (1 - delta_ij) is built "
                         "inside the graph"},
        "recommended_sampler": json.loads(args.recommended),
        "onnx": {"file": path.name, "opset": 17, "bytes": path.stat().st_size,
                 "inputs": [{"name": "pos", "dtype": "float32", "shape": ["batch", "atoms", 3]},
                            {"name": "timestep", "dtype": "float32", "shape": ["batch"]},
                            {"name": "atoms", "dtype": "float32", "shape": ["batch", "atoms", A]},
                            {"name": "edges", "dtype": "float32", "shape": ["batch", "atoms", "atoms", C]},
                            {"name": "node_mask", "dtype": "float32", "shape": ["batch", "atoms", 1]}],
                 "outputs": [{"name": "out", "dtype": "float32", "shape": ["batch", "atoms", 3]}]},
        "data": ds,
        "training": {k: summary[k] for k in ("iterations", "batch_size", "lr", "lr_final", "warmup", "seed", "threads",
                                             "wall_seconds", "cpu_seconds", "final_loss", "final_loss_window",
                                             "ema_decay", "train_conformers", "train_molecules")
                     if k in summary},
        "optimizer": "AdamW (weight decay 0), cosine decay to lr_final x lr after linear warm-up, grad-norm clip 1.0; "
                     "EMA weights exported",
        "hardware": f"CPU ({platform.machine()}), {summary['threads']} threads, nice 15, one 2-core VM shared "
                    "with other jobs",
        "torch": summary["torch"],
        "metrics": [json.loads(p.read_text()) for p in args.metrics],
        "ort_latency": [json.loads(l) for l in args.latency.read_text().splitlines() if l.strip()]
        if args.latency else [],
        "numpy": np.__version__,
    }
    write_json(OUT / "training.json", training)
    print(f"wrote {path} ({path.stat().st_size} bytes), parity.json, training.json")


if __name__ == "__main__":
    main()
