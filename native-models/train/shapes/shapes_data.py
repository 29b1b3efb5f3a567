"""Procedural 3D shape generator for the shapes-2k starter model (numpy only).

Every shape is a composite of triangle-mesh primitives (boxes, general hexahedra,
surfaces of revolution: cylinders / cones / frusta / spheres / ellipsoids / swept
profiles, tori, tubes swept along a polyline, extruded star-shaped outlines), placed by
per-class parametric rules with random proportions and optional parts. The composite is
surface-sampled area-weighted (every triangle of every part, overlaps included, gets
points in proportion to its area; uniform barycentric sampling inside a triangle) to
N = 2048 points and normalised:

    centre = (min + max) / 2 over the sampled points (per axis, axis-aligned bounding box)
    scale  = max over the three axes of (max - min) / 2          (the max half-extent)
    x     <- (x - centre) / scale                                (so x lies in [-1, 1]^3 and
                                                                  the longest axis spans it)

Axes: y is up, shapes stand on y = min; the "front"/long axis is z (ShapeNet-like,
aligned, no random rotation).

Usage: /usr/bin/python3 shapes_data.py [--train-per-class 800] [--heldout-per-class 64]
       [--export-per-class 24] [--seed 0]
Writes data/shapes/shapes2k.npz (train + held-out, float32) and, for the app,
../../starter/shapes-2k/heldout.bin + heldout.json (the first --export-per-class held-out
shapes of every class) and preview-data.png.
"""
import argparse
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "shapes"
STARTER = HERE.parent.parent / "starter" / "shapes-2k"
N_POINTS = 2048
SEGMENTS = 40  # segments around a surface of revolution / torus

# ---------------------------------------------------------------- mesh primitives
# A mesh is (V [n,3] float64, F [m,3] int).


def rot(axis: str, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    if axis == "x":
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    if axis == "y":
        return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def place(mesh, R=None, t=(0, 0, 0)):
    V, F = mesh
    if R is not None:
        V = V @ np.asarray(R).T
    return V + np.asarray(t, dtype=np.float64), F


def hexahedron(c: np.ndarray):
    """8 corners in the order of box(): bottom (y-) face 0..3, top face 4..7."""
    F = np.array([[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
                  [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]])
    return np.asarray(c, dtype=np.float64), F


def box(sx, sy, sz, t=(0, 0, 0), R=None):
    x, y, z = sx / 2, sy / 2, sz / 2
    c = np.array([[-x, -y, -z], [x, -y, -z], [x, -y, z], [-x, -y, z],
                  [-x, y, -z], [x, y, -z], [x, y, z], [-x, y, z]])
    return place(hexahedron(c), R, t)


def revolve(profile, segments=SEGMENTS, cap_bottom=True, cap_top=True):
    """Surface of revolution about +y; profile = [(r, y), ...] from bottom to top."""
    prof = np.asarray(profile, dtype=np.float64)
    th = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    rings = [np.stack([r * np.cos(th), np.full_like(th, y), r * np.sin(th)], 1) for r, y in prof]
    V = np.concatenate(rings)
    F = []
    for i in range(len(prof) - 1):
        a, b = i * segments, (i + 1) * segments
        for j in range(segments):
            k = (j + 1) % segments
            F += [[a + j, b + j, b + k], [a + j, b + k, a + k]]
    extra = []
    if cap_bottom and prof[0, 0] > 1e-9:
        ci = len(V) + len(extra)
        extra.append([0.0, prof[0, 1], 0.0])
        F += [[ci, j, (j + 1) % segments] for j in range(segments)]
    if cap_top and prof[-1, 0] > 1e-9:
        ci = len(V) + len(extra)
        extra.append([0.0, prof[-1, 1], 0.0])
        o = (len(prof) - 1) * segments
        F += [[ci, o + j, o + (j + 1) % segments] for j in range(segments)]
    if extra:
        V = np.concatenate([V, np.array(extra)])
    return V, np.array(F)


def cylinder(r, h, t=(0, 0, 0), R=None, caps=True, r_top=None):
    rt = r if r_top is None else r_top
    return place(revolve([(r, -h / 2), (rt, h / 2)], cap_bottom=caps, cap_top=caps), R, t)


def ellipsoid(a, b, c, t=(0, 0, 0), R=None, rings=16):
    phi = np.linspace(-np.pi / 2, np.pi / 2, rings + 1)
    V, F = revolve([(max(np.cos(p), 0.0), np.sin(p)) for p in phi], cap_bottom=False, cap_top=False)
    return place((V * np.array([a, b, c]), F), R, t)


def torus(R0, r, arc=2 * np.pi, t=(0, 0, 0), R=None, seg_u=SEGMENTS, seg_v=12):
    """Torus in the xy plane around the z axis, arc from -arc/2 to arc/2 (open ends)."""
    closed = arc >= 2 * np.pi - 1e-9
    nu = seg_u if closed else seg_u + 1
    u = np.linspace(-arc / 2, arc / 2, seg_u, endpoint=False) if closed else np.linspace(-arc / 2, arc / 2, nu)
    v = np.linspace(0, 2 * np.pi, seg_v, endpoint=False)
    uu, vv = np.meshgrid(u, v, indexing="ij")
    rr = R0 + r * np.cos(vv)
    V = np.stack([rr * np.cos(uu), rr * np.sin(uu), r * np.sin(vv)], -1).reshape(-1, 3)
    F = []
    for i in range(seg_u if closed else nu - 1):
        i2 = (i + 1) % nu
        for j in range(seg_v):
            j2 = (j + 1) % seg_v
            a, b, c, d = i * seg_v + j, i2 * seg_v + j, i2 * seg_v + j2, i * seg_v + j2
            F += [[a, b, c], [a, c, d]]
    return place((V, np.array(F)), R, t)


def tube(path, r, seg_v=10):
    """Open tube of radius r swept along a polyline (parallel-transported frame)."""
    P = np.asarray(path, dtype=np.float64)
    T = np.gradient(P, axis=0)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    ref = np.array([0.0, 0.0, 1.0]) if abs(T[0, 2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    n = np.cross(T[0], ref)
    n /= np.linalg.norm(n)
    v = np.linspace(0, 2 * np.pi, seg_v, endpoint=False)
    V = []
    for i in range(len(P)):
        if i > 0:  # parallel transport of the normal
            n = n - T[i] * (n @ T[i])
            n /= np.linalg.norm(n)
        b = np.cross(T[i], n)
        V.append(P[i] + r * (np.cos(v)[:, None] * n + np.sin(v)[:, None] * b))
    V = np.concatenate(V)
    F = []
    for i in range(len(P) - 1):
        for j in range(seg_v):
            j2 = (j + 1) % seg_v
            a, b_, c, d = i * seg_v + j, (i + 1) * seg_v + j, (i + 1) * seg_v + j2, i * seg_v + j2
            F += [[a, b_, c], [a, c, d]]
    return V, np.array(F)


def extrude(outline, thickness, t=(0, 0, 0), R=None):
    """Prism from a star-shaped (about its first-moment centre) 2D outline in the xy plane,
    extruded along z from -thickness/2 to +thickness/2; closed top and bottom."""
    O = np.asarray(outline, dtype=np.float64)
    n = len(O)
    c = O.mean(0)
    z0, z1 = -thickness / 2, thickness / 2
    V = np.concatenate([np.c_[O, np.full(n, z0)], np.c_[O, np.full(n, z1)],
                        [[c[0], c[1], z0], [c[0], c[1], z1]]])
    F = []
    for j in range(n):
        k = (j + 1) % n
        F += [[j, k, n + k], [j, n + k, n + j], [2 * n, k, j], [2 * n + 1, n + j, n + k]]
    return place((V, np.array(F)), R, t)


def merge(meshes):
    Vs, Fs, off = [], [], 0
    for V, F in meshes:
        Vs.append(V)
        Fs.append(F + off)
        off += len(V)
    return np.concatenate(Vs), np.concatenate(Fs)


def sample_surface(mesh, n: int, rng: np.random.Generator) -> np.ndarray:
    V, F = mesh
    a, b, c = V[F[:, 0]], V[F[:, 1]], V[F[:, 2]]
    area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    tri = rng.choice(len(F), size=n, p=area / area.sum())
    r1, r2 = rng.random(n), rng.random(n)
    s = np.sqrt(r1)
    w0, w1, w2 = 1 - s, s * (1 - r2), s * r2
    return w0[:, None] * a[tri] + w1[:, None] * b[tri] + w2[:, None] * c[tri]


def normalise(p: np.ndarray) -> tuple:
    lo, hi = p.min(0), p.max(0)
    centre = (lo + hi) / 2
    scale = ((hi - lo) / 2).max()
    return (p - centre) / scale, centre, scale


# ---------------------------------------------------------------- classes
U = lambda rng, a, b: float(rng.uniform(a, b))  # noqa: E731


def legs4(rng, w, d, h, inset, round_legs, r, top_y):
    parts = []
    for sx in (-1, 1):
        for sz in (-1, 1):
            x, z = sx * (w / 2 - inset), sz * (d / 2 - inset)
            if round_legs:
                parts.append(cylinder(r, h, t=(x, top_y - h / 2, z)))
            else:
                parts.append(box(2 * r, h, 2 * r, t=(x, top_y - h / 2, z)))
    return parts


def chair(rng):
    w, d, th = U(rng, 0.8, 1.2), U(rng, 0.8, 1.2), U(rng, 0.05, 0.12)
    H = U(rng, 0.8, 1.15)
    parts = [box(w, th, d, t=(0, H, 0))]
    r = U(rng, 0.025, 0.06)
    if rng.random() < 0.2:  # swivel base: pole + 5 star feet
        parts.append(cylinder(U(rng, 0.04, 0.07), H - 0.1, t=(0, 0.1 + (H - 0.1) / 2, 0)))
        L = U(rng, 0.35, 0.5)
        for k in range(5):
            a = 2 * np.pi * k / 5
            parts.append(box(L, 0.05, 0.07, t=(L / 2 * np.cos(a), 0.07, L / 2 * np.sin(a)), R=rot("y", -a)))
    else:
        parts += legs4(rng, w, d, H - th / 2, U(rng, 0.03, 0.1), rng.random() < 0.5, r, H - th / 2)
        if rng.random() < 0.35:  # stretchers
            y = U(rng, 0.15, 0.35) * H
            parts.append(box(w - 0.1, 0.04, 0.04, t=(0, y, 0)))
            parts.append(box(0.04, 0.04, d - 0.1, t=(0, y, 0)))
    bh, bt = U(rng, 0.7, 1.3), U(rng, 0.04, 0.1)
    tilt = U(rng, 0.0, 0.25)
    Rb = rot("x", -tilt)
    base = np.array([0, H + th / 2, -d / 2 + bt / 2])
    up = Rb @ np.array([0, 1, 0])
    if rng.random() < 0.6:
        parts.append(box(w, bh, bt, t=base + up * bh / 2, R=Rb))
    else:  # posts + top rail + slats
        pw = U(rng, 0.05, 0.09)
        for sx in (-1, 1):
            parts.append(box(pw, bh, bt, t=base + up * bh / 2 + np.array([sx * (w / 2 - pw / 2), 0, 0]), R=Rb))
        rail = U(rng, 0.1, 0.25)
        parts.append(box(w, rail, bt, t=base + up * (bh - rail / 2), R=Rb))
        ns = int(rng.integers(2, 6))
        for k in range(ns):
            x = (k + 1) / (ns + 1) * (w - pw) - (w - pw) / 2
            parts.append(box(0.05, bh - rail, bt * 0.7, t=base + up * (bh - rail) / 2 + np.array([x, 0, 0]), R=Rb))
    if rng.random() < 0.3:  # armrests
        ah = U(rng, 0.2, 0.35)
        for sx in (-1, 1):
            x = sx * (w / 2 + 0.04)
            parts.append(box(0.08, 0.05, d * 0.9, t=(x, H + ah, 0)))
            parts.append(box(0.05, ah, 0.05, t=(x, H + ah / 2, d * 0.35)))
    return parts


def table(rng):
    H, th = U(rng, 0.6, 0.9), U(rng, 0.04, 0.1)
    parts = []
    if rng.random() < 0.35:  # round top
        rt = U(rng, 0.5, 0.9)
        parts.append(cylinder(rt, th, t=(0, H - th / 2, 0)))
        if rng.random() < 0.6:  # pedestal
            parts.append(cylinder(U(rng, 0.05, 0.12), H - th, t=(0, (H - th) / 2, 0)))
            if rng.random() < 0.5:
                parts.append(cylinder(U(rng, 0.25, 0.45) * rt / 0.7, 0.05, t=(0, 0.025, 0)))
            else:
                L = U(rng, 0.5, 0.8) * rt
                for k in range(4):
                    a = np.pi / 2 * k + np.pi / 4
                    parts.append(box(L, 0.06, 0.08, t=(L / 2 * np.cos(a), 0.03, L / 2 * np.sin(a)), R=rot("y", -a)))
        else:
            s = rt * np.sqrt(2) * U(rng, 0.6, 0.85)
            parts += legs4(rng, s, s, H - th, 0.0, True, U(rng, 0.025, 0.05), H - th)
        return parts
    w, d = U(rng, 1.2, 2.2), U(rng, 0.7, 1.3)
    parts.append(box(w, th, d, t=(0, H - th / 2, 0)))
    r = U(rng, 0.03, 0.07)
    inset = U(rng, 0.03, 0.15)
    parts += legs4(rng, w, d, H - th, inset, rng.random() < 0.4, r, H - th)
    if rng.random() < 0.45:  # apron
        ah = U(rng, 0.06, 0.14)
        y = H - th - ah / 2
        for sz in (-1, 1):
            parts.append(box(w - 2 * inset, ah, 0.03, t=(0, y, sz * (d / 2 - inset))))
        for sx in (-1, 1):
            parts.append(box(0.03, ah, d - 2 * inset, t=(sx * (w / 2 - inset), y, 0)))
    if rng.random() < 0.2:  # lower shelf
        parts.append(box(w - 2 * inset, 0.03, d - 2 * inset, t=(0, U(rng, 0.1, 0.25), 0)))
    return parts


def lamp(rng):
    parts = []
    if rng.random() < 0.5:
        br, bh = U(rng, 0.15, 0.3), U(rng, 0.03, 0.08)
        parts.append(cylinder(br, bh, t=(0, bh / 2, 0)))
    else:
        bs, bh = U(rng, 0.25, 0.5), U(rng, 0.03, 0.08)
        parts.append(box(bs, bh, bs, t=(0, bh / 2, 0)))
    pr = U(rng, 0.012, 0.03)
    if rng.random() < 0.6:  # straight pole + shade
        ph = U(rng, 0.8, 1.8)
        parts.append(cylinder(pr, ph, t=(0, bh + ph / 2, 0), caps=False))
        top = np.array([0, bh + ph, 0])
        if rng.random() < 0.75:
            rb, rtp, sh = U(rng, 0.2, 0.45), U(rng, 0.08, 0.25), U(rng, 0.2, 0.45)
            parts.append(cylinder(rb, sh, t=top + [0, -sh * U(rng, 0.2, 0.6), 0], caps=False, r_top=rtp))
        else:
            g = U(rng, 0.12, 0.25)
            parts.append(ellipsoid(g, g, g, t=top + [0, g * 0.8, 0]))
    else:  # desk lamp: two arm segments + cone shade pointing down
        l1, l2 = U(rng, 0.5, 0.9), U(rng, 0.4, 0.8)
        a1, a2 = U(rng, -0.5, 0.2), U(rng, 0.6, 1.4)
        p0 = np.array([0, bh, 0])
        p1 = p0 + l1 * np.array([0, np.cos(a1), np.sin(a1)])
        p2 = p1 + l2 * np.array([0, np.cos(a2), np.sin(a2)])
        parts.append(tube(np.linspace(p0, p1, 6), pr))
        parts.append(tube(np.linspace(p1, p2, 6), pr))
        parts.append(ellipsoid(pr * 2, pr * 2, pr * 2, t=p1))
        sr, sh = U(rng, 0.12, 0.25), U(rng, 0.15, 0.3)
        parts.append(cylinder(sr, sh, t=p2 + [0, -sh / 2, 0.05], caps=False, r_top=sr * U(rng, 0.2, 0.5)))
    return parts


def mug(rng):
    r, h = U(rng, 0.35, 0.5), U(rng, 0.7, 1.2)
    taper = U(rng, 0.85, 1.1)
    wall = U(rng, 0.03, 0.06)
    rt = r * taper
    parts = [revolve([(0.0, 0.0), (r, 0.0), (rt, h), (rt - wall, h), (r - wall, wall), (0.0, wall)],
                     cap_bottom=False, cap_top=False)]
    hr, tr = U(rng, 0.18, 0.32) * h, U(rng, 0.03, 0.06)
    rm = (r + rt) / 2
    cy = h * U(rng, 0.45, 0.6)
    if rng.random() < 0.75:
        parts.append(torus(hr, tr, arc=U(rng, 3.4, 3.9), t=(rm - tr, cy, 0)))
    else:  # squared handle
        ext = U(rng, 0.15, 0.3)
        P = [[rm - 0.02, cy + hr, 0], [rm + ext, cy + hr, 0], [rm + ext, cy - hr, 0], [rm - 0.02, cy - hr, 0]]
        path = np.concatenate([np.linspace(P[i], P[i + 1], 5, endpoint=i == 2) for i in range(3)])
        parts.append(tube(path, tr))
    return parts


def airplane(rng):
    L, fr = U(rng, 2.5, 4.0), U(rng, 0.13, 0.28)
    nose, tail = U(rng, 0.1, 0.2), U(rng, 0.2, 0.35)
    prof = []
    for s in np.linspace(0, 1, 9):  # rounded nose
        prof.append((fr * np.sqrt(max(1 - (1 - s) ** 2, 0)), L * nose * s))
    prof.append((fr, L * (1 - tail)))
    prof.append((fr * U(rng, 0.1, 0.3), L))
    parts = [place(revolve(prof, cap_bottom=False), rot("x", np.pi / 2))]  # fuselage along +z from z=0

    def wing(span, chord, thick, sweep, dihedral, z, y, taper):
        out = []
        for sx in (-1, 1):
            tip = np.array([sx * span, y + span * np.tan(dihedral), z + span * np.tan(sweep)])
            root = np.array([0, y, z])
            c = []
            for yy in (-thick / 2, thick / 2):
                c += [root + [0, yy, -chord / 2], tip + [0, yy * taper, -chord * taper / 2],
                      tip + [0, yy * taper, chord * taper / 2], root + [0, yy, chord / 2]]
            out.append(hexahedron(np.array(c)))
        return out

    span = U(rng, 0.35, 0.6) * L * U(rng, 0.9, 1.2)
    wz = L * U(rng, 0.38, 0.55)
    wy = U(rng, -0.6, 0.4) * fr
    sweep = U(rng, 0.0, 0.6)
    parts += wing(span, U(rng, 0.12, 0.25) * L, 0.04, sweep, U(rng, -0.05, 0.12), wz, wy, U(rng, 0.3, 0.8))
    parts += wing(span * U(rng, 0.25, 0.4), U(rng, 0.06, 0.1) * L, 0.03, sweep, 0.0, L * 0.93, 0.0, 0.6)
    fh = U(rng, 0.12, 0.25) * L
    fc = U(rng, 0.08, 0.14) * L
    c = []
    for xx in (-0.015, 0.015):
        c += [[xx, 0, L * 0.97 - fc], [xx, fh, L * 0.97 - fc * 0.4 + fh * np.tan(sweep)],
              [xx, fh, L * 0.97 + fh * np.tan(sweep)], [xx, 0, L * 0.97]]
    parts.append(hexahedron(np.array(c)))  # "bottom" quad at x-, "top" quad at x+
    ne = int(rng.choice([0, 2, 2, 4]))
    er, el = U(rng, 0.05, 0.09) * L / 3, U(rng, 0.12, 0.2) * L
    for k in range(ne):
        sx = -1 if k % 2 == 0 else 1
        frac = 0.35 if k < 2 else 0.7
        x = sx * span * frac
        parts.append(place(cylinder(er, el, caps=True), rot("x", np.pi / 2),
                           (x, wy + span * frac * 0.05 - er * 1.3, wz - el * 0.3 + span * frac * np.tan(sweep))))
    return parts


def car(rng):
    L, W = U(rng, 3.5, 5.0), U(rng, 1.6, 2.0)
    H1, clear = U(rng, 0.5, 0.8), U(rng, 0.15, 0.35)
    parts = [box(W, H1, L, t=(0, clear + H1 / 2, 0))]
    cl = U(rng, 0.4, 0.75) * L
    ch = U(rng, 0.4, 0.7) if rng.random() < 0.8 else U(rng, 0.7, 1.0)
    cz = U(rng, -0.2, 0.1) * L
    slope_f, slope_r = U(rng, 0.1, 0.35) * cl, U(rng, 0.05, 0.3) * cl
    y0, y1 = clear + H1, clear + H1 + ch
    wb, wt = W * 0.92, W * U(rng, 0.75, 0.9)
    z0, z1 = cz - cl / 2, cz + cl / 2
    c = [[-wb / 2, y0, z0], [wb / 2, y0, z0], [wb / 2, y0, z1], [-wb / 2, y0, z1],
         [-wt / 2, y1, z0 + slope_r], [wt / 2, y1, z0 + slope_r], [wt / 2, y1, z1 - slope_f], [-wt / 2, y1, z1 - slope_f]]
    parts.append(hexahedron(np.array(c)))
    wr = U(rng, 0.3, 0.42)
    ww = U(rng, 0.2, 0.3)
    wbase = U(rng, 0.55, 0.7) * L / 2
    for sz in (-1, 1):
        for sx in (-1, 1):
            parts.append(cylinder(wr, ww, t=(sx * (W / 2 - ww / 2 + 0.05), wr, sz * wbase), R=rot("z", np.pi / 2)))
    if rng.random() < 0.3:  # spoiler
        parts.append(box(W * 0.9, 0.05, 0.25, t=(0, y0 + 0.2, -L / 2 + 0.2)))
        for sx in (-1, 1):
            parts.append(box(0.05, 0.2, 0.05, t=(sx * W * 0.35, y0 + 0.1, -L / 2 + 0.2)))
    return parts


def bottle(rng):
    rb, hb = U(rng, 0.25, 0.45), U(rng, 0.7, 1.6)
    sl = U(rng, 0.08, 0.5)
    rn = U(rng, 0.06, 0.16)
    nl = U(rng, 0.1, 0.5)
    prof = [(rb * 0.9, 0.0), (rb, 0.03), (rb, hb)]
    for s in np.linspace(0, 1, 7)[1:]:  # shoulder: cosine blend body -> neck
        prof.append((rn + (rb - rn) * 0.5 * (1 + np.cos(np.pi * s)), hb + sl * s))
    prof.append((rn, hb + sl + nl))
    parts = [revolve(prof, cap_top=False)]
    if rng.random() < 0.8:  # cap
        cr, chh = rn * U(rng, 1.05, 1.3), U(rng, 0.06, 0.15)
        parts.append(cylinder(cr, chh, t=(0, hb + sl + nl + chh / 2 - 0.02, 0)))
    if rng.random() < 0.3:  # handle-less square-ish variant: a label band
        parts.append(cylinder(rb * 1.01, hb * 0.4, t=(0, hb * 0.5, 0), caps=False))
    return parts


def guitar(rng):
    R1, R2 = U(rng, 0.45, 0.6), U(rng, 0.32, 0.45)
    d1, d2 = U(rng, 0.3, 0.8) * R1, U(rng, 0.3, 0.8) * R2
    th = U(rng, 0.12, 0.3) if rng.random() < 0.7 else U(rng, 0.06, 0.1)
    ang = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    out = []
    for a in ang:  # ray from the origin: the union of two discs is star-shaped about it
        dvec = np.array([np.cos(a), np.sin(a)])
        s = 0.0
        for cy, R in ((-d1, R1), (d2, R2)):
            c = np.array([0.0, cy])
            b = dvec @ c
            s = max(s, b + np.sqrt(max(b * b - c @ c + R * R, 0.0)))
        out.append(dvec * s)
    out = np.array(out)
    parts = [extrude(out, th)]
    top = out[:, 1].max()
    nl, nw = U(rng, 1.0, 1.5), U(rng, 0.1, 0.15)
    parts.append(box(nw, nl, 0.07, t=(0, top + nl / 2 - 0.05, th / 2 - 0.035)))
    hl = U(rng, 0.2, 0.35)
    tilt = U(rng, 0.0, 0.3)
    Rh = rot("x", tilt)
    parts.append(box(nw * U(rng, 1.3, 1.8), hl, 0.06,
                     t=np.array([0, top + nl - 0.05, th / 2 - 0.035]) + Rh @ np.array([0, hl / 2, 0]), R=Rh))
    parts.append(cylinder(U(rng, 0.08, 0.15), 0.005, t=(0, d2 * 0.3, th / 2), R=rot("x", np.pi / 2), caps=True))
    # stand the guitar up: body bottom at y=0, neck up, face towards +z
    return parts


CLASSES = {"chair": chair, "table": table, "lamp": lamp, "mug": mug,
           "airplane": airplane, "car": car, "bottle": bottle, "guitar": guitar}


def make_cloud(name: str, rng: np.random.Generator, n: int = N_POINTS) -> np.ndarray:
    mesh = merge(CLASSES[name](rng))
    pts = sample_surface(mesh, n, rng)
    return normalise(pts)[0].astype(np.float32)


def make_split(per_class: int, seed: int) -> tuple:
    clouds, labels = [], []
    for k, name in enumerate(CLASSES):
        rng = np.random.default_rng([seed, k])
        for _ in range(per_class):
            clouds.append(make_cloud(name, rng))
            labels.append(k)
    return np.stack(clouds), np.array(labels, dtype=np.int64)


def preview(clouds, labels, path: Path, per_class: int = 6, title: str = "") -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = list(CLASSES)
    fig = plt.figure(figsize=(per_class * 1.6, len(names) * 1.6), dpi=90)
    for k in range(len(names)):
        idx = np.flatnonzero(labels == k)[:per_class]
        for j, i in enumerate(idx):
            ax = fig.add_subplot(len(names), per_class, k * per_class + j + 1, projection="3d")
            p = clouds[i]
            ax.scatter(p[:, 0], p[:, 2], p[:, 1], s=0.3, c=p[:, 1], cmap="viridis", linewidths=0)
            ax.set_xlim(-1, 1), ax.set_ylim(-1, 1), ax.set_zlim(-1, 1)
            ax.view_init(elev=20, azim=-35)
            ax.set_axis_off()
            if j == 0:
                ax.set_title(names[k], fontsize=8, loc="left")
    if title:
        fig.suptitle(title, fontsize=9)
    fig.subplots_adjust(0, 0, 1, 0.97, 0, 0.05)
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train-per-class", type=int, default=800)
    ap.add_argument("--heldout-per-class", type=int, default=64)
    ap.add_argument("--export-per-class", type=int, default=24)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    STARTER.mkdir(parents=True, exist_ok=True)

    tr_x, tr_y = make_split(args.train_per_class, args.seed)
    ho_x, ho_y = make_split(args.heldout_per_class, args.seed + 1000)  # disjoint random stream
    sigma_data = float(tr_x.reshape(-1).std())
    np.savez(DATA / "shapes2k.npz", train_x=tr_x, train_y=tr_y, heldout_x=ho_x, heldout_y=ho_y,
             classes=np.array(list(CLASSES)), sigma_data=np.float32(sigma_data))

    keep = np.concatenate([np.flatnonzero(ho_y == k)[: args.export_per_class] for k in range(len(CLASSES))])
    ex = np.ascontiguousarray(ho_x[keep], dtype="<f4")
    (STARTER / "heldout.bin").write_bytes(ex.tobytes())
    header = {
        "format": "float32 little-endian, C order [count, N, 3] (x, y, z per point); shapes grouped by class "
                  "in class order, counts[k] shapes of class k",
        "file": "heldout.bin", "bytes": int(ex.nbytes), "dtype": "float32", "endianness": "little",
        "shape": list(ex.shape), "N": N_POINTS, "classes": list(CLASSES),
        "counts": [int(args.export_per_class)] * len(CLASSES), "labels": ho_y[keep].tolist(),
        "normalisation": "per shape: centre = (min+max)/2 of the sampled points per axis; scale = max over axes "
                         "of (max-min)/2; x <- (x-centre)/scale, so every shape lies in [-1,1]^3 and its longest "
                         "axis spans [-1,1]",
        "axes": "y up (shapes stand on y = -1 after normalisation), long/front axis z; no random rotation",
        "sampling": "area-weighted uniform sampling of the composite triangle meshes (overlapping parts included)",
        "generator": "native-models/train/shapes/shapes_data.py",
        "seed": args.seed + 1000, "split": "held-out (never trained on; separate random stream)",
        "sigma_data_train": round(sigma_data, 6),
    }
    (STARTER / "heldout.json").write_text(json.dumps(header, indent=2) + "\n")
    preview(ho_x, ho_y, STARTER / "preview-data.png", title="shapes-2k held-out data (procedural)")
    print(json.dumps({"train": list(tr_x.shape), "heldout": list(ho_x.shape), "exported": list(ex.shape),
                      "bytes": int(ex.nbytes), "sigma_data": sigma_data}))


if __name__ == "__main__":
    main()
