// Prompts → text-encoder hidden states [1, S, D] for the denoiser's `encoder_hidden_states`: the
// export's tokenizer folder, A1111 emphasis, long prompts in chunks of 75 tokens (concatenated along
// the sequence axis where the UNet allows it, else truncated with a warning).
import * as ort from 'onnxruntime-node'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StudioError, type ModelManifest } from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import { shapeOverrides } from '../../runtime'
import { applyEmphasis, promptChunks } from '../../../text/prompt'
import {
  TokenizerFilesError,
  clipTokenizer,
  type ClipTokenizer,
  type TokenizerFiles
} from '../../../text/tokenizer'
import type { PipelineContext } from '../context'
import { assertFinite } from './network'

/** Hidden states of one prompt: [1, S, D] with S = chunks · 77. */
export interface PromptEmbedding {
  readonly data: Float32Array
  readonly shape: readonly [1, number, number]
}

const tokenizers = new Map<string, Promise<ClipTokenizer>>()

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * The tokenizer of a model (its `tokenizer` component folder), cached per folder.
 * @throws StudioError model-mismatch naming the folder when its files are missing or unusable.
 */
export function tokenizerOf(model: ResolvedModel): Promise<ClipTokenizer> {
  const folder = model.manifest.components.tokenizer?.file ?? 'tokenizer'
  const dir = join(model.dir, folder)
  const cached = tokenizers.get(dir)
  if (cached) return cached
  const load = (async () => {
    const parse = (name: string, text: string | undefined): unknown => {
      if (text === undefined) return undefined
      try {
        return JSON.parse(text)
      } catch {
        throw new TokenizerFilesError(`${name} is not valid JSON`)
      }
    }
    try {
      const files: TokenizerFiles = {
        tokenizerJson: parse('tokenizer.json', await readOptional(join(dir, 'tokenizer.json'))),
        vocab: parse('vocab.json', await readOptional(join(dir, 'vocab.json'))) as
          Record<string, number> | undefined,
        merges: await readOptional(join(dir, 'merges.txt')),
        config: parse(
          'tokenizer_config.json',
          await readOptional(join(dir, 'tokenizer_config.json'))
        ) as Record<string, unknown> | undefined,
        specialTokens: parse(
          'special_tokens_map.json',
          await readOptional(join(dir, 'special_tokens_map.json'))
        ) as Record<string, unknown> | undefined
      }
      return clipTokenizer(files)
    } catch (error) {
      tokenizers.delete(dir)
      if (error instanceof TokenizerFilesError) {
        throw new StudioError(
          'model-mismatch',
          `The tokenizer of model "${model.manifest.id}" (${dir}) cannot be used: ${error.message}.`
        )
      }
      throw error
    }
  })()
  tokenizers.set(dir, load)
  return load
}

/** How many 77-token chunks the denoiser's context input takes (1 when its sequence axis is fixed). */
export function maxPromptChunks(manifest: ModelManifest): number {
  const conditioning = manifest.conditioning
  if (conditioning.type !== 'text') return 0
  const input = manifest.components.denoiser?.inputs.find((i) => i.name === conditioning.input)
  const sequence = input?.shape[1]
  return typeof sequence === 'number'
    ? Math.max(1, Math.floor(sequence / conditioning.maxTokens))
    : 8
}

/**
 * The hidden states of a prompt and its negative, with the same sequence length (so both fit one
 * classifier-free guidance batch). Emits a warning when tokens are dropped.
 * @throws StudioError model-mismatch for an unusable tokenizer or text encoder; runtime-failure on NaN.
 */
export async function encodePrompts(
  context: PipelineContext,
  model: ResolvedModel,
  prompt: string,
  negativePrompt: string
): Promise<{ cond: PromptEmbedding; uncond: PromptEmbedding }> {
  const tokenizer = await tokenizerOf(model)
  const maxChunks = maxPromptChunks(model.manifest)
  const first = promptChunks(tokenizer, prompt, { maxChunks })
  const second = promptChunks(tokenizer, negativePrompt, { maxChunks })
  const chunks = Math.max(first.chunks, second.chunks)
  const pos = promptChunks(tokenizer, prompt, { maxChunks, minChunks: chunks })
  const neg = promptChunks(tokenizer, negativePrompt, { maxChunks, minChunks: chunks })
  for (const [what, c] of [
    ['prompt', pos],
    ['negative prompt', neg]
  ] as const) {
    if (c.dropped === 0 && c.tokens > tokenizer.maxLength - 2) {
      context.emit({
        type: 'warning',
        message:
          `The ${what} has ${c.tokens} tokens, more than one ${tokenizer.maxLength - 2}-token window: it was ` +
          `encoded in ${Math.ceil(c.tokens / (tokenizer.maxLength - 2))} chunks whose states are joined (as A1111 does).`
      })
    }
    if (c.dropped > 0) {
      context.emit({
        type: 'warning',
        message:
          `The ${what} has ${c.tokens} tokens; this model takes ${maxChunks * (tokenizer.maxLength - 2)}, ` +
          `so the last ${c.dropped} were left out.`
      })
    }
  }
  return {
    cond: await encodeChunks(context, model, pos),
    uncond: await encodeChunks(context, model, neg)
  }
}

async function encodeChunks(
  context: PipelineContext,
  model: ResolvedModel,
  chunks: ReturnType<typeof promptChunks>
): Promise<PromptEmbedding> {
  const component = model.manifest.components['text-encoder']
  if (!component) {
    throw new StudioError('model-mismatch', `Model "${model.manifest.id}" has no text encoder.`)
  }
  const L = chunks.maxLength
  const idsSpec = component.inputs[0]
  const session = await context.runtime.component(
    model,
    'text-encoder',
    shapeOverrides(component, { [idsSpec.name]: [1, L] })
  )
  const outputName =
    component.outputs.find((o) => o.name === 'last_hidden_state')?.name ?? component.outputs[0].name
  const parts: Float32Array[] = []
  let dim = 0
  for (let c = 0; c < chunks.chunks; c++) {
    const ids = chunks.ids.subarray(c * L, (c + 1) * L)
    const feed = new ort.Tensor('int32', Int32Array.from(ids), [1, L])
    const out = (await session.run({ [idsSpec.name]: feed }))[outputName]
    const data = Float32Array.from(out.data as Float32Array)
    assertFinite(data, 'The text encoder')
    dim = out.dims[2]
    if (chunks.weighted) applyEmphasis(data, chunks.weights.subarray(c * L, (c + 1) * L), dim)
    parts.push(data)
  }
  const data = new Float32Array(parts.length * L * dim)
  parts.forEach((p, k) => data.set(p, k * L * dim))
  return { data, shape: [1, chunks.chunks * L, dim] }
}
