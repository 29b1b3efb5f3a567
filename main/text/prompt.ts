// Prompts to token sequences for a CLIP text encoder, with A1111 emphasis and long prompts split into
// chunks of maxLength − 2 tokens (each framed by bos/eos and padded), whose embeddings are concatenated
// along the sequence axis. Pure.
import { parsePromptWeights } from './prompt-weights'
import type { ClipTokenizer } from './tokenizer'

export interface TokenChunks {
  /** [chunks, maxLength] ids: bos, tokens, eos, padding. */
  readonly ids: Int32Array
  /** [chunks, maxLength] emphasis per position (1 for bos, eos and padding). */
  readonly weights: Float32Array
  readonly chunks: number
  readonly maxLength: number
  /** Tokens of the prompt (without bos/eos). */
  readonly tokens: number
  /** Tokens left out because the model takes at most `maxChunks` chunks. */
  readonly dropped: number
  /** Whether any weight differs from 1. */
  readonly weighted: boolean
}

/**
 * Token chunks of a prompt. At least `minChunks` chunks (so a prompt and its negative can share a
 * batch), at most `maxChunks` (tokens beyond are dropped and counted).
 */
export function promptChunks(
  tokenizer: ClipTokenizer,
  prompt: string,
  options: { maxChunks: number; minChunks?: number }
): TokenChunks {
  const ids: number[] = []
  const w: number[] = []
  for (const segment of parsePromptWeights(prompt)) {
    const segmentIds = tokenizer.encode(segment.text)
    ids.push(...segmentIds)
    for (let k = 0; k < segmentIds.length; k++) w.push(segment.weight)
  }
  const L = tokenizer.maxLength
  const per = L - 2
  const needed = Math.max(1, Math.ceil(ids.length / per))
  const chunks = Math.min(options.maxChunks, Math.max(needed, options.minChunks ?? 1))
  const kept = Math.min(ids.length, chunks * per)
  const out = new Int32Array(chunks * L).fill(tokenizer.pad)
  const weights = new Float32Array(chunks * L).fill(1)
  for (let c = 0; c < chunks; c++) {
    const from = c * per
    const to = Math.min(kept, from + per)
    out[c * L] = tokenizer.bos
    let k = 1
    for (let t = from; t < to; t++, k++) {
      out[c * L + k] = ids[t]
      weights[c * L + k] = w[t]
    }
    out[c * L + k] = tokenizer.eos
  }
  return {
    ids: out,
    weights,
    chunks,
    maxLength: L,
    tokens: ids.length,
    dropped: ids.length - kept,
    weighted: w.some((v) => v !== 1)
  }
}

/**
 * Emphasis on hidden states [chunks, S, D] (A1111 `process_tokens`): each position scaled by its
 * weight, then the whole rescaled so its mean is the unweighted mean. In place; returns `hidden`.
 */
export function applyEmphasis(
  hidden: Float32Array,
  weights: Float32Array,
  dim: number
): Float32Array {
  let before = 0
  for (let k = 0; k < hidden.length; k++) before += hidden[k]
  for (let p = 0; p < weights.length; p++) {
    const w = weights[p]
    if (w === 1) continue
    for (let d = 0; d < dim; d++) hidden[p * dim + d] *= w
  }
  let after = 0
  for (let k = 0; k < hidden.length; k++) after += hidden[k]
  if (after !== 0 && Number.isFinite(before / after)) {
    const factor = before / after
    for (let k = 0; k < hidden.length; k++) hidden[k] *= factor
  }
  return hidden
}
