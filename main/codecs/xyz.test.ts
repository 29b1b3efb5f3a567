import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { fixtures } from '../chemistry/testing/fixtures'
import { readXyz, writeXyz } from './xyz'

function expectBadInput(run: () => unknown, message: RegExp): void {
  let error: unknown
  try {
    run()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(StudioError)
  expect((error as StudioError).code).toBe('bad-input')
  expect((error as StudioError).message).toMatch(message)
}

describe('XYZ', () => {
  it('writes count, comment and symbol x y z lines', () => {
    expect(
      writeXyz({
        elements: ['C', 'O'],
        positions: Float32Array.from([0, 0, 0, 1.2, -0.5, 1e-7]),
        comment: 'CO'
      })
    ).toBe('2\nCO\nC 0 0 0\nO 1.2 -0.5 1e-7\n')
  })

  it('round-trips single molecules bit for bit', () => {
    for (const m of Object.values(fixtures)) {
      const [frame] = readXyz(
        writeXyz({ elements: m.elements, positions: m.positions, comment: m.smiles })
      )
      expect(frame.elements).toEqual(m.elements)
      expect(frame.positions).toEqual(m.positions)
      expect(frame.comment).toBe(m.smiles)
    }
  })

  it('round-trips a multi-frame trajectory', () => {
    const m = fixtures.ethanol
    const frames = Array.from({ length: 5 }, (_, t) => ({
      elements: m.elements,
      positions: m.positions.map((v) => v * (1 + t / 10)),
      comment: t === 0 ? '{"recipe":"猫"}' : `step ${t}/4`
    }))
    const back = readXyz(Buffer.from(writeXyz(frames)))
    expect(back).toHaveLength(5)
    back.forEach((frame, t) => {
      expect(frame.positions).toEqual(frames[t].positions)
      expect(frame.comment).toBe(frames[t].comment)
    })
  })

  it('reads files from other tools: atomic numbers, any case, extra columns, CRLF, blank lines', () => {
    const text =
      '3\r\nwater + extra\r\nO 0 0 0 0.1\r\n1 0.96 0 0\r\nh -0.24 0.93 0\r\n\r\n1\r\n\r\ncl 1 2 3\r\n\r\n'
    const frames = readXyz(text)
    expect(frames.map((f) => f.elements)).toEqual([['O', 'H', 'H'], ['Cl']])
    expect(Array.from(frames[1].positions)).toEqual([1, 2, 3])
    expect(frames[1].comment).toBe('')
  })

  it('refuses malformed files, naming the line', () => {
    expectBadInput(() => readXyz(''), /no frames/)
    expectBadInput(() => readXyz('two\n\nC 0 0 0\n'), /line 1 should give the atom count/)
    expectBadInput(
      () => readXyz('2\nx\nC 0 0 0\n'),
      /line 4 is blank, but frame 1 announces 2 atoms/
    )
    expectBadInput(() => readXyz('3\nx\nC 0 0 0'), /line 1 announces 3 atoms/)
    expectBadInput(() => readXyz('1\nx\nC 0 0\n'), /line 3 should be "symbol x y z"\./)
    expectBadInput(() => readXyz('1\nx\nQq 0 0 0\n'), /unknown element "Qq"/)
    expectBadInput(() => readXyz('1\nx\nC 0 nan 0\n'), /not a finite number \("nan"\)/)
    expectBadInput(
      () => readXyz('3\nx\nC 0 0 0\nC 0 0 0\nC 0 0 0\n', { maxAtoms: 2 }),
      /3 atoms; the limit is 2/
    )
    expectBadInput(
      () => readXyz('1\nx\nC 0 0 0\n'.repeat(3), { maxRecords: 2 }),
      /more than 2 molecules/
    )
  })

  it('refuses to write what would not read back', () => {
    const m = fixtures.formaldehyde
    expect(() => writeXyz({ ...m, comment: 'a\nb' })).toThrow(/one line/)
    expect(() =>
      writeXyz({ elements: ['C'], positions: new Float32Array(2), comment: '' })
    ).toThrow(/1 atoms but 2/)
    expect(() =>
      writeXyz({ elements: ['Zz'], positions: new Float32Array(3), comment: '' })
    ).toThrow(/unknown element/)
    expect(() =>
      writeXyz({ elements: ['C'], positions: Float32Array.from([0, Infinity, 0]), comment: '' })
    ).toThrow(/non-finite/)
  })
})
