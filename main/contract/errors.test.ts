import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeIssues, describeRange, fieldSchema, inRange, numberRange } from './errors'
import { JobSpecSchema } from './jobs'
import { SettingsSchema } from './settings'
import { ImageInpaintSpecSchema } from './specs/image'

describe('number ranges read from the schemas', () => {
  it('reads bounds, exclusiveness and wholeness through optional, default and prefault', () => {
    expect(numberRange(SettingsSchema.shape.cpuThreads)).toEqual({
      integer: true,
      min: 0,
      minInclusive: true,
      max: 256,
      maxInclusive: true
    })
    const strength = fieldSchema(ImageInpaintSpecSchema, ['strength'])!
    expect(describeRange(numberRange(strength)!)).toBe('a number above 0, up to 1')
    const right = fieldSchema(ImageInpaintSpecSchema, ['outpaint', 'right'])!
    expect(describeRange(numberRange(right)!)).toBe('a whole number from 0 to 2048')
    // A safe-integer bound is not named.
    expect(describeRange(numberRange(fieldSchema(JobSpecSchema, ['seed'])!)!)).toBe(
      'a whole number of at least 0'
    )
    expect(numberRange(z.string())).toBeUndefined()
  })

  it('inRange follows the bounds exactly', () => {
    const r = numberRange(z.number().gt(0).max(1))!
    expect([0, 1e-9, 1, 1.0000001].map((v) => inRange(v, r))).toEqual([false, true, true, false])
    const whole = numberRange(z.number().int().min(1).max(3))!
    expect([0, 1, 2.5, 3, 4, NaN].map((v) => inRange(v, whole))).toEqual([
      false,
      true,
      false,
      true,
      false,
      false
    ])
  })

  it('describeIssues names the whole range, and the value, when it has the schema', () => {
    const spec = { task: 'image.generate', steps: 0, guidance: 99 }
    const parsed = JobSpecSchema.safeParse(spec, { reportInput: true })
    expect(parsed.success).toBe(false)
    if (parsed.success) return
    expect(describeIssues(parsed.error, (p) => `--${p}`, JobSpecSchema)).toBe(
      '--steps is a whole number from 1 to 1000 (not 0); --guidance is a number from 0 to 50 (not 99)'
    )
    // Without the schema: zod's own words, as before.
    expect(describeIssues(parsed.error)).toMatch(/^steps: Too small/)
  })
})
