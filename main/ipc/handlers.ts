import {
  StudioError,
  describeIssues,
  invokeContract,
  type Verb,
  type VerbRequestParsed,
  type VerbResponse
} from '../contract'
import { exportArtifacts } from './export'
import type { Studio } from './studio'
import { samplerDescriptors } from '../tasks'
import { validateSpec } from '../jobs/validate-spec'
import {
  importModel,
  listCatalogue,
  listModels as scanModels,
  removeModel
} from '../models/commands'

/** The verbs of the contract, independent of transport. */
export function createHandlers(studio: Studio): Handlers {
  return {
    info: () => studio.engine.info(studio.currentSettings()),
    listSamplers: async () => samplerDescriptors(),
    listModels: () => studio.registry.list(),
    enqueueJob: async (spec) => {
      const {
        spec: settled,
        warnings,
        inputNotes
      } = validateSpec(spec, await studio.registry.list(), studio.inputs)
      return studio.queue.enqueue(settled, warnings, inputNotes)
    },
    // Answers once the job has ended: cancelled is true only if it ended cancelled.
    cancelJob: async ({ jobId }) => {
      const outcome = studio.queue.get(jobId) ? await studio.queue.cancel(jobId) : undefined
      if (!outcome) throw new StudioError('unknown-job', `No job has id "${jobId}".`)
      return outcome
    },
    listJobs: async (request) => studio.queue.list(request?.limit ?? 100),
    addInput: ({ kind, name, bytes }) => studio.inputs.add(kind, bytes, name),
    getInput: async ({ ref }) => studio.inputs.require(ref),
    // A native file dialog exists only in Electron (app/ipc-bridge overrides this verb there).
    chooseInput: async () => {
      throw new StudioError(
        'not-found',
        'No file dialog here: drop, paste or pick the file in the page.'
      )
    },
    chooseModelPath: async () => {
      throw new StudioError('not-found', 'No file dialog here: type the folder or .onnx path.')
    },
    scanModels: async () => ({
      ...(await scanModels(studio.models)),
      activeDownloads: studio.downloads.active
    }),
    listCatalogue: () => listCatalogue(),
    importModel: async ({ path, id, name }) => {
      const summary = await importModel(
        path,
        { ...(id ? { id } : {}), ...(name ? { name } : {}) },
        studio.models
      )
      return { id: summary.id, dir: summary.dir, warnings: summary.warnings }
    },
    removeModel: async ({ id }) => {
      const using = studio.queue.active().filter((job) => job.spec.model === id)
      if (using.length > 0) {
        throw new StudioError(
          'invalid-request',
          `${id} is used by ${using.length} queued or running job${using.length === 1 ? '' : 's'} (${using.map((j) => j.id).join(', ')}); cancel ${using.length === 1 ? 'it' : 'them'} or wait, then remove the model.`
        )
      }
      return { id: (await removeModel(id, studio.models)).id }
    },
    startDownload: (request) => studio.downloads.start(request),
    cancelDownload: async ({ downloadId }) => ({
      cancelled: studio.downloads.cancel(downloadId)
    }),
    getSettings: async () => studio.currentSettings(),
    updateSettings: (patch) => studio.settings.update(patch),
    exportArtifacts: (request) => exportArtifacts(studio, request)
  }
}

export type Handlers = { [V in Verb]: (request: VerbRequestParsed<V>) => Promise<VerbResponse<V>> }
export type Dispatch = (verb: string, request: unknown) => Promise<unknown>

/** Parses an untrusted (verb, request) pair with the contract and runs the handler. */
export function createDispatch(handlers: Handlers): Dispatch {
  return async (verb, request) => {
    if (!Object.hasOwn(invokeContract, verb)) {
      throw new StudioError('invalid-request', `Unknown verb "${String(verb).slice(0, 64)}".`)
    }
    const name = verb as Verb
    const schema = invokeContract[name].request
    const parsed = schema.safeParse(request, { reportInput: true })
    if (!parsed.success) {
      throw new StudioError(
        'invalid-request',
        `Invalid ${name} request: ${describeIssues(parsed.error, undefined, schema)}`
      )
    }
    const handler = handlers[name] as (request: unknown) => Promise<unknown>
    return handler(parsed.data)
  }
}
