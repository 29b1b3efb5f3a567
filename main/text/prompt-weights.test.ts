import { describe, expect, it } from 'vitest'
import { parsePromptWeights } from './prompt-weights'

const close = (segments: { text: string; weight: number }[]) =>
  segments.map((s) => [s.text, Math.round(s.weight * 1e6) / 1e6])

describe('prompt emphasis (A1111 syntax)', () => {
  it('weights ( ) by 1.1, [ ] by 1/1.1, (x:w) by w, and nests by multiplying', () => {
    expect(close(parsePromptWeights('a photo of a cat'))).toEqual([['a photo of a cat', 1]])
    expect(close(parsePromptWeights('a (red) cat'))).toEqual([
      ['a ', 1],
      ['red', 1.1],
      [' cat', 1]
    ])
    expect(close(parsePromptWeights('a ((red)) cat'))).toEqual([
      ['a ', 1],
      ['red', 1.21],
      [' cat', 1]
    ])
    expect(close(parsePromptWeights('a [blurry] cat'))).toEqual([
      ['a ', 1],
      ['blurry', 0.909091],
      [' cat', 1]
    ])
    expect(close(parsePromptWeights('(red:1.5) cat'))).toEqual([
      ['red', 1.5],
      [' cat', 1]
    ])
    expect(close(parsePromptWeights('((red:2) hat)'))).toEqual([
      ['red', 2.2],
      [' hat', 1.1]
    ])
    expect(close(parsePromptWeights('(a: 0.5)'))).toEqual([['a', 0.5]])
  })

  it('takes escaped and unbalanced brackets literally', () => {
    expect(close(parsePromptWeights('a \\(literal\\) b'))).toEqual([['a (literal) b', 1]])
    expect(close(parsePromptWeights('smile :) and (wink'))).toEqual([['smile :) and (wink', 1]])
    expect(close(parsePromptWeights('ratio 16:9'))).toEqual([['ratio 16:9', 1]])
  })
})
