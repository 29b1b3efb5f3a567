// Multi-frame XYZ text, as the engine writes a molecule's denoising trajectory: per frame an atom
// count line, a comment line (the engine puts `sigma=<value>` in it), then `Symbol x y z` lines (Å;
// extra columns, as in extended XYZ, are ignored). Elements may change from frame to frame (atom
// types are denoised too); the atom count may as well.
import { linesOf } from '../../lib/contract'
import { normaliseSymbol } from './elements'

export interface XyzFrame {
  readonly elements: readonly string[]
  /** Å, interleaved xyz. */
  readonly positions: Float32Array
  readonly comment: string
  /** The noise level the frame was made at, from `sigma=` in its comment; null when absent. */
  readonly sigma: number | null
}

export class XyzError extends Error {
  override name = 'XyzError'
}

/** The value of `sigma=` in a comment line (also `σ=`, inf and nan); null when there is none. */
export function sigmaOf(comment: string): number | null {
  const m =
    /(?:^|[\s,;{"'])(?:sigma|σ)\s*[=:]\s*"?([-+]?(?:inf(?:inity)?|nan|\d*\.?\d+(?:e[-+]?\d+)?))/i.exec(
      comment
    )
  if (!m) return null
  const v = m[1].toLowerCase()
  if (v.includes('inf')) return v.startsWith('-') ? -Infinity : Infinity
  if (v.includes('nan')) return NaN
  return Number(v)
}

/**
 * Every frame of an XYZ file. Blank lines between frames are skipped.
 * @throws XyzError naming the line of a count that is not a number, a frame that ends early or a
 *   coordinate that is not a number.
 */
export function parseXyz(text: string): XyzFrame[] {
  const lines = linesOf(text)
  const frames: XyzFrame[] = []
  let k = 0
  while (k < lines.length) {
    if (lines[k].trim() === '') {
      k++
      continue
    }
    const count = Number(lines[k].trim())
    if (!Number.isInteger(count) || count < 0) {
      throw new XyzError(`line ${k + 1}: "${lines[k].trim().slice(0, 20)}" is not an atom count`)
    }
    const comment = lines[k + 1] ?? ''
    const elements: string[] = []
    const positions = new Float32Array(3 * count)
    for (let i = 0; i < count; i++) {
      const line = lines[k + 2 + i]
      if (!line?.trim()) {
        throw new XyzError(
          `line ${k + 3 + i}: frame ${frames.length + 1} ends after ${i} of ${count} atoms`
        )
      }
      const f = line.trim().split(/\s+/)
      const xyz = f.slice(1, 4).map(Number)
      if (f.length < 4 || !xyz.every(Number.isFinite)) {
        throw new XyzError(`line ${k + 3 + i}: expected "Symbol x y z"`)
      }
      elements.push(normaliseSymbol(f[0]))
      positions.set(xyz, 3 * i)
    }
    frames.push({ elements, positions, comment, sigma: sigmaOf(comment) })
    k += 2 + count
  }
  return frames
}
