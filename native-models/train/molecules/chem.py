"""Shared chemistry helpers for the qm9-mini starter models (RDKit 2022.09).

Atom types (EDM QM9 order): H, C, N, O, F  -> one-hot index 0..4, charge = atomic number.

Bond perception from distances (EDM protocol, Hoogeboom et al. 2022): for an atom pair at
distance d (pm) with tabulated single / double / triple bond lengths L1, L2, L3 (pm):
    order = 0                 if d >= L1 + 10
    order = 3                 if the pair has L3 and d < L3 + 3   (and d < L2 + 5, d < L1 + 10)
    order = 2                 if the pair has L2 and d < L2 + 5
    order = 1                 otherwise
An atom is stable when the sum of its bond orders equals its valence (H 1, C 4, N 3, O 2,
F 1); a molecule is stable when every atom is. The tabulated lengths are the standard
covalent bond lengths (wiredchemist / chemistry-reference tables, as used by EDM).
"""
import numpy as np
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")

ATOMS = ["H", "C", "N", "O", "F"]
Z = {"H": 1, "C": 6, "N": 7, "O": 8, "F": 9}
VALENCE = {"H": 1, "C": 4, "N": 3, "O": 2, "F": 1}
_L1 = {"HH": 74, "HC": 109, "HN": 101, "HO": 96, "HF": 92, "CC": 154, "CN": 147, "CO": 143, "CF": 135,
       "NN": 145, "NO": 140, "NF": 136, "OO": 148, "OF": 142, "FF": 142}
_L2 = {"CC": 134, "CN": 129, "CO": 120, "NN": 125, "NO": 121, "OO": 121}
_L3 = {"CC": 120, "CN": 116, "CO": 113, "NN": 110}
MARGINS = (10, 5, 3)


def _table(d):
    t = np.full((5, 5), np.nan)
    for k, v in d.items():
        i, j = ATOMS.index(k[0]), ATOMS.index(k[1])
        t[i, j] = t[j, i] = v
    return t


L1, L2, L3 = _table(_L1), _table(_L2), _table(_L3)


def bond_orders(pos: np.ndarray, types: np.ndarray) -> np.ndarray:
    """[n,n] int bond-order matrix from positions (Angstrom) and type indices (0..4)."""
    d = 100.0 * np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)
    a, b = types[:, None], types[None, :]
    l1, l2, l3 = L1[a, b], L2[a, b], L3[a, b]
    with np.errstate(invalid="ignore"):
        o = np.where(d < l1 + MARGINS[0], 1, 0)
        o = np.where((o == 1) & (d < l2 + MARGINS[1]), 2, o)
        o = np.where((o == 2) & (d < l3 + MARGINS[2]), 3, o)
    np.fill_diagonal(o, 0)
    return o


def stability(pos: np.ndarray, types: np.ndarray) -> tuple:
    """(number of stable atoms, number of atoms, molecule stable?)."""
    o = bond_orders(pos, types)
    val = np.array([VALENCE[ATOMS[t]] for t in types])
    ok = o.sum(1) == val
    return int(ok.sum()), len(types), bool(ok.all())


def mol_from_geometry(pos: np.ndarray, types: np.ndarray):
    """RDKit molecule with the distance-perceived bonds (no sanitisation)."""
    o = bond_orders(pos, types)
    m = Chem.RWMol()
    for t in types:
        m.AddAtom(Chem.Atom(ATOMS[t]))
    bt = {1: Chem.BondType.SINGLE, 2: Chem.BondType.DOUBLE, 3: Chem.BondType.TRIPLE}
    for i in range(len(types)):
        for j in range(i + 1, len(types)):
            if o[i, j]:
                m.AddBond(i, j, bt[int(o[i, j])])
    conf = Chem.Conformer(len(types))
    for i, p in enumerate(pos):
        conf.SetAtomPosition(i, [float(v) for v in p])
    m.AddConformer(conf, assignId=True)
    return m


def validity_smiles(pos: np.ndarray, types: np.ndarray):
    """EDM-style validity: sanitise the distance-perceived molecule; return (valid, canonical
    SMILES of the largest fragment without explicit H, connected?) or (False, None, False)."""
    m = mol_from_geometry(pos, types)
    try:
        Chem.SanitizeMol(m)
    except Exception:
        return False, None, False
    frags = Chem.GetMolFrags(m, asMols=True, sanitizeFrags=False)
    big = max(frags, key=lambda f: f.GetNumAtoms())
    try:
        smi = Chem.MolToSmiles(Chem.RemoveHs(big))
    except Exception:
        return False, None, False
    return True, smi, len(frags) == 1


def canonical(smiles: str):
    m = Chem.MolFromSmiles(smiles)
    return None if m is None else Chem.MolToSmiles(m)


# ------------------------------------------------ heavy atoms with hydrogen counts (qm9-mini-edm)
def heavy_stability(pos: np.ndarray, elements: np.ndarray, nh: np.ndarray) -> tuple:
    """EDM's rule with the hydrogens as counts: a heavy atom (elements 0..3 = C, N, O, F) is
    stable when the bond orders perceived between heavy atoms plus its hydrogen count equal its
    valence. (stable heavy atoms, heavy atoms, molecule stable?)."""
    types = np.asarray(elements) + 1
    o = bond_orders(pos, types)
    val = np.array([VALENCE[ATOMS[t]] for t in types])
    ok = o.sum(1) + np.asarray(nh) == val
    return int(ok.sum()), len(types), bool(ok.all())


def heavy_validity_smiles(pos: np.ndarray, elements: np.ndarray, nh: np.ndarray):
    """RDKit sanitisation of the heavy-atom molecule with distance-perceived bonds and the given
    hydrogen counts as explicit H (an atom below its valence takes implicit H, as in EDM's
    validity); (valid, canonical SMILES of the largest fragment, connected?)."""
    types = np.asarray(elements) + 1
    m = mol_from_geometry(pos, types)
    for a, h in zip(m.GetAtoms(), nh):
        a.SetNumExplicitHs(int(h))
    try:
        Chem.SanitizeMol(m)
    except Exception:
        return False, None, False
    frags = Chem.GetMolFrags(m, asMols=True, sanitizeFrags=False)
    big = max(frags, key=lambda f: f.GetNumAtoms())
    try:
        smi = Chem.MolToSmiles(Chem.RemoveHs(big))
    except Exception:
        return False, None, False
    return True, smi, len(frags) == 1
