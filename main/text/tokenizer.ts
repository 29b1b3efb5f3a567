// The CLIP BPE tokenizer of Stable Diffusion exports, through @huggingface/tokenizers: from
// tokenizer.json when the export has one, else built from vocab.json + merges.txt exactly as
// transformers' CLIPConverter writes tokenizer.json (native-models/README.md, "Tokenizer").
// Pure: the caller reads the files; nothing here touches the disk.
import { Tokenizer } from '@huggingface/tokenizers'

/** The parsed files of a `tokenizer/` folder (any may be missing). */
export interface TokenizerFiles {
  readonly tokenizerJson?: unknown
  readonly vocab?: Readonly<Record<string, number>>
  readonly merges?: string
  readonly config?: Readonly<Record<string, unknown>>
  readonly specialTokens?: Readonly<Record<string, unknown>>
}

export interface ClipTokenizer {
  /** <|startoftext|>, <|endoftext|> and the padding id (eos for SD 1.x, "!" = 0 for some SD 2 exports). */
  readonly bos: number
  readonly eos: number
  readonly pad: number
  /** Tokens per sequence, bos and eos included (77). */
  readonly maxLength: number
  /** Token ids of `text`, without bos/eos. */
  encode(text: string): number[]
}

/** Thrown for tokenizer files that cannot be used; the pipeline names the folder. */
export class TokenizerFilesError extends Error {
  override name = 'TokenizerFilesError'
}

const clipPattern = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"

/** tokenizer.json of a CLIP BPE tokenizer from its vocabulary and merges (transformers CLIPConverter). */
export function clipTokenizerJson(
  vocab: Readonly<Record<string, number>>,
  merges: string,
  bos = '<|startoftext|>',
  eos = '<|endoftext|>'
): Record<string, unknown> {
  const bosId = vocab[bos]
  const eosId = vocab[eos]
  if (bosId === undefined || eosId === undefined) {
    throw new TokenizerFilesError(`vocab.json has no ${bosId === undefined ? bos : eos} token`)
  }
  const mergeList = merges
    .split(/\r?\n/)
    .filter((line, k) => line.trim() !== '' && !(k === 0 && line.startsWith('#version')))
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true
  })
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(bosId, bos), special(eosId, eos)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' }
      ]
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: clipPattern }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }
      ]
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [eos, eosId],
      cls: [bos, bosId],
      trim_offsets: false,
      add_prefix_space: false
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: eos,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: mergeList
    }
  }
}

/** A special token's text from tokenizer_config.json / special_tokens_map.json ("x" or {content}). */
function tokenText(files: TokenizerFiles, key: string): string | undefined {
  for (const source of [files.specialTokens, files.config]) {
    const value = source?.[key]
    if (typeof value === 'string') return value
    if (
      value &&
      typeof value === 'object' &&
      typeof (value as { content?: unknown }).content === 'string'
    )
      return (value as { content: string }).content
  }
  return undefined
}

/**
 * The tokenizer of an export's `tokenizer/` folder.
 * @throws TokenizerFilesError when neither tokenizer.json nor vocab.json + merges.txt is usable, or a
 *   special token is not in the vocabulary.
 */
export function clipTokenizer(files: TokenizerFiles): ClipTokenizer {
  const bosText = tokenText(files, 'bos_token') ?? '<|startoftext|>'
  const eosText = tokenText(files, 'eos_token') ?? '<|endoftext|>'
  const padText = tokenText(files, 'pad_token') ?? eosText
  let json = files.tokenizerJson
  if (json === undefined) {
    if (!files.vocab || files.merges === undefined) {
      throw new TokenizerFilesError('neither tokenizer.json nor vocab.json and merges.txt is there')
    }
    json = clipTokenizerJson(files.vocab, files.merges, bosText, eosText)
  }
  let tokenizer: Tokenizer
  try {
    tokenizer = new Tokenizer(json as object, { ...(files.config ?? {}) })
  } catch (error) {
    throw new TokenizerFilesError(
      `the tokenizer could not be built: ${error instanceof Error ? error.message : String(error)}`
    )
  }
  const id = (text: string) => {
    const value = tokenizer.token_to_id(text)
    if (value === undefined) throw new TokenizerFilesError(`the vocabulary has no ${text} token`)
    return value
  }
  const max = files.config?.model_max_length
  return {
    bos: id(bosText),
    eos: id(eosText),
    pad: id(padText),
    maxLength: typeof max === 'number' && max >= 3 && max <= 1024 ? max : 77,
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids
  }
}
