"""Write manifest.json for the 3D starter models (shapes-2k, qm9-mini-edm, qm9-mini-conf) from their
exported files: model.onnx (size, sha256, graph inputs/outputs) and training.json (classes, sigma_data,
schedule, atom-count histogram, recommended sampler), in the schema of main/contract/models.ts.

Usage: /usr/bin/python3 native-models/export/write_3d_manifests.py [starter-dir]
(default: native-models/starter). A folder without model.onnx or training.json is skipped.
"""
import json
import sys
from pathlib import Path

import onnx

sys.path.insert(0, str(Path(__file__).parent))
from manifest_util import sha256, values  # noqa: E402

HERE = Path(__file__).parent
STARTER = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "starter"
LICENCE = "MIT (weights and data made by Diffusion Studio; see README.md)"


def base(folder: Path, extra_files: list) -> dict:
    onnx_path = folder / "model.onnx"
    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    files = [{"path": "model.onnx", "size": onnx_path.stat().st_size, "sha256": sha256(onnx_path),
              "source": "starter"}]
    for name in extra_files:
        p = folder / name
        if p.exists():
            files.append({"path": name, "size": p.stat().st_size, "sha256": sha256(p), "source": "starter"})
    return {"files": files,
            "components": {"denoiser": {"file": "model.onnx", "externalData": [],
                                        "inputs": values(graph.input), "outputs": values(graph.output)}}}


def recommended(training: dict, fallback: dict) -> dict:
    rec = training.get("recommended_sampler") or {}
    return {"sampler": rec.get("sampler", fallback["sampler"]), "steps": rec.get("steps", fallback["steps"]),
            "guidance": rec.get("guidance", fallback["guidance"]), "schedule": "model"}


def write(folder: Path, manifest: dict) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print("wrote", folder / "manifest.json")


def ready(folder: Path) -> dict | None:
    if not (folder / "model.onnx").exists() or not (folder / "training.json").exists():
        print("skipped", folder.name, "(no model.onnx or training.json yet)")
        return None
    return json.loads((folder / "training.json").read_text())


def shapes() -> None:
    folder = STARTER / "shapes-2k"
    t = ready(folder)
    if t is None:
        return
    classes = t["classes"]
    sigma_data = t.get("preconditioning", {}).get("sigma_data") or t["sigma_data"]
    write(folder, {
        "schemaVersion": 1, "id": "shapes-2k", "name": "Shapes 2k (starter)",
        "description": "Class-conditional 3D shapes as 2048-point clouds: a small set transformer trained by "
                       "this project with EDM on procedural " + ", ".join(classes) + ".",
        "modality": "point-cloud", "tasks": ["point-cloud.generate", "point-cloud.complete"],
        "licence": LICENCE, **base(folder, ["heldout.json", "heldout.bin"]),
        "parameterization": "edm",
        "schedule": {"type": "continuous", "sigmaMin": 0.002, "sigmaMax": 80, "sigmaData": sigma_data},
        "conditioning": {"type": "class", "classes": classes, "nullClass": len(classes),
                         "input": "class_labels"},
        "sample": {"kind": "point-cloud", "points": 2048, "channels": 3,
                   "normalization": "each shape's bounding box centred at 0 and divided by its largest "
                                    "half-extent: inside [-1, 1]^3, longest axis spanning [-1, 1]; y up",
                   # Every class generator builds its shapes mirror-symmetric about x = 0 except the mug,
                   # whose handle is on the +x side (shapes_data.py; bench:3d --only completion measures it).
                   "symmetry": "x",
                   "reference": "heldout.json"},
        "defaults": recommended(t, {"sampler": "heun", "steps": 13, "guidance": 1.5}),
        "resolutionBuckets": [], "imageInputs": {}, "memoryEstimateMB": 256,
    })


def qm9_edm() -> None:
    folder = STARTER / "qm9-mini-edm"
    t = ready(folder)
    if t is None:
        return
    elements = t["atom_decoder"]
    norm = t["normalisation"]["norm_values"]
    sched = t["schedule"]
    hydrogen_counts = t.get("hydrogen_counts", 0)  # heavy-atom model: H counts 0..hydrogen_counts per atom
    what = ("heavy atoms C, N, O, F (up to 9) with a hydrogen count each, the hydrogens placed by the studio"
            if hydrogen_counts else "C, N, O, F with hydrogens (up to 9 heavy atoms)")
    write(folder, {
        "schemaVersion": 1, "id": "qm9-mini-edm", "name": "Molecules QM9-mini (starter)",
        "description": f"3D molecules of {what}: an E(3)-equivariant EDM model trained by this project on "
                       "molecules enumerated and embedded with RDKit.",
        "modality": "molecule", "tasks": ["molecule.generate"], "licence": LICENCE,
        **base(folder, ["train-smiles.txt"]),
        "parameterization": "epsilon",
        "schedule": {"type": "discrete", "betaSchedule": "polynomial", "betaStart": 0.0001, "betaEnd": 0.02,
                     "power": sched.get("power", 2.0), "precision": sched.get("precision", 1e-5),
                     "trainSteps": sched.get("T", 1000) + 1, "timestepScale": 1 / sched.get("T", 1000),
                     "zeroTerminalSnr": False, "timestepDtype": "float32"},
        "conditioning": {"type": "none"},
        "sample": {"kind": "molecule", "maxAtoms": t.get("max_atoms", 29), "elements": elements,
                   "features": {"kind": "joint", "input": "xh", "maskInput": "node_mask",
                                "positionScale": norm[0], "oneHotScale": norm[1], "chargeScale": norm[2],
                                **({"hydrogenCounts": hydrogen_counts} if hydrogen_counts else {})},
                   "atomCounts": {str(k): v for k, v in t["atom_count_histogram"].items()},
                   **({"trainingSmiles": "train-smiles.txt"} if (folder / "train-smiles.txt").exists() else {})},
        "defaults": recommended(t, {"sampler": "dpmpp-2m", "steps": 50, "guidance": 1}),
        "resolutionBuckets": [], "imageInputs": {}, "memoryEstimateMB": 128,
    })


def qm9_conf() -> None:
    folder = STARTER / "qm9-mini-conf"
    t = ready(folder)
    if t is None:
        return
    sigma_data = t.get("preconditioning", {}).get("sigma_data") or t["sigma_data"]
    write(folder, {
        "schemaVersion": 1, "id": "qm9-mini-conf", "name": "Conformers QM9-mini (starter)",
        "description": "3D conformers of a given molecule (C, N, O, F, H; up to 9 heavy atoms): an "
                       "E(3)-equivariant EDM denoiser over positions, conditioned on the molecular graph"
                       + (" of the heavy atoms (hydrogen counts, E/Z); the studio places the hydrogens."
                          if t.get("hydrogen_counts") else "."),
        "modality": "molecule", "tasks": ["molecule.conformer"], "licence": LICENCE,
        **base(folder, ["heldout.sdf"]),
        "parameterization": "edm",
        "schedule": {"type": "continuous", "sigmaMin": 0.002, "sigmaMax": t.get("sigma_max", 20),
                     "sigmaData": sigma_data},
        "conditioning": {"type": "none"},
        "sample": {"kind": "molecule", "maxAtoms": t.get("max_atoms", 29),
                   "elements": t.get("atom_decoder", ["H", "C", "N", "O", "F"]),
                   "features": {"kind": "graph", "input": "pos", "atomsInput": "atoms", "edgesInput": "edges",
                                "maskInput": "node_mask", "bondOrders": 3, "pathLengths": t.get("path_lengths", 4),
                                **({"hydrogenCounts": t["hydrogen_counts"]} if t.get("hydrogen_counts") else {}),
                                **({"cisTrans": True} if t.get("cis_trans") else {})}},
        "defaults": recommended(t, {"sampler": "heun", "steps": 18, "guidance": 1}),
        "resolutionBuckets": [], "imageInputs": {}, "memoryEstimateMB": 128,
    })


shapes()
qm9_edm()
qm9_conf()
