// The content-addressed input store: `<data>/inputs/<sha256>` holds an input's bytes and
// `<sha256>.json` what it is. Inputs are validated when added (decoders with pixel and size limits) and
// kept while a job or a history entry refers to them.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { open, readFile, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  InputInfoSchema,
  StudioError,
  checkInputSize,
  inputSizeCaps,
  type InputFacts,
  type InputInfo,
  type InputKind
} from '../contract'
import { writeFileAtomic } from '../platform/atomic-file'

/**
 * Checks an input of one kind and describes it; `stored` (when given) is what the store keeps in
 * place of the bytes (an image converted once to the pixels every side uses).
 * @throws StudioError bad-input.
 */
export type InputValidator = (
  bytes: Uint8Array
) => Promise<InputFacts & { readonly stored?: Uint8Array }>

export class InputStore {
  readonly dir: string
  readonly #validators: Partial<Record<InputKind, InputValidator>>

  constructor(dir: string, validators: Partial<Record<InputKind, InputValidator>>) {
    this.dir = dir
    this.#validators = validators
    mkdirSync(dir, { recursive: true })
  }

  /**
   * Validates and stores an input; adding the same bytes again returns the stored record.
   * @throws StudioError bad-input (too large, wrong kind, undecodable), invalid-request (no validator).
   */
  async add(kind: InputKind, bytes: Uint8Array, name?: string): Promise<InputInfo> {
    checkInputSize(kind, bytes.byteLength)
    const validate = this.#validators[kind]
    if (!validate)
      throw new StudioError('invalid-request', `This studio cannot take ${kind} inputs yet.`)
    const ref = createHash('sha256').update(bytes).digest('hex')
    const known = this.get(ref)
    if (known && known.kind === kind) return known
    const { stored, ...facts } = await validate(bytes)
    const kept = stored ?? bytes
    const info = InputInfoSchema.parse({
      ...facts,
      ref,
      kind,
      bytes: kept.byteLength,
      ...(name ? { name: name.slice(0, 255) } : {})
    })
    // Bytes first, then the record: a record always has its bytes. The ref stays the hash of what
    // was given, so adding the same file again finds it.
    await writeFileAtomic(join(this.dir, ref), kept)
    await writeFileAtomic(join(this.dir, `${ref}.json`), JSON.stringify(info))
    return info
  }

  /**
   * Adds a file by path, checking what it is and its size (stat) before reading a byte of it; the
   * read stops at the cap even if the file grows meanwhile.
   * @throws StudioError bad-input naming the path: missing, a folder, not a regular file (a FIFO, a
   *   device), over the cap or empty — or anything `add` refuses.
   */
  async addFile(kind: InputKind, path: string, name = basename(path)): Promise<InputInfo> {
    const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new StudioError(
        'bad-input',
        `${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`
      )
    })
    if (stats.isDirectory()) throw new StudioError('bad-input', `${path}: a folder, not a file.`)
    if (!stats.isFile()) {
      throw new StudioError(
        'bad-input',
        `${path} is not a regular file (a pipe, device or socket); give the file itself.`
      )
    }
    checkInputSize(kind, stats.size, path)
    const cap = inputSizeCaps[kind]
    const handle = await open(path, 'r')
    try {
      const buffer = Buffer.alloc(Math.min(stats.size, cap) + 1)
      let length = 0
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
        if (bytesRead === 0) break
        length += bytesRead
        if (length === buffer.length) break
      }
      checkInputSize(kind, length > cap ? cap + 1 : length, path)
      return await this.add(kind, buffer.subarray(0, length), name)
    } finally {
      await handle.close()
    }
  }

  /** The record of a stored input, or undefined. */
  get(ref: string): InputInfo | undefined {
    if (!/^[0-9a-f]{64}$/.test(ref)) return undefined
    try {
      const parsed = InputInfoSchema.safeParse(
        JSON.parse(readFileSync(join(this.dir, `${ref}.json`), 'utf8'))
      )
      return parsed.success ? parsed.data : undefined
    } catch {
      return undefined
    }
  }

  /** The record, or a not-found error naming the input. */
  require(ref: string, kind?: InputKind): InputInfo {
    const info = this.get(ref)
    if (!info) {
      throw new StudioError(
        'not-found',
        `Input ${ref.slice(0, 12)}… is not in the input store; add it again.`
      )
    }
    if (kind && info.kind !== kind && !(kind === 'mask' && info.kind === 'image')) {
      throw new StudioError(
        'bad-input',
        `Input ${ref.slice(0, 12)}… is a ${info.kind}, not a ${kind}.`
      )
    }
    return info
  }

  read(ref: string): Promise<Buffer> {
    this.require(ref)
    return readFile(join(this.dir, ref))
  }

  path(ref: string): string {
    this.require(ref)
    return join(this.dir, ref)
  }

  /**
   * Removes inputs no job refers to (`keep`) that are older than `graceMs` (an upload waiting for its
   * job is kept). Returns how many were removed.
   */
  collect(keep: ReadonlySet<string>, graceMs = 24 * 3600 * 1000, now = Date.now()): number {
    let removed = 0
    for (const name of readdirSync(this.dir)) {
      if (!/^[0-9a-f]{64}$/.test(name) || keep.has(name)) continue
      const file = join(this.dir, name)
      try {
        if (now - statSync(file).mtimeMs < graceMs) continue
        rmSync(`${file}.json`, { force: true })
        rmSync(file, { force: true })
        removed++
      } catch {
        // Gone already, or busy: try again next start.
      }
    }
    return removed
  }
}
