"""Build the "QM9-like" qm9-mini data set: enumerate small C/N/O/F molecules by random graph
growth under valence rules, sanitise and deduplicate them with RDKit, embed conformers with
ETKDGv3 + MMFF94, split by molecule.

Stage 1, enumerate (seeded numpy Generator, fast):
  * heavy-atom count n: P(n) = [1, 2, 3, 4, 5, 6, 7, 8, 9] ~ [.2, .3, .5, 1, 2, 4, 9, 20, 63] %
  * element of every heavy atom: C .66, N .14, O .18, F .02
  * growth: atom 0, then each new atom bonds to a random existing atom with free valence,
    bond order 1 / 2 / 3 with weights .78 / .16 / .06 (capped by both free valences);
    F only as a leaf (single bond)
  * ring closures: r in {0, 1, 2, 3} with P = .35 / .40 / .20 / .05, each between two atoms
    with free valence whose graph distance is 2..6 (rings of 3..7), order 1 (.85) or 2 (.15)
  * extra unsaturation: u in {0, 1, 2} with P = .6 / .3 / .1, raising a random bond whose
    ends both have free valence by one (max 3)
  * hydrogens fill the remaining valence (neutral atoms only)
  * filters (GDB-like sanity): RDKit sanitisation succeeds; neutral, no radicals; no O-O, no F
    bonded to N/O/F; N-N and N-O bonds (single or double) only when aromatic; ring sizes 3..7
    only; no cumulated double bonds (X=Y=Z); no triple bond inside a ring or on a 3/4-ring
    atom; at most 29 atoms with H
  * deduplicate by RDKit canonical SMILES (heavy-atom graph, aromaticity perceived)
Stage 2, embed (one process, resumable): AddHs, ETKDGv3 (randomSeed = 1000 + molecule
  index), EmbedMultipleConfs(numConfs = --confs, pruneRmsThresh 0.1), MMFF94
  optimisation (maxIters 2000) of every conformer; molecules whose embedding fails, that
  lack MMFF parameters, or whose MMFF optimisation does not converge for any conformer are
  dropped. Conformers after MMFF that duplicate another one (heavy-atom RMSD < 0.1 A after
  alignment) are removed.
Stage 3, split by molecule (seeded shuffle): 80 % train / 10 % validation / 10 % held-out.

Usage: nice -n 19 /usr/bin/python3 gen_molecules.py [--target 10000] [--confs 5] [--seed 0] [--resume]
Writes data/molecules/qm9mini.pkl (+ progress files), ../../starter/qm9-mini-edm/train-smiles.txt
"""
import argparse
import json
import pickle
import time
from pathlib import Path

import numpy as np
from rdkit import Chem
from rdkit.Chem import AllChem, rdMolAlign

from chem import ATOMS

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "molecules"
STARTER_EDM = HERE.parent.parent / "starter" / "qm9-mini-edm"
VAL = {"C": 4, "N": 3, "O": 2, "F": 1}
N_HEAVY_P = np.array([.2, .3, .5, 1, 2, 4, 9, 20, 63]) / 100.0
ELEM = ["C", "N", "O", "F"]
ELEM_P = [0.66, 0.14, 0.18, 0.02]


def graph_dist(nbrs, src, n):
    d = [-1] * n
    d[src], frontier = 0, [src]
    while frontier:
        nxt = []
        for u in frontier:
            for v in nbrs[u]:
                if d[v] < 0:
                    d[v] = d[u] + 1
                    nxt.append(v)
        frontier = nxt
    return d


def grow(rng: np.random.Generator):
    n = int(rng.choice(np.arange(1, 10), p=N_HEAVY_P / N_HEAVY_P.sum()))
    el = [str(rng.choice(ELEM, p=ELEM_P))]
    if el[0] == "F" and n > 1:
        el[0] = "C"
    free = [VAL[el[0]]]
    bonds = {}
    nbrs = [[]]
    for k in range(1, n):
        cand = [i for i in range(k) if free[i] >= 1]
        if not cand:
            return None
        e = str(rng.choice(ELEM, p=ELEM_P))
        i = int(rng.choice(cand))
        if e == "F" and k < n - 1 and len(cand) == 1 and free[i] == 1:
            e = "C"  # do not terminate the growth with F
        maxo = min(free[i], VAL[e], 1 if e == "F" else 3)
        w = np.array([.78, .16, .06])[:maxo]
        o = int(rng.choice(np.arange(1, maxo + 1), p=w / w.sum()))
        el.append(e)
        free.append(VAL[e] - o)
        free[i] -= o
        bonds[(i, k)] = o
        nbrs.append([i])
        nbrs[i].append(k)
    for _ in range(int(rng.choice(4, p=[.35, .40, .20, .05]))):
        pairs = []
        for i in range(n):
            if free[i] < 1:
                continue
            d = graph_dist(nbrs, i, n)
            pairs += [(i, j) for j in range(i + 1, n) if free[j] >= 1 and 2 <= d[j] <= 6]
        if not pairs:
            break
        i, j = pairs[int(rng.integers(len(pairs)))]
        o = 2 if (rng.random() < 0.15 and free[i] >= 2 and free[j] >= 2) else 1
        bonds[(i, j)] = o
        free[i] -= o
        free[j] -= o
        nbrs[i].append(j)
        nbrs[j].append(i)
    for _ in range(int(rng.choice(3, p=[.6, .3, .1]))):
        c = [b for b, o in bonds.items() if o < 3 and free[b[0]] >= 1 and free[b[1]] >= 1]
        if not c:
            break
        b = c[int(rng.integers(len(c)))]
        bonds[b] += 1
        free[b[0]] -= 1
        free[b[1]] -= 1
    m = Chem.RWMol()
    for e in el:
        a = Chem.Atom(e)
        a.SetNoImplicit(False)
        m.AddAtom(a)
    bt = {1: Chem.BondType.SINGLE, 2: Chem.BondType.DOUBLE, 3: Chem.BondType.TRIPLE}
    for (i, j), o in bonds.items():
        m.AddBond(i, j, bt[o])
    try:
        mol = m.GetMol()
        Chem.SanitizeMol(mol)
    except Exception:
        return None
    return mol


def sane(mol) -> bool:
    if any(a.GetFormalCharge() != 0 or a.GetNumRadicalElectrons() != 0 for a in mol.GetAtoms()):
        return False
    if mol.GetNumHeavyAtoms() + sum(a.GetTotalNumHs() for a in mol.GetAtoms()) > 29:
        return False
    for b in mol.GetBonds():
        s = {b.GetBeginAtom().GetSymbol(), b.GetEndAtom().GetSymbol()}
        if s == {"O"} or s == {"F"} or ("F" in s and s & {"N", "O"}):
            return False
        if s <= {"N", "O"} and not b.GetIsAromatic():  # N-N, N-O (and N=N, N=O) only in aromatic rings
            return False
        if b.GetBondType() == Chem.BondType.TRIPLE and b.IsInRing():
            return False
    ri = mol.GetRingInfo()
    if any(len(r) > 7 for r in ri.AtomRings()):
        return False
    for a in mol.GetAtoms():
        dbl = [b for b in a.GetBonds() if b.GetBondType() == Chem.BondType.DOUBLE]
        if len(dbl) >= 2:  # no cumulated double bonds (allenes, ketenimines, ...)
            return False
        if a.IsInRingSize(3) or a.IsInRingSize(4):
            if any(b.GetBondType() == Chem.BondType.TRIPLE for b in a.GetBonds()):
                return False
    return True


def enumerate_smiles(target: int, seed: int, max_tries: int = 5_000_000) -> list:
    rng = np.random.default_rng(seed)
    seen, order, tries = set(), [], 0
    while len(order) < target and tries < max_tries:
        tries += 1
        mol = grow(rng)
        if mol is None or not sane(mol):
            continue
        smi = Chem.MolToSmiles(mol)
        if smi not in seen:
            seen.add(smi)
            order.append(smi)
    return order, tries


def embed(smi: str, seed: int, n_confs: int):
    mol = Chem.AddHs(Chem.MolFromSmiles(smi))
    p = AllChem.ETKDGv3()
    p.randomSeed = seed
    p.pruneRmsThresh = 0.1
    cids = list(AllChem.EmbedMultipleConfs(mol, numConfs=n_confs, params=p))
    if not cids:
        return None
    props = AllChem.MMFFGetMoleculeProperties(mol)
    if props is None:
        return None
    res = AllChem.MMFFOptimizeMoleculeConfs(mol, maxIters=2000)
    keep = [(c, e) for c, (status, e) in zip(cids, res) if status == 0]
    if not keep:
        return None
    noh = Chem.RemoveHs(mol)
    uniq = []
    for c, e in sorted(keep, key=lambda t: t[1]):
        if all(_rms(noh, c, u) >= 0.1 for u, _ in uniq):
            uniq.append((c, e))
    types = np.array([ATOMS.index(a.GetSymbol()) for a in mol.GetAtoms()], dtype=np.int64)
    mk = Chem.Mol(mol)
    Chem.Kekulize(mk, clearAromaticFlags=True)
    kbonds = np.array([[b.GetBeginAtomIdx(), b.GetEndAtomIdx(), int(b.GetBondTypeAsDouble())]
                       for b in mk.GetBonds()], dtype=np.int64).reshape(-1, 3)
    return {"smiles": smi, "types": types, "kbonds": kbonds, "molblock": Chem.MolToMolBlock(mol, confId=uniq[0][0]),
            "pos": [mol.GetConformer(c).GetPositions().astype(np.float32) for c, _ in uniq],
            "energy": [float(e) for _, e in uniq]}


def _rms(noh, c, u) -> float:
    a, b = Chem.Mol(noh, confId=c), Chem.Mol(noh, confId=u)
    return rdMolAlign.GetBestRMS(a, b)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=int, default=10000)
    ap.add_argument("--confs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--save-every", type=int, default=250)
    args = ap.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    smi_path = DATA / "enumerated.json"
    prog_path = DATA / "embedded.pkl"
    log = open(DATA / "gen.log", "a")
    t0 = time.time()
    if args.resume and smi_path.exists():
        en = json.loads(smi_path.read_text())
    else:
        smiles, tries = enumerate_smiles(args.target, args.seed)
        en = {"smiles": smiles, "tries": tries, "seconds": round(time.time() - t0, 1), "seed": args.seed}
        smi_path.write_text(json.dumps(en))
    log.write(f"# enumerated {len(en['smiles'])} unique SMILES in {en['tries']} growth attempts\n")
    log.flush()
    done = pickle.loads(prog_path.read_bytes()) if (args.resume and prog_path.exists()) else {"next": 0, "mols": [],
                                                                                             "failed": [], "cpu": 0.0}
    c0 = time.process_time()
    base_cpu = done["cpu"]

    def save():
        done["cpu"] = base_cpu + time.process_time() - c0
        tmp = prog_path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(done))
        tmp.replace(prog_path)

    smiles = en["smiles"]
    while done["next"] < len(smiles):
        i = done["next"]
        try:
            rec = embed(smiles[i], 1000 + i, args.confs)
        except Exception as e:  # noqa: BLE001
            rec = None
            log.write(f"error {i} {smiles[i]} {e}\n")
        if rec is None:
            done["failed"].append(smiles[i])
        else:
            rec["index"] = i
            done["mols"].append(rec)
        done["next"] = i + 1
        if done["next"] % args.save_every == 0:
            save()
            log.write(f"embedded {done['next']}/{len(smiles)} ok {len(done['mols'])} failed {len(done['failed'])} "
                      f"cpu {done['cpu']:.0f}s\n")
            log.flush()
    save()

    mols = done["mols"]
    rng = np.random.default_rng(args.seed + 1)
    perm = rng.permutation(len(mols))
    n_val = n_ho = len(mols) // 10
    split = np.empty(len(mols), dtype=object)
    split[perm[:n_ho]] = "heldout"
    split[perm[n_ho:n_ho + n_val]] = "val"
    split[perm[n_ho + n_val:]] = "train"
    for m, s in zip(mols, split):
        m["split"] = s
    out = {"mols": mols, "failed": done["failed"], "enumeration": {k: en[k] for k in ("tries", "seconds", "seed")},
           "n_enumerated": len(smiles), "embed_cpu_seconds": round(done["cpu"], 1), "confs": args.confs}
    (DATA / "qm9mini.pkl").write_bytes(pickle.dumps(out))
    STARTER_EDM.mkdir(parents=True, exist_ok=True)
    train_smiles = sorted(m["smiles"] for m in mols if m["split"] == "train")
    (STARTER_EDM / "train-smiles.txt").write_text("\n".join(train_smiles) + "\n")
    counts = {s: int((split == s).sum()) for s in ("train", "val", "heldout")}
    n_conf = {s: int(sum(len(m["pos"]) for m in mols if m["split"] == s)) for s in counts}
    summary = {"enumerated": len(smiles), "embedded": len(mols), "failed": len(done["failed"]),
               "molecules": counts, "conformers": n_conf, "embed_cpu_seconds": round(done["cpu"], 1)}
    log.write(f"# done {json.dumps(summary)}\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
