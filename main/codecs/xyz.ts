// XYZ files: per frame, a line with the atom count, a comment line, then one `symbol x y z` line per
// atom (Å); frames follow one another, which makes a trajectory (the de-facto format of Jmol,
// Avogadro, ASE and Open Babel; extra columns, as in extended XYZ, are ignored when reading).
import { StudioError, linesOf } from '../contract'
import { float32Text } from './point-cloud-file'
import {
  checkAtomCount,
  checkOneLine,
  checkRecordCount,
  elementSymbol,
  moleculeText
} from './molecule-file'
import type { MoleculeReadOptions } from './molecule-file'
import { atomicNumberOf } from '../chemistry'

export interface XyzFrame {
  readonly elements: readonly string[]
  /** Å, interleaved xyz, length 3 × atoms. */
  readonly positions: Float32Array
  /** The frame's comment line (a title, a step, the recipe as JSON). */
  readonly comment: string
}

/**
 * An XYZ file of one or more frames (a trajectory when the atoms stay the same). Coordinates are
 * the shortest text that reads back as the same float32.
 * @throws StudioError invalid-request for a frame whose lengths disagree, a non-finite coordinate,
 *   an unknown element, or a comment with a line break.
 */
export function writeXyz(frames: XyzFrame | readonly XyzFrame[]): string {
  const list = Array.isArray(frames) ? (frames as readonly XyzFrame[]) : [frames as XyzFrame]
  const lines: string[] = []
  list.forEach((frame, f) => {
    const n = frame.elements.length
    if (frame.positions.length !== 3 * n) {
      throw new StudioError(
        'invalid-request',
        `Frame ${f} has ${n} atoms but ${frame.positions.length} coordinates; give x, y, z per atom.`
      )
    }
    checkOneLine(frame.comment, 'XYZ comment')
    lines.push(String(n), frame.comment)
    for (let i = 0; i < n; i++) {
      const symbol = frame.elements[i]
      if (atomicNumberOf(symbol) === 0) {
        throw new StudioError(
          'invalid-request',
          `Frame ${f}, atom ${i} has an unknown element "${symbol}".`
        )
      }
      const xyz = [0, 1, 2].map((k) => {
        const v = frame.positions[i * 3 + k]
        if (!Number.isFinite(v)) {
          throw new StudioError(
            'invalid-request',
            `Frame ${f}, atom ${i} has a non-finite coordinate (${v}).`
          )
        }
        return float32Text(v)
      })
      lines.push(`${symbol} ${xyz.join(' ')}`)
    }
  })
  return lines.map((l) => `${l}\n`).join('')
}

/**
 * Reads every frame of an XYZ file. Atom labels may be symbols in any case or atomic numbers.
 * Blank lines between frames and at the end are skipped.
 * @throws StudioError bad-input for a file over the size, atom or frame limits, a count line that
 *   is not a number, a truncated frame, an unknown element or a non-finite coordinate — naming
 *   the line.
 */
export function readXyz(data: Uint8Array | string, options: MoleculeReadOptions = {}): XyzFrame[] {
  const text = moleculeText(data, 'XYZ', options)
  const lines = linesOf(text)
  const frames: XyzFrame[] = []
  const fail = (line: number, message: string) =>
    new StudioError('bad-input', `The XYZ file's line ${line + 1} ${message}`)
  let at = 0
  for (;;) {
    while (at < lines.length && lines[at].trim() === '') at++
    if (at >= lines.length) break
    const countText = lines[at].trim()
    const n = Number(countText)
    if (!/^\d+$/.test(countText))
      throw fail(at, `should give the atom count, not "${countText.slice(0, 30)}".`)
    checkAtomCount(n, 'XYZ', options)
    checkRecordCount(frames.length + 1, 'XYZ', options)
    if (at + 1 + n >= lines.length) {
      throw fail(
        at,
        `announces ${n} atoms, but the file ends before frame ${frames.length + 1} has them.`
      )
    }
    const comment = lines[at + 1] ?? ''
    const elements: string[] = []
    const positions = new Float32Array(n * 3)
    for (let i = 0; i < n; i++) {
      const row = at + 2 + i
      const line = (lines[row] ?? '').trim()
      if (line === '') {
        throw fail(
          row,
          `is blank, but frame ${frames.length + 1} announces ${n} atoms: it is truncated.`
        )
      }
      const words = line.split(/\s+/)
      const symbol = words.length >= 4 ? elementSymbol(words[0]) : undefined
      if (words.length < 4) throw fail(row, 'should be "symbol x y z".')
      if (!symbol) throw fail(row, `has an unknown element "${words[0].slice(0, 10)}".`)
      for (let k = 0; k < 3; k++) {
        const v = Number(words[1 + k])
        if (!Number.isFinite(v))
          throw fail(row, `has a coordinate that is not a finite number ("${words[1 + k]}").`)
        positions[i * 3 + k] = v
      }
      elements.push(symbol)
    }
    frames.push({ elements, positions, comment })
    at += 2 + n
  }
  if (frames.length === 0) throw new StudioError('bad-input', 'The XYZ file has no frames.')
  return frames
}
