import { describe, expect, it } from 'vitest'
import { StudioError } from './errors'
import {
  defaultFormat,
  formatFor,
  moleculeOutputFormats,
  outputFormats,
  taskFormats,
  writtenFormat
} from './formats'
import { runnableTaskIds } from './jobs'

describe('output formats, declared once', () => {
  it('lists every runnable task, its default first', () => {
    expect(Object.keys(taskFormats).sort()).toEqual([...runnableTaskIds].sort())
    expect(defaultFormat('image.inpaint').ext).toBe('png')
    expect(defaultFormat('point-cloud.complete').ext).toBe('ply')
    expect(defaultFormat('molecule.conformer').ext).toBe('sdf')
    expect(taskFormats['molecule.generate'].map((f) => f.ext)).toEqual(['sdf', 'xyz', 'pdb'])
    for (const [ext, f] of Object.entries(outputFormats)) expect(f.ext).toBe(ext)
    // A modality's first runnable task must bring its formats (modalityFormats).
    for (const t of runnableTaskIds) expect(taskFormats[t].length, t).toBeGreaterThan(0)
  })

  it('gives the asked format, or the default, and refuses others as bad input naming the right ones', () => {
    expect(formatFor('image.upscale', 'webp')).toBe(outputFormats.webp)
    expect(formatFor('point-cloud.generate', undefined)).toBe(outputFormats.ply)
    const refusal = () => formatFor('molecule.generate', 'png')
    expect(refusal).toThrow(StudioError)
    expect(refusal).toThrow('format: molecule.generate writes sdf, xyz, pdb, not "png".')
    try {
      refusal()
    } catch (error) {
      expect((error as StudioError).code).toBe('bad-input')
    }
    expect(writtenFormat(moleculeOutputFormats, 'pdb')).toBe('pdb')
    expect(() => writtenFormat(moleculeOutputFormats, 'ply')).toThrow(
      'format: this writes sdf, xyz, pdb, not "ply".'
    )
  })
})
