"""Summarise the qm9-mini data set (data/molecules/qm9mini.pkl) into
data/molecules/dataset_summary.json: sizes per split, conformers, composition, atom-count
histograms, and the EDM-protocol metrics of the data itself (held-out conformers), which is
the ceiling a generator can reach with this bond-perception rule.

Usage: /usr/bin/python3 dataset_stats.py
"""
import json
from collections import Counter
from pathlib import Path

import numpy as np

import data as D
from sample_edm import score, train_smiles_set

HERE = Path(__file__).resolve().parent


def main() -> None:
    d = D.load()
    mols = d["mols"]
    out = {"generator": "native-models/train/molecules/gen_molecules.py (random graph growth under valence rules, "
                        "RDKit sanitisation, canonical-SMILES dedup, GDB-like filters, ETKDGv3 + MMFF94)",
           "enumerated_unique": d["n_enumerated"], "growth_attempts": d["enumeration"]["tries"],
           "embedding_failed": len(d["failed"]), "molecules": len(mols),
           "embed_cpu_seconds": d["embed_cpu_seconds"], "conformers_requested_per_molecule": d["confs"]}
    for s in ("train", "val", "heldout"):
        ms = [m for m in mols if m["split"] == s]
        out[s] = {"molecules": len(ms), "conformers": int(sum(len(m["pos"]) for m in ms))}
    heavy = Counter(int((m["types"] > 0).sum()) for m in mols)
    out["heavy_atom_histogram"] = dict(sorted(heavy.items()))
    out["atom_count_histogram_train"] = D.atom_count_histogram(d, "train")
    el = Counter()
    for m in mols:
        el.update(["HCNOF"[t] for t in m["types"]])
    tot = sum(el.values())
    out["element_fraction"] = {k: round(v / tot, 4) for k, v in sorted(el.items())}
    out["mean_atoms"] = round(float(np.mean([len(m["types"]) for m in mols])), 2)
    out["conformers_per_molecule_mean"] = round(float(np.mean([len(m["pos"]) for m in mols])), 2)
    types, pos, _ = D.conformers(d, "train")
    out["coordinate_std_angstrom_train"] = round(float(np.concatenate([p.reshape(-1) for p in pos]).std()), 5)
    ht, hp, _ = D.conformers(d, "heldout")
    tsmi = train_smiles_set()
    out["edm_metrics_of_heldout_conformers"] = score([(p.astype(np.float64), t, None) for t, p in zip(ht, hp)], tsmi)
    rng = np.random.default_rng(0)
    pick = rng.choice(len(types), size=min(2000, len(types)), replace=False)
    out["edm_metrics_of_2000_train_conformers"] = score([(pos[i].astype(np.float64), types[i], None) for i in pick],
                                                        tsmi)
    (HERE.parent / "data" / "molecules" / "dataset_summary.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
