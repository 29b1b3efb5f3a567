// Electron main: one window, IPC handlers parsed with the contract, the engine in a utility process.
import { app, ipcMain, utilityProcess, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { StudioError, channelOf, errorTitles, jobEventChannel, verbs } from '../contract'
import type { EngineProcess } from '../jobs/engine-process'
import { createDispatch, createHandlers } from '../ipc/handlers'
import { createStudio } from './studio'
import { createMainWindow } from './window'

// Bundled layout (electron-vite): out/main/index.js, out/main/engine-host.js, out/preload/index.cjs.
const here = import.meta.dirname
const engineEntry = join(here, 'engine-host.js')
const preloadEntry = join(here, '../preload/index.cjs')
const rendererEntry = join(here, '../renderer/index.html')

function spawnUtilityEngine(): EngineProcess {
  const child = utilityProcess.fork(engineEntry, [], {
    serviceName: 'Diffusion Studio engine',
    stdio: 'inherit'
  })
  return {
    get pid() {
      return child.pid
    },
    send: (request) => child.postMessage(request),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(code, null)),
    kill: () => void child.kill()
  }
}

if (!app.requestSingleInstanceLock()) app.quit()
else void app.whenReady().then(start)

function start(): void {
  // Bundled code cannot find the checkout from its own location (out/main/chunks/…): say where things are.
  process.env.STUDIO_STARTER_DIR ??= app.isPackaged
    ? join(process.resourcesPath, 'starter')
    : join(app.getAppPath(), 'native-models', 'starter')
  process.env.STUDIO_DATA_DIR ??= app.getPath('userData')
  const studio = createStudio({
    dataDir: process.env.STUDIO_DATA_DIR,
    spawnEngine: spawnUtilityEngine
  })
  const dispatch = createDispatch(createHandlers(studio))
  const window = createMainWindow(preloadEntry)

  for (const verb of verbs) {
    ipcMain.handle(channelOf(verb), async (event: IpcMainInvokeEvent, request: unknown) => {
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
  studio.queue.on((event) => {
    if (window.isDestroyed()) return
    window.webContents.send(jobEventChannel, event)
    if (event.type === 'step') window.setProgressBar(event.i / event.n)
    if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
      window.setProgressBar(-1)
    }
  })
  void window.loadFile(rendererEntry)
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => {
    studio.close()
    app.quit()
  })
}
