// What the CLI (and the app's handlers) call for `models …`: plain data in, plain data out.
import type { InstalledModel, ModelFolderProblem, ModelManifest } from '../contract'
import { modelRoots } from '../platform/paths'
import {
  downloadRequestFor,
  findCatalogueEntry,
  loadCatalogue,
  type CatalogueEntry
} from './catalogue'
import {
  discardDownload,
  downloadModel as download,
  listPartialDownloads,
  type DownloadProgress,
  type PartialDownload
} from './download/manager'
import type { ProxyEnv } from './download/proxy'
import type { FreeSpaceFn } from './files'
import { importModel as importInto } from './import'
import { ModelRegistry, type ModelRoots, type VerifyResult } from './registry'

export interface ModelsContext {
  roots: ModelRoots
  /** Hub base URL (default https://huggingface.co). */
  hubUrl?: string
  /** Proxy and token variables (HTTPS_PROXY, NO_PROXY, HF_TOKEN, …); default process.env. */
  env?: ProxyEnv
  freeSpace?: FreeSpaceFn
  /** Extra CA certificates for the hub or a TLS-inspecting proxy. */
  ca?: string | Buffer
}

export const defaultModelsContext = (): ModelsContext => ({ roots: modelRoots() })

const registryOf = (ctx: ModelsContext) => new ModelRegistry(ctx.roots)

export interface ModelListing {
  models: InstalledModel[]
  /** Folders that are not usable models, with the reason. */
  problems: ModelFolderProblem[]
  /** Downloads that were paused or interrupted; downloading the same repo again resumes them. */
  partialDownloads: PartialDownload[]
}

export async function listModels(ctx = defaultModelsContext()): Promise<ModelListing> {
  const { models, problems } = await registryOf(ctx).scan()
  return { models, problems, partialDownloads: await listPartialDownloads(ctx.roots.user) }
}

export interface InstallSummary {
  id: string
  dir: string
  manifest: ModelManifest
  warnings: string[]
  skipped: string[]
}

/** Imports a diffusers/optimum folder, a .onnx with a sidecar JSON, or a studio model folder. */
export async function importModel(
  source: string,
  options: { id?: string; name?: string; licence?: string; signal?: AbortSignal } = {},
  ctx = defaultModelsContext()
): Promise<InstallSummary> {
  const registry = registryOf(ctx)
  const result = await importInto(source, {
    modelsDir: ctx.roots.user,
    hashCache: registry.hashes,
    idOwner: (id) => registry.idOwner(id),
    ...(ctx.freeSpace ? { freeSpace: ctx.freeSpace } : {}),
    ...options
  })
  return {
    id: result.id,
    dir: result.dir,
    manifest: result.manifest,
    warnings: result.warnings,
    skipped: result.skipped
  }
}

export interface DownloadCommandOptions {
  onProgress?: (progress: DownloadProgress) => void
  signal?: AbortSignal
  /** Hugging Face token; default HF_TOKEN / HUGGING_FACE_HUB_TOKEN from the environment. */
  token?: string
  id?: string
  name?: string
}

/**
 * Downloads `repo` (owner/name, or a catalogue id) at `revision` and installs it. Cancelling pauses: the
 * partial files stay, and the same call later resumes (see download/manager.ts).
 */
export async function downloadModel(
  repo: string,
  revision?: string,
  options: DownloadCommandOptions = {},
  ctx = defaultModelsContext()
): Promise<
  InstallSummary & {
    repo: string
    revision: string
    fetchedBytes: number
    catalogueWarnings: string[]
  }
> {
  const env = ctx.env ?? process.env
  const entry = findCatalogueEntry(await loadCatalogue(), repo)
  const base = entry ? downloadRequestFor(entry) : { repo }
  const token = options.token ?? env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN
  const registry = registryOf(ctx)
  const result = await download(
    {
      ...base,
      ...(revision ? { revision } : {}),
      ...(options.id ? { id: options.id } : {}),
      ...(options.name ? { name: options.name } : {})
    },
    {
      modelsDir: ctx.roots.user,
      env,
      hashCache: registry.hashes,
      idOwner: (id) => registry.idOwner(id),
      ...(ctx.hubUrl ? { baseUrl: ctx.hubUrl } : {}),
      ...(ctx.ca ? { ca: ctx.ca } : {}),
      ...(ctx.freeSpace ? { freeSpace: ctx.freeSpace } : {}),
      ...(token ? { token } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {})
    }
  )
  return {
    id: result.id,
    dir: result.dir,
    manifest: result.manifest,
    warnings: result.warnings,
    skipped: result.skipped,
    repo: result.repo,
    revision: result.revision,
    fetchedBytes: result.fetchedBytes,
    catalogueWarnings: entry?.warnings ?? []
  }
}

/** Re-hashes one model's files, or every installed model's. */
export async function verifyModel(
  id?: string,
  ctx = defaultModelsContext()
): Promise<VerifyResult[]> {
  const registry = registryOf(ctx)
  const ids = id ? [id] : (await registry.list()).map((m) => m.manifest.id)
  const results: VerifyResult[] = []
  for (const each of ids) results.push(await registry.verify(each))
  return results
}

export async function removeModel(
  id: string,
  ctx = defaultModelsContext()
): Promise<{ id: string; dir: string }> {
  const { dir } = await registryOf(ctx).remove(id)
  return { id, dir }
}

/** Deletes a paused download's partial files. */
export async function discardPartialDownload(
  repo: string,
  revision = 'main',
  ctx = defaultModelsContext()
): Promise<{ discarded: boolean }> {
  return { discarded: await discardDownload(ctx.roots.user, repo, revision) }
}

/** The known community exports (none verified yet). */
export async function listCatalogue(): Promise<CatalogueEntry[]> {
  return (await loadCatalogue()).entries
}
