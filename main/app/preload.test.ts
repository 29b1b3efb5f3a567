import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  channelOf,
  errorTitles,
  jobEventChannel,
  modelEventChannel,
  verbs,
  type JobEvent,
  type ModelEvent,
  type StudioApi
} from '../contract'

// The preload runs its bridge at import time against `electron`; these fakes stand in for it.
const fake = vi.hoisted(() => {
  type Listener = (event: unknown, ...args: unknown[]) => void
  const listeners = new Map<string, Set<Listener>>()
  const exposed = new Map<string, unknown>()
  const ipcRenderer = {
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
    on(channel: string, listener: Listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set())
      listeners.get(channel)?.add(listener)
      return ipcRenderer
    },
    off(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener)
      return ipcRenderer
    },
    send: vi.fn(),
    sendSync: vi.fn(),
    postMessage: vi.fn()
  }
  const contextBridge = {
    exposeInMainWorld: vi.fn((key: string, api: unknown) => {
      exposed.set(key, api)
    })
  }
  /** What main's webContents.send does: every listener gets (event, payload). */
  const emit = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener({ sender: ipcRenderer }, payload)
  }
  return { listeners, exposed, ipcRenderer, contextBridge, emit }
})

vi.mock('electron', () => ({
  contextBridge: fake.contextBridge,
  ipcRenderer: fake.ipcRenderer
}))

let studio: StudioApi

beforeAll(async () => {
  await import('./preload')
  studio = fake.exposed.get('studio') as StudioApi
})

beforeEach(() => {
  fake.ipcRenderer.invoke.mockReset()
})

describe('preload', () => {
  it('exposes one object, as window.studio, once', () => {
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    expect([...fake.exposed.keys()]).toEqual(['studio'])
  })

  it('exposes exactly the contract verbs and the two event subscriptions, nothing of ipcRenderer', () => {
    const expected = [...verbs, 'onJobEvent', 'onModelEvent'].sort()
    expect(Object.keys(studio).sort()).toEqual(expected)
    expect(Object.getOwnPropertyNames(studio).sort()).toEqual(expected)
    expect(Object.getOwnPropertySymbols(studio)).toEqual([])
    for (const value of Object.values(studio)) expect(typeof value).toBe('function')
    for (const name of ['ipcRenderer', 'invoke', 'send', 'sendSync', 'on', 'off', 'postMessage']) {
      expect(studio).not.toHaveProperty(name)
    }
    expect(Object.values(studio)).not.toContain(fake.ipcRenderer)
  })

  it('is frozen', () => {
    expect(Object.isFrozen(studio)).toBe(true)
    expect(() => {
      ;(studio as unknown as Record<string, unknown>).invoke = () => 'hijacked'
    }).toThrow(TypeError)
    expect(studio).not.toHaveProperty('invoke')
  })

  it('makes each verb invoke studio:<verb> with its one argument and resolve to the result', async () => {
    for (const verb of verbs) {
      const request = { marker: verb }
      fake.ipcRenderer.invoke.mockResolvedValueOnce({ result: { answered: verb } })
      const call = studio[verb] as (request?: unknown) => Promise<unknown>
      await expect(call(request)).resolves.toEqual({ answered: verb })
      expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(channelOf(verb), request)
      expect(channelOf(verb)).toBe(`studio:${verb}`)
    }
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledTimes(verbs.length)
  })

  it('passes an absent argument as undefined', async () => {
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ result: [] })
    await expect(studio.listModels()).resolves.toEqual([])
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith('studio:listModels', undefined)
  })

  it('turns an { error } reply into a thrown Error whose message starts with the code', async () => {
    fake.ipcRenderer.invoke.mockResolvedValueOnce({
      error: {
        code: 'invalid-request',
        title: errorTitles['invalid-request'],
        message: 'Invalid enqueueJob request: steps: Too small'
      }
    })
    const failure = studio.enqueueJob({ task: 'image.generate', model: 'm' }).then(
      () => undefined,
      (error: unknown) => error
    )
    const error = await failure
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe(
      'invalid-request: Invalid enqueueJob request: steps: Too small'
    )
    fake.ipcRenderer.invoke.mockResolvedValueOnce({
      error: { code: 'unauthorized', message: 'Unknown sender.' }
    })
    await expect(studio.info()).rejects.toThrow(/^unauthorized: Unknown sender\.$/)
  })

  it('drops malformed job events and delivers valid ones, parsed', () => {
    const received: JobEvent[] = []
    const listener = vi.fn((event: JobEvent) => received.push(event))
    const stop = studio.onJobEvent(listener)
    const malformed: unknown[] = [
      undefined,
      null,
      'step',
      42,
      [],
      {},
      { type: 'explode', jobId: 'j' },
      { type: 'step', jobId: 'j', i: -1, n: 5 },
      { type: 'step', jobId: 'j', i: 1, n: 0 },
      { type: 'step', jobId: 7, i: 1, n: 5 },
      { type: 'warning', jobId: 'j' },
      { type: 'done', jobId: 'j', job: { id: 'j' } },
      JSON.parse('{"__proto__": {"type": "step", "jobId": "j", "i": 1, "n": 2}}')
    ]
    for (const raw of malformed) fake.emit(jobEventChannel, raw)
    expect(listener).not.toHaveBeenCalled()

    fake.emit(jobEventChannel, { type: 'step', jobId: 'j', i: 1, n: 5 })
    fake.emit(jobEventChannel, { type: 'warning', jobId: 'j', message: 'slow', evil: '<script>' })
    fake.emit('studio:some-other-channel', { type: 'step', jobId: 'j', i: 2, n: 5 })
    expect(received).toEqual([
      { type: 'step', jobId: 'j', i: 1, n: 5 },
      { type: 'warning', jobId: 'j', message: 'slow' }
    ])
    // The listener sees the event alone: never Electron's IpcRendererEvent (which carries `sender`).
    for (const call of listener.mock.calls) expect(call).toHaveLength(1)
    stop()
  })

  it('returns an unsubscribe function that removes its listener', () => {
    const before = fake.listeners.get(jobEventChannel)?.size ?? 0
    const first = vi.fn()
    const second = vi.fn()
    const stopFirst = studio.onJobEvent(first)
    const stopSecond = studio.onJobEvent(second)
    expect(fake.listeners.get(jobEventChannel)?.size).toBe(before + 2)
    const step = { type: 'step', jobId: 'j', i: 1, n: 2 }
    fake.emit(jobEventChannel, step)
    stopFirst()
    expect(fake.listeners.get(jobEventChannel)?.size).toBe(before + 1)
    fake.emit(jobEventChannel, step)
    expect(first).toHaveBeenCalledTimes(1)
    expect(second).toHaveBeenCalledTimes(2)
    stopSecond()
    expect(fake.listeners.get(jobEventChannel)?.size).toBe(before)
  })

  it('parses model events on their own channel and drops malformed ones', () => {
    const received: ModelEvent[] = []
    const stop = studio.onModelEvent((event) => received.push(event))
    for (const raw of [
      null,
      { type: 'download-progress', downloadId: 'd', repo: 'a/b', bytes: -1, bytesPerSecond: 0 },
      { type: 'download-done', downloadId: 'd' },
      { type: 'step', jobId: 'j', i: 1, n: 2 }
    ]) {
      fake.emit(modelEventChannel, raw)
    }
    fake.emit(modelEventChannel, { type: 'download-paused', downloadId: 'd', extra: 1 })
    fake.emit(jobEventChannel, { type: 'download-paused', downloadId: 'd' })
    expect(received).toEqual([{ type: 'download-paused', downloadId: 'd' }])
    stop()
    fake.emit(modelEventChannel, { type: 'download-paused', downloadId: 'd' })
    expect(received).toHaveLength(1)
  })
})
