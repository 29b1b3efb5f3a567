import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  channelOf,
  errorTitles,
  invokeContract,
  jobEventChannel,
  modelEventChannel,
  verbs,
  type JobEvent,
  type ModelEvent,
  type JobRecord,
  type Verb
} from '../contract'
import { createDispatch, createHandlers, type Dispatch } from '../ipc/handlers'
import { FakeEngine } from '../jobs/testing/fake-engine'
import {
  forwardJobEvents,
  forwardModelEvents,
  registerIpcHandlers,
  type InvokeHandler,
  type InvokeReply
} from './ipc-bridge'
import { projectRoot } from '../platform/paths'
import { createStudio, type Studio } from '../ipc/studio'

/** ipcMain as far as the bridge sees it; like Electron, a second handler for a channel throws. */
function fakeIpcMain() {
  const handlers = new Map<string, InvokeHandler>()
  return {
    handlers,
    handle(channel: string, listener: InvokeHandler) {
      if (handlers.has(channel)) throw new Error(`second handler for '${channel}'`)
      handlers.set(channel, listener)
    },
    invoke(verb: Verb, senderFrame: unknown, request?: unknown): Promise<InvokeReply> {
      const handler = handlers.get(channelOf(verb))
      if (!handler) throw new Error(`no handler for ${verb}`)
      return handler({ senderFrame }, request) as Promise<InvokeReply>
    }
  }
}

const mainFrame = { name: 'main frame' }
const callerWindow = { webContents: { mainFrame } }

describe('registerIpcHandlers', () => {
  it('registers exactly one handler per contract verb, on the verb’s channel', () => {
    const ipc = fakeIpcMain()
    registerIpcHandlers(ipc, callerWindow, vi.fn())
    expect([...ipc.handlers.keys()].sort()).toEqual(verbs.map(channelOf).sort())
    expect(ipc.handlers.size).toBe(Object.keys(invokeContract).length)
  })

  it('refuses callers other than the window’s main frame without reaching dispatch', async () => {
    const ipc = fakeIpcMain()
    const dispatch = vi.fn<Dispatch>(async () => 'ran')
    registerIpcHandlers(ipc, callerWindow, dispatch)
    for (const senderFrame of [{ name: 'iframe' }, null, undefined, { ...mainFrame }]) {
      for (const verb of verbs) {
        expect(await ipc.invoke(verb, senderFrame, {})).toEqual({
          error: { code: 'unauthorized', message: expect.any(String) }
        })
      }
    }
    expect(dispatch).not.toHaveBeenCalled()
    // The main frame itself gets through, with the verb and its request untouched.
    expect(await ipc.invoke('listJobs', mainFrame, { limit: 3 })).toEqual({ result: 'ran' })
    expect(dispatch).toHaveBeenCalledExactlyOnceWith('listJobs', { limit: 3 })
  })

  it('turns anything dispatch throws into { error: { code, title, message } }', async () => {
    const ipc = fakeIpcMain()
    registerIpcHandlers(ipc, callerWindow, async () => {
      throw new Error('disk on fire')
    })
    expect(await ipc.invoke('info', mainFrame)).toEqual({
      error: { code: 'internal', title: errorTitles.internal, message: 'disk on fire' }
    })
    const throwsString = fakeIpcMain()
    registerIpcHandlers(throwsString, callerWindow, () => Promise.reject('bare string'))
    expect(await throwsString.invoke('info', mainFrame)).toEqual({
      error: { code: 'internal', title: errorTitles.internal, message: 'bare string' }
    })
  })
})

describe('registerIpcHandlers with the real dispatch', () => {
  let dir: string
  let studio: Studio
  let engine: FakeEngine
  const ipc = fakeIpcMain()

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipc-bridge-'))
    engine = new FakeEngine()
    studio = createStudio({
      dataDir: join(dir, 'data'),
      spawnEngine: engine.spawn,
      roots: { starter: join(projectRoot, 'native-models', 'starter'), user: join(dir, 'models') }
    })
    registerIpcHandlers(ipc, callerWindow, createDispatch(createHandlers(studio)))
  })

  afterAll(() => {
    studio.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const hostile: [Verb, unknown][] = [
    ['enqueueJob', 'not an object'],
    ['enqueueJob', null],
    ['enqueueJob', []],
    ['enqueueJob', { task: 'format-disk' }],
    ['enqueueJob', { task: 'image.generate', model: 'emoji-32', steps: 'lots', evil: '<script>' }],
    ['enqueueJob', { task: 'image.generate', model: 'emoji-32', steps: -3 }],
    ['enqueueJob', JSON.parse('{"__proto__": {"task": "image.generate", "model": "emoji-32"}}')],
    ['cancelJob', { jobId: 5 }],
    ['cancelJob', { jobId: 'x'.repeat(10_000) }],
    ['cancelJob', JSON.parse('{"__proto__": {"jobId": "abc"}}')],
    ['cancelJob', JSON.parse('{"constructor": {"prototype": {"jobId": "abc"}}}')],
    ['addInput', { kind: 'image', bytes: 'aGVsbG8=' }],
    ['addInput', { kind: 'shell-script', bytes: new Uint8Array(4) }],
    ['addInput', { kind: 'image', bytes: [1, 2, 3] }],
    ['getInput', { ref: '../../etc/passwd' }],
    ['importModel', { path: '\\\\attacker\\share\\model' }],
    ['importModel', { path: '//attacker/share/model' }],
    ['importModel', { path: 'relative/model' }],
    ['listJobs', { limit: 'all' }],
    ['listJobs', { limit: 1e9 }],
    ['updateSettings', { memoryBudgetMB: 'lots' }],
    ['updateSettings', 42],
    ['info', { unexpected: true }],
    ['listModels', 'please']
  ]

  it('answers hostile requests with an invalid-request error object, never a throw', async () => {
    for (const [verb, request] of hostile) {
      const reply = await ipc.invoke(verb, mainFrame, request)
      expect(reply, `${verb} ${JSON.stringify(request)?.slice(0, 80)}`).toEqual({
        error: {
          code: 'invalid-request',
          title: errorTitles['invalid-request'],
          message: expect.stringMatching(new RegExp(`^Invalid ${verb} request: `))
        }
      })
    }
    // Nothing leaked onto Object.prototype, and nothing was queued.
    expect(({} as Record<string, unknown>).jobId).toBeUndefined()
    expect(({} as Record<string, unknown>).task).toBeUndefined()
    expect(studio.queue.list(10)).toEqual([])
    expect(engine.spawned).toHaveLength(0)
  })

  it('names the field that failed', async () => {
    const reply = await ipc.invoke('enqueueJob', mainFrame, {
      task: 'image.generate',
      model: 'emoji-32',
      steps: -3
    })
    expect(reply).toMatchObject({ error: { message: expect.stringContaining('steps') } })
  })

  it('passes a handler’s own StudioError through with its code and title', async () => {
    expect(await ipc.invoke('cancelJob', mainFrame, { jobId: 'no-such-job' })).toEqual({
      error: {
        code: 'unknown-job',
        title: errorTitles['unknown-job'],
        message: 'No job has id "no-such-job".'
      }
    })
  })

  it('returns { result } for listModels, which the contract’s response schema accepts', async () => {
    const reply = await ipc.invoke('listModels', mainFrame)
    expect(Object.keys(reply)).toEqual(['result'])
    const models = invokeContract.listModels.response.parse((reply as { result: unknown }).result)
    expect(models.map((m) => [m.manifest.id, m.origin, m.status])).toContainEqual([
      'emoji-32',
      'starter',
      'ready'
    ])
  })

  it('runs a job end to end: enqueueJob over IPC, its events forwarded to the window', async () => {
    const sent: [string, JobEvent][] = []
    const progress: number[] = []
    const window = {
      isDestroyed: () => false,
      setProgressBar: (value: number) => progress.push(value),
      webContents: { send: (channel: string, event: JobEvent) => sent.push([channel, event]) }
    }
    const stop = forwardJobEvents(studio.queue, window)
    const reply = await ipc.invoke('enqueueJob', mainFrame, {
      task: 'image.generate',
      model: 'emoji-32',
      seed: 3
    })
    expect(reply).not.toHaveProperty('error')
    const job = invokeContract.enqueueJob.response.parse((reply as { result: unknown }).result)
    await studio.queue.drained()
    stop()
    expect(sent.every(([channel]) => channel === jobEventChannel)).toBe(true)
    const kinds = sent.map(([, event]) => event.type)
    expect(kinds[0]).toBe('queued')
    expect(kinds.at(-1)).toBe('done')
    expect(sent.every(([, event]) => event.jobId === job.id)).toBe(true)
    const steps = engine.steps
    // Steps reach the window coalesced (throttleSteps): the first, the last, in order, then the clear.
    expect(progress[0]).toBe(1 / steps)
    expect(progress.slice(-2)).toEqual([1, -1])
    expect(progress.slice(0, -1)).toEqual([...progress.slice(0, -1)].sort((a, b) => a - b))
    expect(((sent.at(-1) as [string, JobEvent])[1] as { job: JobRecord }).job.status).toBe('done')
  })
})

describe('forwardJobEvents', () => {
  function fakeQueue() {
    const listeners = new Set<(event: JobEvent) => void>()
    return {
      listeners,
      on(listener: (event: JobEvent) => void) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
      emit(event: JobEvent) {
        for (const listener of listeners) listener(event)
      }
    }
  }

  function fakeWindow() {
    let destroyed = false
    const window = {
      isDestroyed: () => destroyed,
      setProgressBar: vi.fn<(progress: number) => void>(),
      webContents: { send: vi.fn<(channel: string, ...args: unknown[]) => void>() },
      destroy: () => {
        destroyed = true
      }
    }
    return window
  }

  const job = { id: 'j1' } as JobRecord
  const step = (i: number, n: number): JobEvent => ({ type: 'step', jobId: 'j1', i, n })

  it('sends every event on the job-event channel and mirrors steps on the taskbar', () => {
    const queue = fakeQueue()
    const window = fakeWindow()
    forwardJobEvents(queue, window)
    const events: JobEvent[] = [
      { type: 'queued', jobId: 'j1', job },
      { type: 'started', jobId: 'j1', execution: { provider: 'cpu', deviceName: 'fake' } },
      step(1, 4),
      step(2, 4),
      { type: 'warning', jobId: 'j1', message: 'slow' },
      step(4, 4),
      {
        type: 'artifact',
        jobId: 'j1',
        artifact: {
          kind: 'image',
          path: '/o/a.png',
          mime: 'image/png',
          index: 0,
          width: 32,
          height: 32,
          role: 'output'
        }
      },
      { type: 'done', jobId: 'j1', job }
    ]
    for (const event of events) queue.emit(event)
    expect(window.webContents.send.mock.calls).toEqual(events.map((e) => [jobEventChannel, e]))
    expect(window.setProgressBar.mock.calls).toEqual([[0.25], [0.5], [1], [-1]])
  })

  it('clears the taskbar progress when a job fails or is cancelled', () => {
    const queue = fakeQueue()
    const window = fakeWindow()
    forwardJobEvents(queue, window)
    queue.emit(step(1, 2))
    queue.emit({
      type: 'failed',
      jobId: 'j1',
      error: { code: 'engine-crashed', message: 'gone' },
      job
    })
    queue.emit(step(1, 3))
    queue.emit({ type: 'cancelled', jobId: 'j1', job })
    expect(window.setProgressBar.mock.calls).toEqual([[0.5], [-1], [1 / 3], [-1]])
  })

  it('sends nothing and leaves the taskbar alone once the window is destroyed', () => {
    const queue = fakeQueue()
    const window = fakeWindow()
    forwardJobEvents(queue, window)
    queue.emit(step(1, 2))
    window.destroy()
    queue.emit(step(2, 2))
    queue.emit({ type: 'done', jobId: 'j1', job })
    expect(window.webContents.send).toHaveBeenCalledTimes(1)
    expect(window.setProgressBar.mock.calls).toEqual([[0.5]])
  })

  it('returns an unsubscribe function', () => {
    const queue = fakeQueue()
    const window = fakeWindow()
    const stop = forwardJobEvents(queue, window)
    expect(queue.listeners.size).toBe(1)
    stop()
    expect(queue.listeners.size).toBe(0)
    queue.emit(step(1, 2))
    expect(window.webContents.send).not.toHaveBeenCalled()
  })
})

describe('forwardModelEvents', () => {
  it('sends model events on their own channel until the window is destroyed or unsubscribed', () => {
    const listeners = new Set<(event: ModelEvent) => void>()
    const downloads = {
      on(listener: (event: ModelEvent) => void) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      }
    }
    let destroyed = false
    const send = vi.fn<(channel: string, ...args: unknown[]) => void>()
    const stop = forwardModelEvents(downloads, {
      isDestroyed: () => destroyed,
      webContents: { send }
    })
    const paused: ModelEvent = { type: 'download-paused', downloadId: 'd1' }
    for (const l of listeners) l(paused)
    expect(send.mock.calls).toEqual([[modelEventChannel, paused]])
    destroyed = true
    for (const l of listeners) l(paused)
    expect(send).toHaveBeenCalledTimes(1)
    stop()
    expect(listeners.size).toBe(0)
  })
})
