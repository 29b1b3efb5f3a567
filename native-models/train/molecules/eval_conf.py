"""Held-out conformer references and the COV-R / MAT-R benchmark for qm9-mini-conf.

--make-refs: picks 50 held-out molecules (seeded, among those with >= 4 heavy atoms). Each gets
  one stereoisomer, as GEOM's molecules have: the stereo of a first ETKDGv3 embedding (randomSeed
  6000 + molecule index), assigned from its 3D coordinates and written as isomeric SMILES. Then
  30 ETKDGv3 conformers of that stereoisomer (randomSeed 7000 + molecule index, pruneRmsThresh
  0.1, chirality enforced), MMFF94-optimised (maxIters 2000, converged only), conformers whose
  stereo changed dropped, duplicates (heavy-atom RMSD < 0.1 A, symmetry-aware) dropped, the 10
  lowest-energy ones kept (fewer if fewer are distinct). Writes
  ../../starter/qm9-mini-conf/heldout.sdf (explicit H; properties mol_id, smiles = isomeric SMILES,
  conf_id, mmff_energy) and data/molecules/conf_refs.pkl.
--baseline etkdg / etkdg-mmff: ETKDGv3 conformers of the isomeric SMILES (randomSeed 99 +
  molecule index, 2 x references), without / with MMFF94; --baseline-json writes the per-molecule
  figures of both for the studio's benchmark (../../starter/qm9-mini-conf/etkdg-baseline.json).
default: generates 2 x (number of references) conformers per molecule with the model (EDM
  Heun, Karras sigmas) and reports, per molecule, COV-R = fraction of references whose
  closest generated conformer has RMSD < delta (0.5 A) and MAT-R = mean over references of
  the closest RMSD; RMSD = RDKit GetBestRMS on heavy atoms (optimal alignment, symmetry-aware,
  no reflection). Mean and median over molecules, as in GeoDiff. --baseline etkdg scores plain
  ETKDGv3 (no MMFF) conformers instead, as a classical reference point.

Usage: /usr/bin/python3 eval_conf.py --make-refs
       /usr/bin/python3 eval_conf.py --run-dir ../runs/qm9mini-conf [--steps 18] [--sigma-max 20]
"""
import argparse
import json
import os
import pickle
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from rdkit import Chem  # noqa: E402
from rdkit.Chem import AllChem, rdMolAlign  # noqa: E402

import data as D  # noqa: E402
from conf_model import ConfDenoiser, sample_heun  # noqa: E402
from train_conf import atom_features  # noqa: E402

HERE = Path(__file__).resolve().parent
STARTER = HERE.parent.parent / "starter" / "qm9-mini-conf"
REFS = HERE.parent / "data" / "molecules" / "conf_refs.pkl"


def heavy_rmsd(a, b) -> float:
    return rdMolAlign.GetBestRMS(a, b)


def isomeric(smiles: str, seed: int) -> str:
    """One stereoisomer of a stereo-free SMILES: the stereo of an ETKDG embedding, from 3D."""
    mol = Chem.AddHs(Chem.MolFromSmiles(smiles))
    p = AllChem.ETKDGv3()
    p.randomSeed = seed
    AllChem.EmbedMolecule(mol, p)
    Chem.AssignStereochemistryFrom3D(mol)
    return Chem.MolToSmiles(Chem.RemoveHs(mol))


def stereo_key(mol, conf_id: int) -> str:
    """Isomeric SMILES of one conformer's stereo, perceived from its coordinates."""
    m = Chem.Mol(mol, confId=conf_id)
    Chem.AssignStereochemistryFrom3D(m, confId=conf_id)
    return Chem.MolToSmiles(Chem.RemoveHs(m))


def make_refs(n_mols: int = 50, n_keep: int = 10, n_embed: int = 30, seed: int = 0) -> None:
    d = D.load(extra=False)
    cand = [k for k, m in enumerate(d["mols"]) if m["split"] == "heldout" and int((m["types"] > 0).sum()) >= 4]
    rng = np.random.default_rng(seed)
    pick = sorted(rng.choice(cand, size=n_mols, replace=False).tolist())
    STARTER.mkdir(parents=True, exist_ok=True)
    w = Chem.SDWriter(str(STARTER / "heldout.sdf"))
    refs = []
    for k in pick:
        m = d["mols"][k]
        iso = isomeric(m["smiles"], 6000 + k)
        mol = Chem.AddHs(Chem.MolFromSmiles(iso))
        p = AllChem.ETKDGv3()
        p.randomSeed = 7000 + k
        p.pruneRmsThresh = 0.1
        cids = list(AllChem.EmbedMultipleConfs(mol, numConfs=n_embed, params=p))
        res = AllChem.MMFFOptimizeMoleculeConfs(mol, maxIters=2000)
        ok = sorted([(e, c) for c, (st, e) in zip(cids, res) if st == 0 and stereo_key(mol, c) == iso])
        noh = Chem.RemoveHs(mol)
        keep = []
        for e, c in ok:
            if all(heavy_rmsd(Chem.Mol(noh, confId=c), Chem.Mol(noh, confId=c2)) >= 0.1 for _, c2 in keep):
                keep.append((e, c))
            if len(keep) == n_keep:
                break
        # The isomeric SMILES may number the atoms differently from the record: types and bonds from mol.
        types = np.array([["H", "C", "N", "O", "F"].index(a.GetSymbol()) for a in mol.GetAtoms()], dtype=np.int64)
        mk = Chem.Mol(mol)
        Chem.Kekulize(mk, clearAromaticFlags=True)
        kbonds = np.array([[b.GetBeginAtomIdx(), b.GetEndAtomIdx(), int(b.GetBondTypeAsDouble())]
                           for b in mk.GetBonds()], dtype=np.int64).reshape(-1, 3)
        pos = []
        for j, (e, c) in enumerate(keep):
            mc = Chem.Mol(mol, confId=c)
            mc.SetProp("_Name", f"qm9mini-{k}")
            mc.SetProp("mol_id", str(k))
            mc.SetProp("smiles", iso)
            mc.SetProp("conf_id", str(j))
            mc.SetProp("mmff_energy", f"{e:.4f}")
            w.write(mc)
            pos.append(mol.GetConformer(c).GetPositions().astype(np.float32))
        refs.append({"mol": k, "smiles": iso, "graph_smiles": m["smiles"], "types": types,
                     "kbonds": kbonds, "pos": pos, "energy": [e for e, _ in keep]})
        print(k, iso, len(keep), flush=True)
    w.close()
    REFS.write_bytes(pickle.dumps(refs))
    print(json.dumps({"molecules": len(refs), "conformers": sum(len(r["pos"]) for r in refs)}))


def mol_with(ref, coords_list):
    """Heavy-atom-only RDKit molecules (graph of the reference) carrying the given coordinates."""
    base = Chem.AddHs(Chem.MolFromSmiles(ref["smiles"]))
    out = []
    for c in coords_list:
        m = Chem.Mol(base)
        conf = Chem.Conformer(m.GetNumAtoms())
        for i, p in enumerate(c):
            conf.SetAtomPosition(i, [float(v) for v in p])
        m.RemoveAllConformers()
        m.AddConformer(conf)
        out.append(Chem.RemoveHs(m))
    return out


def mol_with_heavy(ref, coords_list):
    """Heavy-atom RDKit molecules (the reference's graph, its heavy atoms in order) with the given
    heavy-atom coordinates."""
    base = Chem.MolFromSmiles(ref["smiles"])
    out = []
    for c in coords_list:
        m = Chem.Mol(base)
        conf = Chem.Conformer(m.GetNumAtoms())
        for i, p in enumerate(c):
            conf.SetAtomPosition(i, [float(v) for v in p])
        m.RemoveAllConformers()
        m.AddConformer(conf)
        out.append(m)
    return out


def fix_stereo(ref, heavy_xyz: np.ndarray):
    """The studio's stereo rule for one generated heavy-atom conformer: kept if its stereo (perceived
    from 3D) is the reference's isomeric SMILES, else reflected (x -> -x) if that makes it so (an
    E(3)-equivariant model cannot tell enantiomers apart). (coordinates, stereo right?)."""
    for xyz in (heavy_xyz, heavy_xyz * np.array([-1.0, 1.0, 1.0])):
        m = mol_with_heavy(ref, [xyz])[0]
        Chem.AssignStereochemistryFrom3D(m)
        if Chem.MolToSmiles(m) == ref["smiles"]:
            return xyz, True
    return heavy_xyz, False


def heavy_inputs(ref, K: int):
    """The heavy model's inputs for K conformers of a reference molecule: atom and edge features of its
    heavy graph, cis / trans from its first reference conformer."""
    el, nh, bonds, heavy = D.heavy_graph({"types": ref["types"], "kbonds": ref["kbonds"]})
    q = ref["pos"][0][heavy]
    a, e = D.heavy_conformer_features(el, nh, bonds, q - q.mean(0))
    n = len(el)
    return (torch.from_numpy(a)[None].expand(K, n, -1), torch.from_numpy(e)[None].expand(K, n, n, -1),
            torch.ones(K, n, 1))


def cov_mat(refs_m, gens_m, delta=0.5):
    r = np.array([[heavy_rmsd(g, rm) for g in gens_m] for rm in refs_m])
    best = r.min(1)
    return float((best < delta).mean()), float(best.mean())


def etkdg(r, K: int, mmff: bool):
    """K ETKDGv3 conformers of the reference's isomeric SMILES (coordinates with H), optionally MMFF94."""
    mol = Chem.AddHs(Chem.MolFromSmiles(r["smiles"]))
    p = AllChem.ETKDGv3()
    p.randomSeed = 99 + r["mol"]
    cids = list(AllChem.EmbedMultipleConfs(mol, numConfs=K, params=p))
    if mmff:
        AllChem.MMFFOptimizeMoleculeConfs(mol, maxIters=2000)
    return [mol.GetConformer(c).GetPositions() for c in cids]


def write_baseline_json(refs, delta: float) -> None:
    """Per-molecule COV-R / MAT-R of ETKDG without and with MMFF94 (2 x references each), in
    heldout.sdf's order, for `npm run bench:3d -- --only conformers`."""
    rows = []
    for r in refs:
        K = 2 * len(r["pos"])
        row = {"mol_id": str(r["mol"]), "smiles": r["smiles"], "references": len(r["pos"]), "generated": K}
        for name, mmff in (("etkdg", False), ("etkdg_mmff", True)):
            cov, mat = cov_mat(mol_with(r, r["pos"]), mol_with(r, etkdg(r, K, mmff)), delta)
            row[name] = {"cov_r": round(cov, 4), "mat_r": round(mat, 4)}
        rows.append(row)
        print(row, flush=True)
    out = {"what": "RDKit ETKDGv3 (2022.09) conformers of each held-out molecule's isomeric SMILES, 2 x its "
                   "references, randomSeed 99 + mol_id; etkdg: no force field; etkdg_mmff: MMFF94 optimised "
                   "(maxIters 2000)",
           "rmsd": "heavy atoms, RDKit GetBestRMS (symmetry-aware optimal alignment)", "delta": delta,
           "command": "/usr/bin/python3 native-models/train/molecules/eval_conf.py --baseline-json",
           "molecules": rows}
    (STARTER / "etkdg-baseline.json").write_text(json.dumps(out, indent=1) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--make-refs", action="store_true")
    ap.add_argument("--run-dir", type=Path, default=HERE.parent / "runs" / "qm9mini-conf")
    ap.add_argument("--which", default="ema")
    ap.add_argument("--steps", type=int, default=18)
    ap.add_argument("--sigma-max", type=float, default=20.0)
    ap.add_argument("--sigma-min", type=float, default=0.002)
    ap.add_argument("--churn", type=float, default=0.0)
    ap.add_argument("--delta", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="only the first L molecules (quick checks)")
    ap.add_argument("--baseline", default="", choices=["", "etkdg", "etkdg-mmff"])
    ap.add_argument("--baseline-json", action="store_true", help="both baselines, per molecule, for the studio")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.make_refs:
        make_refs()
        return
    refs = pickle.loads(REFS.read_bytes())
    if args.limit:
        refs = refs[:args.limit]
    if args.baseline_json:
        write_baseline_json(refs, args.delta)
        return
    gen = torch.Generator().manual_seed(args.seed)
    if not args.baseline:
        ck = torch.load(args.run_dir / "ckpt.pt")
        model = ConfDenoiser(**ck["config"])
        model.load_state_dict(ck[args.which])
        model.eval()
        sd = ck["sigma_data"]
    covs, mats, stereo_ok, t0 = [], [], [], time.time()
    for r in refs:
        K = 2 * len(r["pos"])
        n = len(r["types"])
        if args.baseline:
            gens = etkdg(r, K, args.baseline == "etkdg-mmff")
        elif ck.get("atoms") == "heavy":
            atoms, edges, mask = heavy_inputs(r, K)
            x = sample_heun(model, atoms, edges, mask, sd, steps=args.steps, sigma_min=args.sigma_min,
                            sigma_max=args.sigma_max, gen=gen, s_churn=args.churn)
            gens, right = [], 0
            for g in x.numpy():
                g, ok = fix_stereo(r, g)
                gens.append(g)
                right += ok
            stereo_ok.append(right / K)
            cov, mat = cov_mat(mol_with(r, r["pos"]), mol_with_heavy(r, gens), args.delta)
            covs.append(cov)
            mats.append(mat)
            continue
        else:
            atoms = atom_features(r["types"])[None].expand(K, n, 6)
            edges = torch.from_numpy(D.edge_features(n, r["kbonds"]))[None].expand(K, n, n, 7)
            mask = torch.ones(K, n, 1)
            x = sample_heun(model, atoms, edges, mask, sd, steps=args.steps, sigma_min=args.sigma_min,
                            sigma_max=args.sigma_max, gen=gen, s_churn=args.churn)
            gens = [g.numpy() for g in x]
        cov, mat = cov_mat(mol_with(r, r["pos"]), mol_with(r, gens), args.delta)
        covs.append(cov)
        mats.append(mat)
    rep = {"what": args.baseline or "model", "molecules": len(refs),
           "references": int(sum(len(r["pos"]) for r in refs)), "delta": args.delta,
           "COV-R_mean": round(100 * float(np.mean(covs)), 2), "COV-R_median": round(100 * float(np.median(covs)), 2),
           "MAT-R_mean": round(float(np.mean(mats)), 4), "MAT-R_median": round(float(np.median(mats)), 4),
           "rmsd": "heavy atoms, RDKit GetBestRMS (symmetry-aware optimal alignment)",
           "seconds": round(time.time() - t0, 1)}
    if stereo_ok:
        rep["stereo_as_input"] = round(100 * float(np.mean(stereo_ok)), 2)
    if not args.baseline:
        rep.update({"step": ck["step"], "steps": args.steps, "nfe": 2 * args.steps - 1, "sigma_max": args.sigma_max,
                    "sigma_min": args.sigma_min, "churn": args.churn, "seed": args.seed})
    print(json.dumps(rep))
    if args.out:
        args.out.write_text(json.dumps(rep, indent=2) + "\n")


if __name__ == "__main__":
    main()
