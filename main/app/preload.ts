// The only bridge between the sandboxed renderer and main: one named function per contract verb.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { z } from 'zod'
import {
  channelOf,
  jobEventChannel,
  modelEventChannel,
  verbs,
  type StudioApi
} from '../contract/api'
import { JobEventSchema } from '../contract/jobs'
import { ModelEventSchema } from '../contract/models'

// zod 4 compiles parsers with `new Function` unless told not to; the page's CSP forbids eval.
z.config({ jitless: true })

const api: Record<string, unknown> = {}
for (const verb of verbs) {
  api[verb] = async (request: unknown) => {
    const reply = (await ipcRenderer.invoke(channelOf(verb), request)) as
      { result: unknown } | { error: { code: string; message: string } }
    // contextBridge keeps only an error's message, so the code travels as its prefix.
    if ('error' in reply) throw new Error(`${reply.error.code}: ${reply.error.message}`)
    return reply.result
  }
}
api.onJobEvent = (listener: Parameters<StudioApi['onJobEvent']>[0]) => {
  const forward = (_event: IpcRendererEvent, raw: unknown) => {
    const parsed = JobEventSchema.safeParse(raw)
    if (parsed.success) listener(parsed.data)
  }
  ipcRenderer.on(jobEventChannel, forward)
  return () => ipcRenderer.off(jobEventChannel, forward)
}
api.onModelEvent = (listener: Parameters<StudioApi['onModelEvent']>[0]) => {
  const forward = (_event: IpcRendererEvent, raw: unknown) => {
    const parsed = ModelEventSchema.safeParse(raw)
    if (parsed.success) listener(parsed.data)
  }
  ipcRenderer.on(modelEventChannel, forward)
  return () => ipcRenderer.off(modelEventChannel, forward)
}

contextBridge.exposeInMainWorld('studio', Object.freeze(api))
