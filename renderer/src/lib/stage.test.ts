import { describe, expect, it } from 'vitest'
import { parseStage } from './stage'

describe('parseStage', () => {
  it('reads "tile i of n" and similar counts', () => {
    expect(parseStage('tile 3 of 12')).toEqual({ what: 'tile', i: 3, n: 12 })
    expect(parseStage('Image 2/4')).toEqual({ what: 'image', i: 2, n: 4 })
    expect(parseStage('upscaling: tile 1 of 1 (256 px)')).toEqual({ what: 'tile', i: 1, n: 1 })
  })

  it('gives null for anything else', () => {
    expect(parseStage(undefined)).toBeNull()
    expect(parseStage('')).toBeNull()
    expect(parseStage('encoding')).toBeNull()
    expect(parseStage('tile 5 of 3')).toBeNull()
    expect(parseStage('tile 0 of 3')).toBeNull()
  })
})
