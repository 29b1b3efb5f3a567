import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyEmphasis, promptChunks } from './prompt'
import { clipTokenizer, type TokenizerFiles } from './tokenizer'

const replicas = join(__dirname, '../../native-models/replicas')
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>

function files(model: string, withJson: boolean): TokenizerFiles {
  const dir = join(replicas, model, 'tokenizer')
  return {
    ...(withJson ? { tokenizerJson: json(join(dir, 'tokenizer.json')) } : {}),
    vocab: json(join(dir, 'vocab.json')) as Record<string, number>,
    merges: readFileSync(join(dir, 'merges.txt'), 'utf8'),
    config: json(join(dir, 'tokenizer_config.json')),
    specialTokens: json(join(dir, 'special_tokens_map.json'))
  }
}

describe('CLIP tokenizer', () => {
  // Reference ids from transformers' CLIPTokenizer on the replica's files (native-models/export/REPLICAS.md).
  const cases: [string, number[]][] = [
    ['a photo of a cat', [320, 517, 512, 320, 519]],
    ['A Photo of a CAT!', [320, 517, 512, 320, 519, 256]],
    ['', []]
  ]

  it('gives the reference ids from tokenizer.json and from vocab.json + merges.txt alike', () => {
    for (const withJson of [true, false]) {
      const tokenizer = clipTokenizer(files('sd15-tiny', withJson))
      expect([tokenizer.bos, tokenizer.eos, tokenizer.pad, tokenizer.maxLength]).toEqual([
        832, 833, 833, 77
      ])
      for (const [text, ids] of cases) expect(tokenizer.encode(text)).toEqual(ids)
    }
  })

  it('refuses a folder with neither tokenizer.json nor vocab + merges', () => {
    expect(() => clipTokenizer({ config: {} })).toThrow(/neither tokenizer.json nor vocab.json/)
  })

  it('frames chunks with bos/eos, pads with pad, splits long prompts and drops beyond the limit', () => {
    const tokenizer = clipTokenizer(files('sd15-tiny', true))
    const short = promptChunks(tokenizer, 'a photo of a cat', { maxChunks: 3 })
    expect(short.chunks).toBe(1)
    expect(Array.from(short.ids.slice(0, 9))).toEqual([832, 320, 517, 512, 320, 519, 833, 833, 833])
    const long = 'a cat '.repeat(100) // 200 tokens
    const three = promptChunks(tokenizer, long, { maxChunks: 3 })
    expect([three.chunks, three.tokens, three.dropped]).toEqual([3, 200, 0])
    expect(three.ids[77]).toBe(832)
    expect(three.ids[77 + 76]).toBe(833)
    const one = promptChunks(tokenizer, long, { maxChunks: 1 })
    expect([one.chunks, one.dropped]).toEqual([1, 125])
    expect(promptChunks(tokenizer, '', { maxChunks: 3, minChunks: 2 }).chunks).toBe(2)
  })

  it('weights emphasised tokens and keeps the mean', () => {
    const tokenizer = clipTokenizer(files('sd15-tiny', true))
    const chunks = promptChunks(tokenizer, 'a (cat:1.5)', { maxChunks: 1 })
    expect(chunks.weighted).toBe(true)
    expect(Array.from(chunks.weights.slice(0, 4))).toEqual([1, 1, 1.5, 1])
    const hidden = new Float32Array(77 * 2).fill(1)
    applyEmphasis(hidden, chunks.weights, 2)
    const mean = hidden.reduce((a, b) => a + b, 0) / hidden.length
    expect(mean).toBeCloseTo(1, 6)
    expect(hidden[4] / hidden[0]).toBeCloseTo(1.5, 6)
  })
})
