"""Load the qm9-mini data set (data/molecules/qm9mini.pkl, built by gen_molecules.py) as
per-conformer arrays, plus the graph featurisation shared by the conformer model.

Atom features (both models): one-hot over (H, C, N, O, F) in that order, and
  * EDM model: charge = atomic number (1, 6, 7, 8, 9), normalised as one-hot/4, charge/10;
  * conformer model: formal charge (always 0 in this data set).
Edge features of the conformer model, E = 7 channels for every ordered pair (i, j), i != j,
both real atoms (diagonal and padding rows/columns are all zero):
  [0:3] kekulised bond order one-hot: single, double, triple (all zero if not bonded);
  [3:7] shortest-path length (number of bonds) one-hot: 1, 2, 3, >=4 or disconnected.
The molecule has explicit hydrogens; aromatic bonds are kekulised with RDKit's Kekulize
(clearAromaticFlags=True), so each bond is exactly one of single / double / triple.
"""
import pickle
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PKL = HERE.parent / "data" / "molecules" / "qm9mini.pkl"
PKL_EXTRA = HERE.parent / "data" / "molecules" / "qm9mini-extra.pkl"  # extend_molecules.py: training only
N_MAX = 29
EDGE_CHANNELS = 7


def load(path: Path = PKL, extra: bool = True) -> dict:
    """The data set; with `extra`, the molecules of extend_molecules.py (if built) are appended
    to d["mols"] as training molecules."""
    d = pickle.loads(Path(path).read_bytes())
    if extra and PKL_EXTRA.exists():
        e = pickle.loads(PKL_EXTRA.read_bytes())
        d["mols"] = d["mols"] + e["mols"]
        d["extra"] = {k: v for k, v in e.items() if k != "mols"}
    return d


def shortest_paths(n: int, bonds: np.ndarray) -> np.ndarray:
    """[n,n] graph distances in bonds (large value for disconnected), Floyd-Warshall."""
    d = np.full((n, n), 10 ** 6, dtype=np.int64)
    np.fill_diagonal(d, 0)
    for i, j, _ in bonds:
        d[i, j] = d[j, i] = 1
    for k in range(n):
        d = np.minimum(d, d[:, k:k + 1] + d[k:k + 1, :])
    return d


def edge_features(n: int, bonds: np.ndarray) -> np.ndarray:
    """[n, n, 7] float32 edge features (see module docstring)."""
    e = np.zeros((n, n, EDGE_CHANNELS), dtype=np.float32)
    for i, j, o in bonds:
        e[i, j, o - 1] = e[j, i, o - 1] = 1
    sp = shortest_paths(n, bonds)
    cls = np.clip(sp, 1, 4) - 1  # 1, 2, 3, >=4 (disconnected is 10**6 -> >=4)
    off = ~np.eye(n, dtype=bool)
    ii, jj = np.nonzero(off)
    e[ii, jj, 3 + cls[ii, jj]] = 1
    return e


def conformers(d: dict, split: str):
    """Flat per-conformer lists for one split: types [n] (0..4), pos [n,3] (centred, A),
    molecule index into d['mols']."""
    types, pos, mol_idx = [], [], []
    for k, m in enumerate(d["mols"]):
        if m["split"] != split:
            continue
        for p in m["pos"]:
            types.append(m["types"])
            pos.append(p - p.mean(0, keepdims=True))
            mol_idx.append(k)
    return types, pos, np.array(mol_idx)


MAX_H = 4  # most hydrogens on one heavy atom (CH4)


def heavy_atoms(types: np.ndarray, pos: np.ndarray, kbonds: np.ndarray):
    """The heavy-atom view of a molecule with explicit H (the qm9-mini-edm contract): element
    index 0..3 over (C, N, O, F) [n], hydrogen count per heavy atom 0..4 [n] (H atoms bonded
    to it) and heavy-atom positions [n, 3] centred over the heavy atoms (Angstrom)."""
    heavy = np.flatnonzero(types > 0)
    nh = np.zeros(len(types), dtype=np.int64)
    for i, j, _ in kbonds:
        if types[i] == 0 and types[j] > 0:
            nh[j] += 1
        elif types[j] == 0 and types[i] > 0:
            nh[i] += 1
    p = pos[heavy]
    return types[heavy] - 1, nh[heavy], p - p.mean(0, keepdims=True)


def heavy_conformers(d: dict, split: str):
    """Per-conformer heavy-atom lists of one split: elements [n] (0..3 = C, N, O, F), hydrogen
    counts [n], positions [n, 3] (centred over the heavy atoms), molecule index."""
    el, nh, pos, mol_idx = [], [], [], []
    for k, m in enumerate(d["mols"]):
        if m["split"] != split:
            continue
        for p in m["pos"]:
            e, h, q = heavy_atoms(m["types"], p, m["kbonds"])
            el.append(e)
            nh.append(h)
            pos.append(q)
            mol_idx.append(k)
    return el, nh, pos, np.array(mol_idx)


def heavy_atom_histogram(d: dict, split: str = "train") -> dict:
    """{number of heavy atoms: number of molecules} over the molecules of a split."""
    h = {}
    for m in d["mols"]:
        if m["split"] == split:
            n = int((m["types"] > 0).sum())
            h[n] = h.get(n, 0) + 1
    return dict(sorted(h.items()))


def atom_count_histogram(d: dict, split: str = "train") -> dict:
    """{number of atoms (with H): number of molecules} over the molecules of a split."""
    h = {}
    for m in d["mols"]:
        if m["split"] == split:
            n = len(m["types"])
            h[n] = h.get(n, 0) + 1
    return dict(sorted(h.items()))
