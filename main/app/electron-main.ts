// Electron main: the wiring only. One window, IPC handlers parsed with the contract (ipc-bridge.ts), the
// engine in a utility process (utility-engine.ts).
import { app, ipcMain, utilityProcess } from 'electron'
import { join } from 'node:path'
import { createDispatch, createHandlers } from '../ipc/handlers'
import { forwardJobEvents, forwardModelEvents, registerIpcHandlers } from './ipc-bridge'
import { createStudio } from './studio'
import { utilityEngineSpawner } from './utility-engine'
import { createMainWindow } from './window'

// Bundled layout (electron-vite): out/main/index.js, out/main/engine-host.js, out/preload/index.cjs.
const here = import.meta.dirname
const engineEntry = join(here, 'engine-host.js')
const preloadEntry = join(here, '../preload/index.cjs')
const rendererEntry = join(here, '../renderer/index.html')

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
    spawnEngine: utilityEngineSpawner(
      (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
      engineEntry
    )
  })
  const window = createMainWindow(preloadEntry)
  registerIpcHandlers(ipcMain, window, createDispatch(createHandlers(studio)))
  forwardJobEvents(studio.queue, window)
  forwardModelEvents(studio.downloads, window)
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
