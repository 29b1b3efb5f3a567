// The runtime the pipelines call: one execution provider chosen at start, sessions per model component
// and shape bucket under a memory budget, dtype conversion at the graph boundary, timing per call.
import * as ort from 'onnxruntime-node'
import { createHash } from 'node:crypto'
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import {
  StudioError,
  type ComponentRole,
  type Device,
  type Execution,
  type ModelManifest,
  type ProviderProbe,
  type TensorSpec
} from '../../contract'
import {
  chooseProvider,
  providerConfig,
  type ProviderName,
  type ProviderProbeFn
} from './providers'
import { SessionPool, type SessionTiming } from './session-pool'
import type { ProviderProbeCache } from './provider-cache'
import { checkExternalData, inspectOnnx, sessionMemoryFactor } from '../../onnx/inspect'
import { assertInterface, type FoundValue } from '../../onnx/interface-check'
import { classifyOrtError } from './ort-errors'
import { fromGraphOutput, toGraphFeed, zerosFor } from './boundary'

export type { ProviderProbeFn, ProviderName } from './providers'
export type { SessionStats, SessionTiming } from './session-pool'
export { sessionMemoryFactor } from '../../onnx/inspect'

export interface RuntimeOptions {
  device: Device
  cpuThreads: number
  memoryBudgetMB: number
}

export interface ModelCall {
  (feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>
}

export interface ComponentSession {
  readonly inputs: readonly TensorSpec[]
  readonly outputs: readonly TensorSpec[]
  run: ModelCall
  readonly stats: { calls: number; totalMs: number }
}

const MiB = 1024 * 1024

/**
 * Dimension overrides from concrete input shapes: each symbolic dimension of a named input takes the
 * size at its position (e.g. sample [B, C, H, W] declared ["batch", 4, "height", "width"] gives
 * { batch: B, height: H, width: W }).
 */
export function shapeOverrides(
  component: { readonly inputs: readonly TensorSpec[] },
  concrete: Readonly<Record<string, readonly number[]>>
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const input of component.inputs) {
    const dims = concrete[input.name]
    if (!dims) continue
    input.shape.forEach((d, k) => {
      if (typeof d === 'string' && dims[k] !== undefined) out[d] = dims[k]
    })
  }
  return out
}

/** A stable key for a shape bucket: `height=64,width=64` (sorted), or `dynamic`. */
export function bucketKey(shape: Record<string, number>): string {
  const entries = Object.entries(shape).sort(([a], [b]) => a.localeCompare(b))
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : 'dynamic'
}

/**
 * A short digest of the sha256s the manifest records for `paths`: a model removed and imported again
 * under the same id, with other files, gets new sessions and new pre-checks.
 */
export function filesDigest(manifest: ModelManifest, paths: readonly string[]): string {
  const sha256 = new Map(manifest.files.map((f) => [f.path, f.sha256]))
  const hash = createHash('sha256')
  for (const path of paths) hash.update(`${path}\0${sha256.get(path) ?? ''}\n`)
  return hash.digest('hex').slice(0, 16)
}

/** The input's shape with overrides applied, or undefined while any dimension stays unknown. */
function concreteShape(spec: TensorSpec, shape: Record<string, number>): number[] | undefined {
  if (spec.shape.length === 0) return undefined
  const dims = spec.shape.map((d) => (typeof d === 'number' ? d : shape[d]))
  return dims.every((d) => typeof d === 'number' && d > 0) ? (dims as number[]) : undefined
}

function foundValues(values: readonly ort.InferenceSession.ValueMetadata[]): FoundValue[] {
  return values.map((v) =>
    v.isTensor
      ? { name: v.name, type: v.type, shape: v.shape }
      : { name: v.name, type: 'non-tensor', shape: [] }
  )
}

export class Runtime {
  readonly #pool: SessionPool
  readonly #options: RuntimeOptions
  /** Pre-checks (file readable, external data present) done once per file and content digest. */
  readonly #checked = new Map<string, Promise<void>>()

  private constructor(
    readonly execution: Execution,
    readonly providers: readonly ProviderProbe[],
    options: RuntimeOptions
  ) {
    this.#options = options
    this.#pool = new SessionPool(options.memoryBudgetMB)
  }

  /**
   * Probes the providers (see providers.ts) and starts an empty session pool. With `cache`, providers
   * this machine is known to lack are not probed again, and what this probe found is recorded.
   */
  static async create(
    options: RuntimeOptions,
    { probe, cache }: { probe?: ProviderProbeFn; cache?: ProviderProbeCache } = {}
  ): Promise<Runtime> {
    // onnxruntime's own logger would print a provider that fails to load (CUDA libraries absent) as an
    // error on every start; failures reach the user as typed errors and probe reasons instead.
    // STUDIO_ORT_LOG_LEVEL=warning brings the log back (it only takes effect before the first session).
    const level = process.env.STUDIO_ORT_LOG_LEVEL
    ort.env.logLevel =
      level === 'verbose' || level === 'info' || level === 'warning' || level === 'error'
        ? level
        : 'fatal'
    const choice = await chooseProvider(options.device, {
      ...(probe ? { tryCreate: probe } : {}),
      ...(cache ? { known: cache.missing() } : {})
    })
    cache?.write(choice.providers)
    return new Runtime(choice.execution, choice.providers, options)
  }

  get provider(): ProviderName {
    return this.execution.provider as ProviderName
  }

  /**
   * The session of one component of a model, for one shape bucket (`shape` fixes the graph's symbolic
   * dimensions, e.g. { batch_size: 2, height: 64, width: 64 }). Loads, validates and warms it up now;
   * later calls reuse it, reloading it if the pool released it to stay under budget.
   */
  async component(
    model: { dir: string; manifest: ModelManifest },
    role: ComponentRole,
    shape: Record<string, number> = {}
  ): Promise<ComponentSession> {
    const { manifest, dir } = model
    const spec = manifest.components[role]
    if (!spec) {
      throw new StudioError(
        'model-mismatch',
        `${join(dir, 'manifest.json')} has no ${role} component (it has ${Object.keys(manifest.components).join(', ') || 'none'}). Import the model again or fix its manifest.`
      )
    }
    const file = join(dir, spec.file)
    if (!/\.onnx$/i.test(spec.file)) {
      throw new StudioError(
        'internal',
        `The ${role} component of ${manifest.id} (${spec.file}) is not an ONNX graph; it has no session.`
      )
    }
    // Only the graph's own symbolic dimensions key the session (extra names would split the pool).
    const symbolic = new Set(
      spec.inputs.flatMap((i) => i.shape.filter((d) => typeof d === 'string'))
    )
    shape = Object.fromEntries(Object.entries(shape).filter(([name]) => symbolic.has(name)))
    const digest = filesDigest(manifest, [spec.file, ...spec.externalData])
    await this.#precheck(
      file,
      digest,
      spec.externalData.map((p) => join(dir, p))
    )

    const sizes = new Map(manifest.files.map((f) => [f.path, f.size]))
    const bytes = [spec.file, ...spec.externalData].reduce((sum, p) => sum + (sizes.get(p) ?? 0), 0)
    const estimateMB =
      spec.memoryEstimateMB ?? Math.max(1, Math.ceil((bytes * sessionMemoryFactor) / MiB))
    const feedsShape = spec.inputs.map((input) => concreteShape(input, shape))
    const isStatic = feedsShape.every((s) => s !== undefined)
    const slot = [manifest.id, role, bucketKey(shape), this.provider].join('|')
    const key = `${slot}|${digest}`
    this.#pool.retire(`${slot}|`, key) // sessions of files this id no longer has
    const { provider } = this
    const threads = this.#options.cpuThreads

    const load = async (): Promise<ort.InferenceSession> => {
      let session: ort.InferenceSession
      try {
        session = await ort.InferenceSession.create(file, {
          executionProviders: [providerConfig(provider, isStatic)],
          graphOptimizationLevel: 'all',
          executionMode: 'sequential',
          ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
          freeDimensionOverrides: shape,
          logSeverityLevel: 4 // failures surface as typed errors with onnxruntime's message
        })
      } catch (error) {
        throw classifyOrtError(error, { file, stage: 'load', provider })
      }
      try {
        assertInterface(file, spec, {
          inputs: foundValues(session.inputMetadata),
          outputs: foundValues(session.outputMetadata)
        })
        if (isStatic) {
          const started = performance.now()
          const feeds = Object.fromEntries(
            spec.inputs.map((input, i) => [input.name, zerosFor(input, feedsShape[i]!)])
          )
          await session.run(feeds).catch((error) => {
            throw classifyOrtError(error, { file, stage: 'run', provider })
          })
          this.#pool.stats(key).warmupMs += performance.now() - started
        }
        return session
      } catch (error) {
        await session.release().catch(() => undefined)
        throw error
      }
    }

    const pooled = { key, estimateMB, load }
    await this.#pool.use(pooled, async () => undefined)
    const stats = this.#pool.stats(key)
    const label = `${manifest.id} ${role}`
    const byName = new Map(spec.inputs.map((input) => [input.name, input]))

    const run: ModelCall = async (feeds) => {
      const converted: Record<string, ort.Tensor> = {}
      for (const [name, tensor] of Object.entries(feeds)) {
        const input = byName.get(name)
        if (!input) {
          throw new StudioError(
            'internal',
            `${label} has no input ${name} (inputs: ${[...byName.keys()].join(', ')})`
          )
        }
        converted[name] = toGraphFeed(label, input, tensor)
      }
      const missing = spec.inputs.filter((input) => !(input.name in feeds)).map((i) => i.name)
      if (missing.length)
        throw new StudioError('internal', `${label} was not fed ${missing.join(', ')}`)
      return this.#pool.use(pooled, async (session) => {
        const started = performance.now()
        let outputs: ort.InferenceSession.ReturnType
        try {
          outputs = await session.run(converted)
        } catch (error) {
          throw classifyOrtError(error, { file, stage: 'run', provider })
        }
        const ms = performance.now() - started
        stats.calls++
        stats.totalMs += ms
        stats.lastMs = ms
        return Object.fromEntries(
          Object.entries(outputs).map(([name, value]) => [name, fromGraphOutput(value)])
        )
      })
    }
    return { inputs: spec.inputs, outputs: spec.outputs, run, stats }
  }

  async #precheck(file: string, digest: string, declaredExternal: string[]): Promise<void> {
    const key = `${file}|${digest}`
    let check = this.#checked.get(key)
    if (!check) {
      check = (async () => {
        const graph = await inspectOnnx(file)
        for (const path of declaredExternal) {
          await access(path).catch(() => {
            throw new StudioError(
              'model-missing',
              `${path} is missing: ${file} keeps its weights there. Download or import the model again.`
            )
          })
        }
        await checkExternalData(file, graph.info)
      })()
      check.catch(() => this.#checked.delete(key))
      this.#checked.set(key, check)
    }
    return check
  }

  /** Timing of every session this runtime has created (for the engine-overhead benchmark). */
  timings(): SessionTiming[] {
    return this.#pool.timings()
  }

  /** Estimated memory of the sessions currently loaded, and their keys (least recently used first). */
  resident(): { mb: number; keys: string[] } {
    return { mb: this.#pool.residentMB(), keys: this.#pool.residentKeys() }
  }

  /** Releases every session. The runtime stays usable: later calls load sessions again. */
  async release(): Promise<void> {
    this.#checked.clear()
    await this.#pool.release()
  }
}
