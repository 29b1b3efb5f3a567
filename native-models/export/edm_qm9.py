"""Bring your own checkpoint: export a public EDM (Hoogeboom et al. 2022,
github.com/ehoogeboom/e3_diffusion_for_molecules) QM9 checkpoint to ONNX with the same
contract as the qm9-mini-edm starter model.

    /usr/bin/python3 native-models/export/edm_qm9.py --checkpoint-dir PATH/outputs/edm_qm9 \
        --out-dir OUT [--edm-repo PATH] [--random-init]

Reads PATH/args.pickle (argparse.Namespace; unpickled with a loader that only admits
argparse.Namespace) and PATH/generative_model_ema.npy (a torch.save'd state dict of
EnVariationalDiffusion despite the .npy name; loaded with weights_only where torch has it),
keeps the "dynamics." part and loads it with strict=True into the dense EDMDynamics module
(native-models/train/molecules/egnn_edm.py; same parameter names as EDM's
EGNN_dynamics_QM9). The stored noise schedule (gamma.gamma) is checked against the
polynomial formula. --random-init skips the weights (to test the export path from
args.pickle alone). --edm-repo PATH (a checkout of the EDM repository) adds its QM9 atom-count
histogram (configs/datasets_config.py, imported, not copied) to training.json.

Writes OUT/model.onnx, OUT/training.json (config, schedule, normalisation, histogram),
OUT/parity.json (PyTorch output on a fixed padded input; check it with
native-models/train/molecules/check_parity.mjs OUT).

ONNX contract (opset 17, B and N dynamic, N <= 29 for QM9):
  xh f32 [B, N, 3 + 6]: positions / 1, one-hot (H, C, N, O, F) / 4, atomic number / 10; padding rows 0
  t f32 [B, 1]: s / T in [0, 1]
  node_mask f32 [B, N, 1]
  -> out f32 [B, N, 9]: epsilon for (x, h), x part mean-removed over the real atoms.
"""
import argparse
import io
import pickle
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "train" / "molecules"))
from egnn_edm import EDMDynamics, count_params, gamma_table  # noqa: E402
from onnx_util import edm_parity, export_edm, write_json  # noqa: E402


class _ArgsUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("argparse", "Namespace"):
            import argparse as _a
            return _a.Namespace
        raise pickle.UnpicklingError(f"args.pickle: refusing to load {module}.{name}")


def load_args(path: Path) -> dict:
    return vars(_ArgsUnpickler(io.BytesIO(path.read_bytes())).load())


def load_state(path: Path) -> dict:
    try:
        sd = torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # torch without weights_only
        sd = torch.load(path, map_location="cpu")
    if "state_dict" in sd and isinstance(sd["state_dict"], dict):
        sd = sd["state_dict"]
    return {k[len("module."):] if k.startswith("module.") else k: v for k, v in sd.items()}


def check_supported(a: dict) -> list:
    problems = []
    if a.get("model", "egnn_dynamics") != "egnn_dynamics":
        problems.append(f"model={a.get('model')} (only egnn_dynamics)")
    if a.get("probabilistic_model", "diffusion") != "diffusion":
        problems.append("probabilistic_model is not diffusion")
    if a.get("conditioning"):
        problems.append(f"conditioning={a['conditioning']} (only unconditional)")
    if not a.get("include_charges", True):
        problems.append("include_charges=False (contract has 6 features)")
    if a.get("remove_h", False):
        problems.append("remove_h=True (contract is QM9 with H)")
    if a.get("aggregation_method", "sum") != "sum":
        problems.append(f"aggregation_method={a.get('aggregation_method')} (only sum)")
    if not a.get("condition_time", True):
        problems.append("condition_time=False")
    if a.get("dataset", "qm9") not in ("qm9", "qm9_second_half", "qm9_first_half"):
        problems.append(f"dataset={a.get('dataset')} (QM9 atom types only)")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint-dir", type=Path, required=True)
    ap.add_argument("--out-dir", type=Path, required=True)
    ap.add_argument("--edm-repo", type=Path, default=None)
    ap.add_argument("--random-init", action="store_true")
    ap.add_argument("--weights", default="generative_model_ema.npy")
    args = ap.parse_args()

    a = load_args(args.checkpoint_dir / "args.pickle")
    problems = check_supported(a)
    if problems:
        sys.exit("unsupported checkpoint: " + "; ".join(problems))
    schedule = a["diffusion_noise_schedule"]
    if not schedule.startswith("polynomial_"):
        sys.exit(f"unsupported noise schedule {schedule} (polynomial_<power> only)")
    power, T, precision = float(schedule.split("_")[1]), int(a["diffusion_steps"]), float(a["diffusion_noise_precision"])
    cfg = dict(in_node_nf=6, nf=int(a["nf"]), n_layers=int(a["n_layers"]), inv_sublayers=int(a["inv_sublayers"]),
               attention=bool(a["attention"]), tanh=bool(a["tanh"]), coords_range=15.0,
               norm_constant=float(a["norm_constant"]), sin_embedding=bool(a["sin_embedding"]),
               normalization_factor=float(a["normalization_factor"]))
    model = EDMDynamics(**cfg)
    gamma_check = None
    if not args.random_init:
        sd = load_state(args.checkpoint_dir / args.weights)
        dyn = {k[len("dynamics."):]: v for k, v in sd.items() if k.startswith("dynamics.")}
        model.load_state_dict(dyn, strict=True)
        if "gamma.gamma" in sd:
            ours = gamma_table(T, power, precision)
            gamma_check = float((sd["gamma.gamma"].float() - ours).abs().max())
            if gamma_check > 1e-3:
                sys.exit(f"stored gamma table differs from polynomial_{power:g} by {gamma_check}")
    model.eval()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out_dir / "model.onnx"
    export_edm(model, onnx_path)
    write_json(args.out_dir / "parity.json", edm_parity(model, onnx_path.name), compact=True)

    hist = None
    if args.edm_repo is not None:
        sys.path.insert(0, str(args.edm_repo.resolve()))
        from configs.datasets_config import get_dataset_info  # noqa: E402  (EDM's own file, imported)
        info = get_dataset_info(a.get("dataset", "qm9"), a.get("remove_h", False))
        hist = {int(k): int(v) for k, v in sorted(info["n_nodes"].items())}
    norm = list(a.get("normalize_factors", [1, 4, 10]))
    training = {
        "model": "EDM QM9 (Hoogeboom et al. 2022), exported by native-models/export/edm_qm9.py",
        "source": str(args.checkpoint_dir), "weights": None if args.random_init else args.weights,
        "random_init": args.random_init, "exp_name": a.get("exp_name"),
        "architecture": "EGNN_dynamics_QM9 (egnn_dynamics): EGNN of EquivariantBlocks (GCLs with attention + "
                        "tanh coordinate update), time appended as a node feature; dense [B,N,N] edges",
        "config": cfg, "parameters": count_params(model),
        "parameterization": "epsilon",
        "schedule": {"type": schedule, "power": power, "T": T, "precision": precision,
                     "formula": "a2(x) = (1 - (x/(T+1))^power)^2 for x = linspace(0, T+1, T+1); "
                                "alphas2 = cumprod(clip(a2[i]/a2[i-1], 0.001, 1)) with a2[-1] = 1; "
                                "alphas2 <- (1 - 2 precision) alphas2 + precision; "
                                "gamma = -(log alphas2 - log(1 - alphas2)); gamma(t) = gamma[round(t T)]",
                     "stored_gamma_max_abs_diff": gamma_check},
        "normalisation": {"norm_values": norm, "norm_biases": [None, 0.0, 0.0],
                          "features": "xh = [x / n0, one-hot(H,C,N,O,F) / n1, atomic number / n2]"},
        "atom_decoder": ["H", "C", "N", "O", "F"], "max_atoms": 29,
        "atom_count_histogram": hist,
        "onnx": {"file": onnx_path.name, "opset": 17, "bytes": onnx_path.stat().st_size,
                 "inputs": [{"name": "xh", "dtype": "float32", "shape": ["batch", "atoms", 9]},
                            {"name": "t", "dtype": "float32", "shape": ["batch", 1]},
                            {"name": "node_mask", "dtype": "float32", "shape": ["batch", "atoms", 1]}],
                 "outputs": [{"name": "out", "dtype": "float32", "shape": ["batch", "atoms", 9]}]},
        "training_args": {k: (v if isinstance(v, (int, float, str, bool, list, type(None))) else str(v))
                          for k, v in a.items()},
    }
    write_json(args.out_dir / "training.json", training)
    mb = onnx_path.stat().st_size / 2 ** 20
    print(f"wrote {onnx_path} ({mb:.1f} MiB, {count_params(model)} parameters), parity.json, training.json"
          + (f"; stored gamma matches polynomial_{power:g} to {gamma_check:.2e}" if gamma_check is not None else ""))


if __name__ == "__main__":
    main()
