"""More training molecules for the qm9-mini models: the same generator as gen_molecules.py
(random graph growth under valence rules, the same filters, ETKDGv3 + MMFF94, duplicate
conformers removed), with another seed, keeping only molecules whose canonical SMILES is not
among the base set's enumerated molecules (data/molecules/enumerated.json, any split). Every molecule of the extension is
training data: the base set's validation and held-out molecules stay unseen.

Usage: nice -n 15 /usr/bin/python3 extend_molecules.py [--target 15000] [--confs 5] [--seed 1] [--resume]
       [--limit L]
Writes data/molecules/qm9mini-extra.pkl (+ progress files); data.load() merges it as "train",
and ../../starter/qm9-mini-edm/train-smiles.txt is rewritten with every training molecule.
"""
import argparse
import json
import pickle
import time

import numpy as np

import data as D
from gen_molecules import DATA, STARTER_EDM, embed, enumerate_smiles


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=int, default=15000)
    ap.add_argument("--confs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--save-every", type=int, default=250)
    ap.add_argument("--limit", type=int, default=0, help="embed only the first L molecules (with --resume: "
                                                        "finish from the progress file)")
    args = ap.parse_args()
    known = set(json.loads((DATA / "enumerated.json").read_text())["smiles"])  # the base set, any split
    smi_path = DATA / "enumerated-extra.json"
    prog_path = DATA / "embedded-extra.pkl"
    log = open(DATA / "gen-extra.log", "a")
    t0 = time.time()
    if args.resume and smi_path.exists():
        en = json.loads(smi_path.read_text())
    else:
        # Enumerate past the base set's size so that, after removing known molecules, target remain.
        smiles, tries = enumerate_smiles(args.target + len(known), args.seed, max_tries=20_000_000)
        smiles = [s for s in smiles if s not in known][:args.target]
        en = {"smiles": smiles, "tries": tries, "seconds": round(time.time() - t0, 1), "seed": args.seed}
        smi_path.write_text(json.dumps(en))
    log.write(f"# {len(en['smiles'])} new unique SMILES in {en['tries']} growth attempts\n")
    log.flush()
    done = pickle.loads(prog_path.read_bytes()) if (args.resume and prog_path.exists()) else {
        "next": 0, "mols": [], "failed": [], "cpu": 0.0}
    c0, base_cpu = time.process_time(), done["cpu"]

    def save():
        done["cpu"] = base_cpu + time.process_time() - c0
        tmp = prog_path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(done))
        tmp.replace(prog_path)

    smiles = en["smiles"][:args.limit] if args.limit else en["smiles"]
    while done["next"] < len(smiles):
        i = done["next"]
        try:
            rec = embed(smiles[i], 500_000 + i, args.confs)
        except Exception as e:  # noqa: BLE001
            rec = None
            log.write(f"error {i} {smiles[i]} {e}\n")
        if rec is None:
            done["failed"].append(smiles[i])
        else:
            rec["index"] = i
            rec["split"] = "train"
            done["mols"].append(rec)
        done["next"] = i + 1
        if done["next"] % args.save_every == 0:
            save()
            log.write(f"embedded {done['next']}/{len(smiles)} ok {len(done['mols'])} cpu {done['cpu']:.0f}s\n")
            log.flush()
    save()
    out = {"mols": done["mols"], "failed": done["failed"], "confs": args.confs,
           "enumeration": {k: en[k] for k in ("tries", "seconds", "seed")}, "n_enumerated": len(smiles),
           "embed_cpu_seconds": round(done["cpu"], 1)}
    tmp = D.PKL_EXTRA.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(out))
    tmp.replace(D.PKL_EXTRA)
    merged = D.load()
    train_smiles = sorted(m["smiles"] for m in merged["mols"] if m["split"] == "train")
    (STARTER_EDM / "train-smiles.txt").write_text("\n".join(train_smiles) + "\n")
    summary = {"new_molecules": len(done["mols"]), "failed": len(done["failed"]),
               "conformers": int(sum(len(m["pos"]) for m in done["mols"])), "train_molecules": len(train_smiles),
               "embed_cpu_seconds": out["embed_cpu_seconds"]}
    log.write(f"# done {json.dumps(summary)}\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
