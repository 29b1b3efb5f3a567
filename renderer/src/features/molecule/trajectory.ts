// A molecule's denoising trajectory for replay: the frames of its multi-frame XYZ, each with bonds
// perceived from its own distances (atoms settle, elements change, bonds come and go). The last frame
// is the result: when it has the output's atoms, the output's own bonds are drawn there.
import { perceiveBonds } from './bonds'
import type { Molecule } from './molecule'
import type { Drawable } from './molecule-view'
import { parseXyz, type XyzFrame } from './xyz'

export interface MoleculeFrames {
  readonly count: number
  readonly sigmas: readonly (number | null)[]
  frame(f: number): Drawable
}

const sameAtoms = (frame: XyzFrame, m: Molecule) =>
  frame.elements.length === m.elements.length && frame.elements.every((e, i) => e === m.elements[i])

export function moleculeFrames(text: string, output?: Molecule): MoleculeFrames {
  const frames = parseXyz(text)
  const drawn = new Map<number, Drawable>()
  return {
    count: frames.length,
    sigmas: frames.map((f) => f.sigma),
    frame(f) {
      const k = Math.min(frames.length - 1, Math.max(0, f))
      const hit = drawn.get(k)
      if (hit) return hit
      const { elements, positions } = frames[k]
      const made =
        k === frames.length - 1 && output && sameAtoms(frames[k], output)
          ? { elements, positions, bonds: output.bonds }
          : { elements, positions, bonds: perceiveBonds(elements, positions) }
      drawn.set(k, made)
      return made
    }
  }
}
