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


# ------------------------------------------------ heavy-atom conformer graphs (qm9-mini-conf)
PATH_CLASSES = 6  # shortest path 1, 2, 3, 4, 5, >= 6 (or disconnected)
HEAVY_EDGE_CHANNELS = 3 + PATH_CLASSES + 2  # bond order, path length, cis / trans
HEAVY_ATOM_CHANNELS = 4 + MAX_H + 1 + 1  # C N O F, hydrogen count 0..4, formal charge


def heavy_graph(m: dict):
    """The heavy-atom graph of a molecule record: elements 0..3 [n], hydrogen counts [n], heavy
    bonds [k, 3] (i, j, Kekule order) over heavy-atom indices, and the heavy atoms' indices."""
    types = m["types"]
    heavy = np.flatnonzero(types > 0)
    index = -np.ones(len(types), dtype=np.int64)
    index[heavy] = np.arange(len(heavy))
    nh = np.zeros(len(types), dtype=np.int64)
    bonds = []
    for i, j, o in m["kbonds"]:
        if types[i] > 0 and types[j] > 0:
            bonds.append((index[i], index[j], o))
        elif types[i] == 0:
            nh[j] += 1
        else:
            nh[i] += 1
    return types[heavy] - 1, nh[heavy], np.array(bonds, dtype=np.int64).reshape(-1, 3), heavy


def in_ring_of_at_most(nbrs: list, a: int, b: int, size: int) -> bool:
    """Whether bond a-b lies in a ring of at most `size` atoms (a path of < size bonds avoiding it)."""
    frontier, seen = [a], {a}
    for _ in range(1, size):
        nxt = []
        for u in frontier:
            for v in nbrs[u]:
                if u == a and v == b:
                    continue
                if v == b:
                    return True
                if v not in seen:
                    seen.add(v)
                    nxt.append(v)
        frontier = nxt
    return False


def cis_trans_pairs(n: int, bonds: np.ndarray):
    """(i, j, k, l) for every double bond j=k outside rings of fewer than 8 atoms (a small ring fixes
    it; the studio's chemistry/stereo.ts counts it as no stereo) and heavy substituents i of j and l
    of k (i != k, l != j, i != l): the pairs whose cis / trans relation the edge features carry."""
    nbrs = [[] for _ in range(n)]
    for a, b, _ in bonds:
        nbrs[a].append(b)
        nbrs[b].append(a)
    out = []
    for j, k, o in bonds:
        if o != 2 or in_ring_of_at_most(nbrs, j, k, 7):
            continue
        for i in nbrs[j]:
            if i == k:
                continue
            for l in nbrs[k]:
                if l != j and l != i:
                    out.append((i, j, k, l))
    return out


def dihedral_cos(p: np.ndarray, i: int, j: int, k: int, l: int) -> float:
    b0, b1, b2 = p[i] - p[j], p[k] - p[j], p[l] - p[k]
    n1, n2 = np.cross(b0, b1), np.cross(b1, b2)
    den = np.linalg.norm(n1) * np.linalg.norm(n2)
    return float(np.dot(n1, n2) / den) if den > 1e-9 else 1.0


def heavy_conformer_features(elements, nh, bonds, pos=None):
    """Atom features [n, 10] (one-hot C N O F, one-hot H count 0..4, formal charge 0) and edge
    features [n, n, 11]: [0:3] Kekule bond order one-hot; [3:9] shortest path 1, 2, 3, 4, 5, >= 6
    one-hot (disconnected counts as >= 6); [9:11] cis, trans of the substituent pair (i, l) across
    a double bond j=k, from the dihedral i-j-k-l of `pos` (cos > 0: cis), both directions; zero on
    the diagonal and for every other pair. Without pos, no cis/trans flags."""
    n = len(elements)
    atoms = np.zeros((n, HEAVY_ATOM_CHANNELS), dtype=np.float32)
    atoms[np.arange(n), elements] = 1
    atoms[np.arange(n), 4 + nh] = 1
    e = np.zeros((n, n, HEAVY_EDGE_CHANNELS), dtype=np.float32)
    for i, j, o in bonds:
        e[i, j, o - 1] = e[j, i, o - 1] = 1
    sp = shortest_paths(n, bonds)
    cls = np.clip(sp, 1, PATH_CLASSES) - 1
    off = ~np.eye(n, dtype=bool)
    ii, jj = np.nonzero(off)
    e[ii, jj, 3 + cls[ii, jj]] = 1
    if pos is not None:
        for i, j, k, l in cis_trans_pairs(n, bonds):
            c = 9 if dihedral_cos(pos, i, j, k, l) > 0 else 10
            e[i, l, c] = e[l, i, c] = 1
    return atoms, e


def heavy_conformer_set(d: dict, split: str):
    """Per-conformer heavy-atom training items of one split: (positions [n, 3] centred over the
    heavy atoms, atom features, edge features as uint8), molecule index."""
    items, mol_idx = [], []
    for k, m in enumerate(d["mols"]):
        if m["split"] != split:
            continue
        el, nh, bonds, heavy = heavy_graph(m)
        for p in m["pos"]:
            q = p[heavy]
            q = q - q.mean(0, keepdims=True)
            a, e = heavy_conformer_features(el, nh, bonds, q)
            items.append((q.astype(np.float32), a, e.astype(np.uint8)))
            mol_idx.append(k)
    return items, np.array(mol_idx)
