// The logic of Electron main's IPC, kept free of the `electron` module so plain Node tests can drive it
// with fakes: electron-main.ts passes the real ipcMain and BrowserWindow, which satisfy these shapes.
import {
  StudioError,
  channelOf,
  errorTitles,
  jobEventChannel,
  modelEventChannel,
  verbs,
  type JobEvent,
  type ModelEvent
} from '../contract'
import type { Dispatch } from '../ipc/handlers'
import { throttleSteps } from '../ipc/step-throttle'
import type { JobQueue } from '../jobs/queue'
import type { DownloadManager } from '../models/downloads'

/** What a handler learns about its caller (Electron's IpcMainInvokeEvent has more). */
export interface InvokeEvent {
  readonly senderFrame: unknown
}

export type InvokeHandler = (event: InvokeEvent, request: unknown) => Promise<unknown>

/** The part of Electron's ipcMain the bridge uses. */
export interface IpcMainLike {
  handle(channel: string, listener: InvokeHandler): void
}

/** The part of a BrowserWindow that decides who may call in. */
export interface CallerWindow {
  readonly webContents: { readonly mainFrame: unknown }
}

/** The part of a BrowserWindow that job events reach. */
export interface EventWindow {
  isDestroyed(): boolean
  setProgressBar(progress: number): void
  readonly webContents: { send(channel: string, ...args: unknown[]): void }
}

/** What every verb's channel answers: `{ result }`, or `{ error }` (never a rejection). */
export type InvokeReply =
  { result: unknown } | { error: { code: string; title?: string; message: string } }

/**
 * Registers one `ipcMain.handle` per contract verb. Only the window's own top frame may call in; every
 * request goes through `dispatch` (which parses it with the contract), and every failure comes back as
 * `{ error: { code, title, message } }`.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  window: CallerWindow,
  dispatch: Dispatch
): void {
  for (const verb of verbs) {
    ipcMain.handle(channelOf(verb), async (event, request): Promise<InvokeReply> => {
      // Only our own window's top frame may call in.
      if (event.senderFrame !== window.webContents.mainFrame) {
        return { error: { code: 'unauthorized', message: 'Unknown sender.' } }
      }
      try {
        return { result: await dispatch(verb, request) }
      } catch (error) {
        const typed = StudioError.from(error)
        return {
          error: { code: typed.code, title: errorTitles[typed.code], message: typed.message }
        }
      }
    })
  }
}

/**
 * Sends every job event to the window on `jobEventChannel` (steps coalesced to 20 a second per job, see
 * throttleSteps) and mirrors progress on the taskbar: i/n on each step, cleared when a job ends. Nothing is sent once the window is destroyed. Returns the
 * unsubscribe function.
 */
export function forwardJobEvents(queue: Pick<JobQueue, 'on'>, window: EventWindow): () => void {
  const throttled = throttleSteps((event: JobEvent) => {
    if (window.isDestroyed()) return
    window.webContents.send(jobEventChannel, event)
    if (event.type === 'step') window.setProgressBar(event.i / event.n)
    if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
      window.setProgressBar(-1)
    }
  })
  const stop = queue.on(throttled.listener)
  return () => {
    stop()
    throttled.dispose()
  }
}

/** Sends every model event (download progress and outcomes) to the window on `modelEventChannel`. */
export function forwardModelEvents(
  downloads: Pick<DownloadManager, 'on'>,
  window: Pick<EventWindow, 'isDestroyed' | 'webContents'>
): () => void {
  return downloads.on((event: ModelEvent) => {
    if (window.isDestroyed()) return
    window.webContents.send(modelEventChannel, event)
  })
}
