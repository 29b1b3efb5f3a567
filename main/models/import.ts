// Imports a model into the user's models folder: a diffusers/optimum ONNX folder, a single .onnx with a
// sidecar JSON (a partial manifest), or a studio model folder (manifest.json + files). Files are copied
// into a hidden staging folder in the same models root, hashed, fsynced, then renamed into place: a
// model is complete or absent, and a failed import leaves nothing listed.
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import {
  ComponentRoleSchema,
  ComponentSchema,
  ModelIdSchema,
  ModelManifestSchema,
  StudioError,
  describeIssues,
  type ModelFile,
  type ModelManifest,
  type TensorSpec
} from '../contract'
import {
  assertInterface,
  checkExternalData,
  inspectOnnx,
  isContainedPath,
  sessionMemoryFactor
} from '../onnx/inspect'
import { describeDiffusersFolder, slugId, type ManifestDraft } from './diffusers-layout'
import {
  containedJoin,
  copyWithHash,
  formatBytes,
  freeBytes,
  fsyncFile,
  makeStagingDir,
  publishDir,
  readJsonFile,
  removeTree,
  type FreeSpaceFn
} from './files'
import { fileKind, notRegularFile } from '../platform/regular-file'
import { sha256File, type HashCache } from './hash'
import { installInfoFile } from './registry'

export interface ImportOptions {
  /** The user's models folder. */
  modelsDir: string
  id?: string
  name?: string
  licence?: string
  origin?: 'imported' | 'downloaded'
  source?: ModelManifest['source']
  /** Move the files instead of copying them (downloads staged inside the models folder). */
  move?: boolean
  /** sha256 already verified for some files (relative path -> hex), e.g. by the downloader. */
  knownSha256?: Record<string, string>
  freeSpace?: FreeSpaceFn
  hashCache?: HashCache
  signal?: AbortSignal
  /**
   * Where a model already uses `id` in any root (starter or user), or undefined when it is free; checked
   * before anything is copied. Default: only the target folder in `modelsDir`.
   */
  idOwner?: IdOwner
}

/** The folder of the model that already uses an id (in any root), or undefined when the id is free. */
export type IdOwner = (id: string) => Promise<string | undefined>

/** Refuses an id another model already uses, naming that model and suggesting a free id. */
export async function assertIdFree(id: string, owner: IdOwner): Promise<void> {
  const dir = await owner(id)
  if (dir === undefined) return
  let suggestion: string | undefined
  for (let n = 2; n < 100 && !suggestion; n++) {
    const candidate = `${id.slice(0, 60)}-${n}`
    if ((await owner(candidate)) === undefined) suggestion = candidate
  }
  throw new StudioError(
    'invalid-request',
    `A model with the id "${id}" is already installed (${dir}); nothing was installed. Remove it first (models remove ${id}) or use another id${suggestion ? `, e.g. ${suggestion}` : ''}.`
  )
}

export interface ImportResult {
  id: string
  dir: string
  manifest: ModelManifest
  warnings: string[]
  /** Files of the source that were not copied (framework weights the graphs do not use). */
  skipped: string[]
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false
  )

/** A sidecar is a partial manifest; `role` says which component the .onnx is (default denoiser). */
const SidecarSchema = z.looseObject({ role: ComponentRoleSchema.default('denoiser') })

async function findSidecar(onnx: string): Promise<string> {
  const candidates = [`${onnx}.json`, onnx.replace(/\.onnx$/i, '.json')]
  for (const c of candidates) if (await exists(c)) return c
  throw new StudioError(
    'bad-input',
    `${onnx} needs a sidecar manifest: ${candidates.join(' or ')}, a partial manifest.json with at least modality, tasks, parameterization, schedule, conditioning, sample and defaults.`
  )
}

/** A single .onnx plus its sidecar JSON. */
async function describeSingleOnnx(onnx: string, options: ImportOptions): Promise<ManifestDraft> {
  const sidecarPath = await findSidecar(onnx)
  const raw = await readJsonFile(sidecarPath)
  const sidecar = SidecarSchema.safeParse(raw)
  if (!sidecar.success)
    throw new StudioError('bad-input', `${sidecarPath}: ${describeIssues(sidecar.error)}`)
  const { role, ...partial } = sidecar.data as {
    role: z.infer<typeof ComponentRoleSchema>
  } & Record<string, unknown>
  const graph = await inspectOnnx(onnx)
  await checkExternalData(onnx, graph.info)
  const file = basename(onnx)
  const declared = (partial.components as Record<string, unknown> | undefined)?.[role] as
    { inputs?: unknown; outputs?: unknown } | undefined
  let inputs = graph.inputs
  let outputs = graph.outputs
  if (declared?.inputs !== undefined || declared?.outputs !== undefined) {
    const parsed = ComponentSchema.pick({ inputs: true, outputs: true })
      .partial()
      .safeParse(declared)
    if (!parsed.success) {
      throw new StudioError(
        'bad-input',
        `${sidecarPath}: components.${role}: ${describeIssues(parsed.error)}`
      )
    }
    const component = {
      inputs: parsed.data.inputs ?? graph.inputs,
      outputs: parsed.data.outputs ?? graph.outputs
    }
    assertInterface(onnx, component, graph.info)
    inputs = component.inputs
    outputs = component.outputs
  }
  if (role === 'denoiser') assertSampleMatchesGraph(sidecarPath, partial.sample, inputs[0])
  const files: ManifestDraft['files'] = []
  let bytes = 0
  for (const path of [file, ...graph.externalFiles]) {
    const from = join(dirname(onnx), path)
    const found = await stat(from)
    if (!found.isFile()) throw notRegularFile(from, found)
    const size = found.size
    bytes += size
    files.push({ path, size, from: join(dirname(onnx), path) })
  }
  const name =
    options.name ?? (typeof partial.name === 'string' ? partial.name : basename(onnx, '.onnx'))
  return {
    manifest: {
      description: '',
      licence: 'unknown (see the model card)',
      memoryEstimateMB: Math.max(16, Math.ceil((bytes * sessionMemoryFactor) / (1024 * 1024))),
      ...(partial as Partial<ModelManifest>),
      schemaVersion: 1,
      id: options.id ?? (typeof partial.id === 'string' ? partial.id : slugId(name)),
      name,
      components: {
        ...((partial.components as ModelManifest['components']) ?? {}),
        [role]: { file, externalData: graph.externalFiles, inputs, outputs }
      }
    } as ManifestDraft['manifest'],
    files,
    warnings: [],
    skipped: []
  }
}

/**
 * A sidecar's `sample` must agree with the graph's sample input, checked at import (not at the first run):
 * image channels (the model's C, or 2C + 1 / C + 3 for inpainting and upscaling UNets that take extra
 * channels), height and width where the graph fixes them; point clouds' channels.
 * @throws StudioError bad-input naming both values.
 */
function assertSampleMatchesGraph(
  sidecar: string,
  sample: unknown,
  input: TensorSpec | undefined
): void {
  if (!input || !sample || typeof sample !== 'object') return
  const s = sample as Record<string, unknown>
  const dims = input.shape
  const fixed = (k: number) => (typeof dims[k] === 'number' ? (dims[k] as number) : undefined)
  const say = (what: string, declared: unknown, graph: number) =>
    new StudioError(
      'bad-input',
      `${sidecar} says the sample has ${what} ${String(declared)}, but the graph's input "${input.name}" is ` +
        `[${dims.join(', ')}] (${what} ${graph}). Fix "sample" in the sidecar to match the graph.`
    )
  const kind = s.kind ?? 'image'
  if (kind === 'image' && dims.length === 4) {
    const channels = fixed(1)
    const c = Number(s.channels)
    if (channels !== undefined && ![c, 2 * c + 1, c + 3].includes(channels)) {
      throw say('channels', s.channels, channels)
    }
    const height = fixed(2)
    if (height !== undefined && s.height !== undefined && height !== Number(s.height)) {
      throw say('height', s.height, height)
    }
    const width = fixed(3)
    if (width !== undefined && s.width !== undefined && width !== Number(s.width)) {
      throw say('width', s.width, width)
    }
  } else if (kind === 'point-cloud' && dims.length === 3) {
    const channels = fixed(2)
    if (channels !== undefined && s.channels !== undefined && channels !== Number(s.channels)) {
      throw say('channels', s.channels, channels)
    }
  }
}

/** A studio model folder: its manifest as is; files are checked against it while copying. */
async function describeStudioFolder(dir: string, options: ImportOptions): Promise<ManifestDraft> {
  const path = join(dir, 'manifest.json')
  const parsed = ModelManifestSchema.safeParse(await readJsonFile(path))
  if (!parsed.success) {
    throw new StudioError(
      'bad-input',
      `${path} does not fit the manifest schema: ${describeIssues(parsed.error)}`
    )
  }
  const { files, ...manifest } = parsed.data
  for (const component of Object.values(manifest.components)) {
    if (!component || !component.file.endsWith('.onnx')) continue
    const file = join(dir, component.file)
    const graph = await inspectOnnx(file)
    await checkExternalData(file, graph.info)
    assertInterface(file, component, graph.info)
  }
  return {
    manifest: {
      ...manifest,
      ...(options.id ? { id: options.id } : {}),
      ...(options.name ? { name: options.name } : {})
    },
    files: await Promise.all(
      files.map(async (f) => {
        const from = join(dir, f.path)
        const found = await stat(from).catch(() => undefined)
        if (!found) throw new StudioError('model-missing', `${from} is missing; ${path} lists it.`)
        if (!found.isFile()) throw notRegularFile(from, found)
        return { path: f.path, size: found.size, from }
      })
    ),
    warnings: [],
    skipped: []
  }
}

/** The expected sha256 of files whose source manifest states one (studio folders). */
async function expectedHashes(source: string): Promise<Map<string, string>> {
  const map = new Map<string, string>()
  const parsed = ModelManifestSchema.safeParse(
    await readJsonFile(join(source, 'manifest.json')).catch(() => undefined)
  )
  if (parsed.success) for (const f of parsed.data.files) map.set(f.path, f.sha256)
  return map
}

/**
 * A Hugging Face cache folder (`models--org--name/{refs, snapshots, blobs}`) stands for the snapshot its
 * `refs/main` names (or its only snapshot); any other folder stands for itself.
 */
async function hubSnapshot(source: string): Promise<string> {
  const snapshots = join(source, 'snapshots')
  if (!(await exists(join(source, 'blobs'))) || !(await exists(snapshots))) return source
  const ref = (await readFile(join(source, 'refs', 'main'), 'utf8').catch(() => '')).trim()
  if (/^[0-9a-f]{7,64}$/i.test(ref) && (await exists(join(snapshots, ref))))
    return join(snapshots, ref)
  const all = await readdir(snapshots).catch(() => [])
  if (all.length === 1) return join(snapshots, all[0])
  throw new StudioError(
    'bad-input',
    `${source} is a Hugging Face cache folder with ${all.length} snapshots and no usable refs/main; choose one of ${snapshots}/<revision>.`
  )
}

/** Works out what `source` is and drafts its manifest. */
export async function describeSource(
  source: string,
  options: ImportOptions
): Promise<ManifestDraft> {
  const s = await stat(source).catch(() => undefined)
  if (!s) throw new StudioError('bad-input', `${source} does not exist.`)
  if (!s.isFile() && !s.isDirectory()) {
    throw new StudioError(
      'bad-input',
      `${source} is not a regular file (it is ${fileKind(s)}); give a model folder or an .onnx file.`
    )
  }
  if (s.isFile()) {
    if (!/\.onnx$/i.test(source)) {
      throw new StudioError('bad-input', `${source} is not an .onnx file or a model folder.`)
    }
    return describeSingleOnnx(source, options)
  }
  if (await exists(join(source, 'manifest.json'))) return describeStudioFolder(source, options)
  return describeDiffusersFolder(source, options)
}

/** Refuses an id that is not a plain folder name, before any path is built from it. */
function assertModelId(id: string, source: string, given: boolean): void {
  if (ModelIdSchema.safeParse(id).success) return
  const rule =
    'ids are 1–64 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit'
  if (given) {
    throw new StudioError(
      'invalid-request',
      `"${id}" is not a valid model id: ${rule}. Import under another id, e.g. --id ${slugId(id)}.`
    )
  }
  throw new StudioError(
    'bad-input',
    `"${id}" is not a valid model id (drafted from ${source}): ${rule}. Fix "id" in the sidecar or manifest.json, or import under another id, e.g. --id ${slugId(id)}.`
  )
}

/** `model-corrupt` for a drafted file whose path would leave the model folder. */
function outsideFolder(source: string, path: string, from: string): StudioError {
  return new StudioError(
    'model-corrupt',
    `${source} lists ${from} as "${path}", a path outside the model's folder; nothing was installed. The model is damaged or hostile: export or download it again.`
  )
}

/** Imports `source` (see the module comment); returns the installed manifest. */
export async function importModel(given: string, options: ImportOptions): Promise<ImportResult> {
  const isDir = await stat(given).then(
    (s) => s.isDirectory(),
    () => false
  )
  const source = isDir ? await hubSnapshot(given) : given
  const draft = await describeSource(source, options)
  const { manifest: partial } = draft
  const id = partial.id
  assertModelId(id, source, options.id !== undefined)
  const bad = draft.files.find((f) => !isContainedPath(f.path))
  if (bad) throw outsideFolder(source, bad.path, bad.from)
  const target = join(options.modelsDir, id)
  await assertIdFree(id, async (each) => {
    const inRoot = join(options.modelsDir, each)
    return (await exists(inRoot)) ? inRoot : options.idOwner?.(each)
  })
  const total = draft.files.reduce((sum, f) => sum + f.size, 0)
  if (!options.move) {
    const free = await (options.freeSpace ?? freeBytes)(options.modelsDir).catch(() => Infinity)
    if (free < total) {
      throw new StudioError(
        'disk-full',
        `Importing ${id} needs about ${formatBytes(total)} of disk; ${formatBytes(free)} is free in ${options.modelsDir}. Free some space or move the models folder.`
      )
    }
  }
  const expected = await expectedHashes(source)
  const staging = await makeStagingDir(options.modelsDir, `import-${id}`)
  try {
    const files: ModelFile[] = []
    for (const file of draft.files) {
      options.signal?.throwIfAborted()
      const to = containedJoin(staging, file.path)
      if (!to) throw outsideFolder(source, file.path, file.from)
      let sha256: string
      if (options.move) {
        await mkdir(dirname(to), { recursive: true })
        await rename(file.from, to)
        sha256 = options.knownSha256?.[file.path] ?? (await sha256File(to, options.signal))
      } else {
        sha256 = (await copyWithHash(file.from, to, options.signal)).sha256
      }
      const want = expected.get(file.path)
      if (want && want !== sha256) {
        throw new StudioError(
          'model-corrupt',
          `${file.from} has sha256 ${sha256.slice(0, 12)}…; its manifest says ${want.slice(0, 12)}…. The file is damaged or was replaced: copy or download it again.`
        )
      }
      files.push({
        path: file.path,
        size: file.size,
        sha256,
        ...(options.move && options.source
          ? { source: `${options.source.repo}@${options.source.revision}` }
          : {})
      })
    }
    const parsed = ModelManifestSchema.safeParse({
      ...partial,
      ...(options.source ? { source: options.source } : {}),
      files
    })
    if (!parsed.success) {
      const where = /\.onnx$/i.test(source)
        ? 'Add the missing fields to the sidecar JSON.'
        : draft.kind === 'diffusers'
          ? "The folder's model_index.json, scheduler and component configs did not say enough; add a manifest.json (schema: main/contract/models.ts)."
          : 'Fix manifest.json.'
      throw new StudioError(
        'bad-input',
        `The manifest drafted from ${source} is incomplete: ${describeIssues(parsed.error)}. ${where}`
      )
    }
    const manifest = parsed.data
    const manifestPath = join(staging, 'manifest.json')
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n')
    await fsyncFile(manifestPath)
    const info = {
      origin: options.origin ?? 'imported',
      from: source,
      installedAt: new Date().toISOString()
    }
    await writeFile(join(staging, installInfoFile), JSON.stringify(info, null, 2) + '\n')
    options.signal?.throwIfAborted()
    try {
      await publishDir(staging, target)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM') {
        throw new StudioError(
          'invalid-request',
          `A model with the id "${id}" appeared at ${target} during the import; remove it first.`
        )
      }
      throw error
    }
    if (options.hashCache) {
      for (const f of files) {
        const path = join(target, f.path)
        const s = await stat(path)
        options.hashCache.remember(path, s.size, s.mtimeMs, f.sha256)
      }
      await options.hashCache.save().catch(() => undefined)
    }
    return { id, dir: target, manifest, warnings: draft.warnings, skipped: draft.skipped }
  } catch (error) {
    await removeTree(staging)
    if (options.signal?.aborted && !(error instanceof StudioError)) {
      throw new StudioError('cancelled', `Import of ${id} was cancelled; nothing was installed.`)
    }
    throw error
  }
}
