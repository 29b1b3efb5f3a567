// The installed models: one folder each (manifest.json plus its files) under the bundled starter folder
// (read-only) and the user's models folder. Listing never throws for one bad folder; resolving checks
// every file (size, then sha256 through the cache) and throws a typed error naming the file.
import { readdir, rename, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import {
  ModelManifestSchema,
  StudioError,
  describeIssues,
  type InstalledModel,
  type ModelFolderProblem,
  type ModelManifest
} from '../contract'
import { readRegularFile } from '../platform/regular-file'
import { HashCache } from './hash'
import { removeTree } from './files'

export interface ModelRoots {
  /** Bundled starter models, read-only. */
  readonly starter: string
  /** Models the user imported or downloaded. */
  readonly user: string
}

export interface ResolvedModel {
  dir: string
  manifest: ModelManifest
}

type Origin = InstalledModel['origin']

/** Written beside the manifest of user models: how the model arrived. */
export const installInfoFile = '.install.json'
export const hashCacheFile = '.hash-cache.json'

export interface FileCheck {
  path: string
  ok: boolean
  problem?: string
}

export interface VerifyResult {
  id: string
  dir: string
  ok: boolean
  files: FileCheck[]
}

interface Found {
  model: InstalledModel
  dir: string
}

/** Folder names starting with a dot are staging/working folders, never models. */
const isModelFolder = (name: string) => !name.startsWith('.')

/** Manifest consistency beyond the schema: every component's files are listed in `files`. */
function manifestProblem(manifest: ModelManifest): string | undefined {
  const listed = new Set(manifest.files.map((f) => f.path))
  for (const [role, component] of Object.entries(manifest.components)) {
    if (!component) continue
    const needed = role === 'tokenizer' ? [] : [component.file, ...component.externalData]
    for (const path of needed) {
      if (!listed.has(path))
        return `manifest.json: the ${role} component's ${path} is not listed in files`
    }
  }
  return undefined
}

/** A filesystem failure while removing a model, as a typed error naming the folder. */
function removeFailed(error: unknown, what: string, outcome: string): StudioError {
  const code = (error as NodeJS.ErrnoException).code
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EBUSY'
        ? 'a file is in use by another program'
        : (error as Error).message
  return new StudioError(
    code === 'EACCES' || code === 'EPERM' || code === 'EBUSY' ? 'invalid-request' : 'internal',
    `${what} ${outcome} (${reason}). Close programs using it, check its permissions, and try again.`,
    { cause: error }
  )
}

export class ModelRegistry {
  readonly hashes: HashCache

  constructor(
    readonly roots: ModelRoots,
    options: { hashCache?: HashCache } = {}
  ) {
    this.hashes = options.hashCache ?? new HashCache(join(roots.user, hashCacheFile))
  }

  async #origin(dir: string, root: 'starter' | 'user'): Promise<Origin> {
    if (root === 'starter') return 'starter'
    try {
      const info = JSON.parse((await readRegularFile(join(dir, installInfoFile))).toString()) as {
        origin?: string
      }
      return info.origin === 'downloaded' ? 'downloaded' : 'imported'
    } catch {
      return 'imported'
    }
  }

  /** Quick status from sizes (and hashes already in the cache); no hashing. */
  async #status(
    dir: string,
    manifest: ModelManifest
  ): Promise<Pick<InstalledModel, 'status' | 'problem'>> {
    const inconsistent = manifestProblem(manifest)
    if (inconsistent) return { status: 'corrupt', problem: inconsistent }
    for (const file of manifest.files) {
      const path = join(dir, file.path)
      const s = await stat(path).catch(() => undefined)
      if (!s?.isFile()) return { status: 'missing-files', problem: `${file.path} is missing` }
      if (s.size !== file.size) {
        return {
          status: 'corrupt',
          problem: `${file.path} is ${s.size} bytes; the manifest says ${file.size}`
        }
      }
      const known = await this.hashes.cached(path)
      if (known && known !== file.sha256) {
        return { status: 'corrupt', problem: `${file.path} does not match its sha256` }
      }
    }
    return { status: 'ready' }
  }

  /** Every model folder: the models that have a valid manifest, and the folders that do not. */
  async scan(): Promise<{ models: InstalledModel[]; problems: ModelFolderProblem[] }> {
    const models: InstalledModel[] = []
    const problems: ModelFolderProblem[] = []
    const seen = new Map<string, string>()
    for (const root of ['starter', 'user'] as const) {
      const base = this.roots[root]
      const names = await readdir(base, { withFileTypes: true }).catch(() => [])
      for (const entry of names.sort((a, b) => a.name.localeCompare(b.name))) {
        if (!entry.isDirectory() || !isModelFolder(entry.name)) continue
        const dir = join(base, entry.name)
        const origin = await this.#origin(dir, root)
        const report = (problem: string) => problems.push({ dir, origin, problem })
        let raw: unknown
        try {
          raw = JSON.parse((await readRegularFile(join(dir, 'manifest.json'))).toString('utf8'))
        } catch (error) {
          const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
          report(
            missing
              ? 'no manifest.json in the folder'
              : error instanceof StudioError
                ? error.message
                : `manifest.json is not valid JSON: ${(error as Error).message}`
          )
          continue
        }
        const parsed = ModelManifestSchema.safeParse(raw)
        if (!parsed.success) {
          report(`manifest.json does not fit the manifest schema: ${describeIssues(parsed.error)}`)
          continue
        }
        const manifest = parsed.data
        const earlier = seen.get(manifest.id)
        if (earlier) {
          report(`id ${manifest.id} is already used by ${earlier}; this copy is ignored`)
          continue
        }
        seen.set(manifest.id, dir)
        models.push({ manifest, origin, dir, ...(await this.#status(dir, manifest)) })
      }
    }
    return { models, problems }
  }

  /**
   * The folder of the model that uses `id` in any root (by manifest id, or a folder of that name, listed
   * or not), or undefined when the id is free.
   */
  async idOwner(id: string): Promise<string | undefined> {
    const { models } = await this.scan()
    const listed = models.find((m) => m.manifest.id === id)
    if (listed) return listed.dir
    for (const root of [this.roots.starter, this.roots.user]) {
      const dir = join(root, id)
      if (
        await stat(dir).then(
          () => true,
          () => false
        )
      )
        return dir
    }
    return undefined
  }

  async list(): Promise<InstalledModel[]> {
    return (await this.scan()).models
  }

  async #find(id: string): Promise<Found> {
    const { models } = await this.scan()
    const model = models.find((m) => m.manifest.id === id)
    if (!model) {
      const ids = models.map((m) => m.manifest.id)
      throw new StudioError(
        'unknown-model',
        `No installed model has the id "${id}". Installed: ${ids.join(', ') || 'none'}. Import or download it first (models import / models download).`
      )
    }
    return { model, dir: model.dir! }
  }

  /** Checks every file against the manifest; hashes come from the cache unless `force`. */
  async #check(dir: string, manifest: ModelManifest, force: boolean): Promise<FileCheck[]> {
    const checks: FileCheck[] = []
    for (const file of manifest.files) {
      const path = join(dir, file.path)
      const s = await stat(path).catch(() => undefined)
      if (!s?.isFile()) {
        checks.push({ path: file.path, ok: false, problem: `${path} is missing` })
        continue
      }
      if (s.size !== file.size) {
        checks.push({
          path: file.path,
          ok: false,
          problem: `${path} is ${s.size} bytes; the manifest says ${file.size}`
        })
        continue
      }
      const sha256 = await this.hashes.hash(path, { force })
      checks.push(
        sha256 === file.sha256
          ? { path: file.path, ok: true }
          : {
              path: file.path,
              ok: false,
              problem: `${path} has sha256 ${sha256.slice(0, 12)}…; the manifest says ${file.sha256.slice(0, 12)}…`
            }
      )
    }
    await this.hashes.save().catch(() => undefined)
    return checks
  }

  /**
   * The folder and manifest of a ready model. Throws `unknown-model` (listing the installed ids),
   * `model-missing` or `model-corrupt` (size or sha256), naming the file and the fix.
   */
  async resolve(id: string): Promise<ResolvedModel> {
    const { model, dir } = await this.#find(id)
    const { manifest } = model
    const inconsistent = manifestProblem(manifest)
    if (inconsistent)
      throw new StudioError(
        'model-corrupt',
        `${join(dir, 'manifest.json')}: ${inconsistent.replace('manifest.json: ', '')}`
      )
    const bad = (await this.#check(dir, manifest, false)).find((c) => !c.ok)
    if (bad) {
      const missing = bad.problem!.endsWith('is missing')
      throw new StudioError(
        missing ? 'model-missing' : 'model-corrupt',
        `Model ${id}: ${bad.problem}. ${missing ? 'Download or import the model again.' : 'The file is damaged or was replaced: download or import the model again.'}`
      )
    }
    return { dir, manifest }
  }

  /** Re-hashes every file of a model (ignoring the cache) and reports each one. */
  async verify(id: string): Promise<VerifyResult> {
    const { model, dir } = await this.#find(id)
    const files = await this.#check(dir, model.manifest, true)
    return { id, dir, ok: files.every((f) => f.ok), files }
  }

  /** Deletes a user model's folder (starter models are part of the studio and cannot be removed). */
  async remove(id: string): Promise<{ dir: string }> {
    const { model, dir } = await this.#find(id)
    if (model.origin === 'starter') {
      throw new StudioError(
        'invalid-request',
        `${id} is a starter model bundled with the studio (${dir}); it cannot be removed.`
      )
    }
    // Renamed away first, so the model disappears at once even if deleting takes a while.
    const trash = join(this.roots.user, `.removing-${id}-${process.pid}-${Date.now()}`)
    try {
      await rename(dir, trash)
    } catch (error) {
      throw removeFailed(error, `${id} could not be removed: its folder ${dir}`, 'is unchanged')
    }
    try {
      await removeTree(trash)
    } catch (error) {
      throw removeFailed(
        error,
        `${id} was removed from the list, but its files in ${trash}`,
        'were not all deleted; delete that folder by hand'
      )
    }
    this.hashes.forget(dir + sep)
    await this.hashes.save().catch(() => undefined)
    return { dir }
  }
}
