// Electron main: the wiring only. One window loaded from the privileged `studio://app/` scheme (the
// renderer, artifacts and inputs, with the CSP as a header), IPC handlers parsed with the contract
// (ipc-bridge.ts), native dialogs for files, the engine in a utility process with a filtered environment.
import { app, dialog, ipcMain, protocol, session, utilityProcess } from 'electron'
import { join } from 'node:path'
import { createDispatch, createHandlers, type Handlers } from '../ipc/handlers'
import { createStudio } from '../ipc/studio'
import { forwardJobEvents, forwardModelEvents, registerIpcHandlers } from './ipc-bridge'
import { handleStudioRequest, studioOrigin, studioScheme } from './protocol'
import { utilityEngineSpawner } from './utility-engine'
import { createMainWindow, denyPermissions } from './window'
import { StudioError } from '../contract'
import { dataDir } from '../platform/paths'

// Bundled layout (electron-vite): out/main/index.js, out/main/engine-host.js, out/preload/index.cjs.
const here = import.meta.dirname
const engineEntry = join(here, 'engine-host.js')
const preloadEntry = join(here, '../preload/index.cjs')
const rendererDir = join(here, '../renderer')

protocol.registerSchemesAsPrivileged([
  {
    scheme: studioScheme,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      stream: true,
      codeCache: true
    }
  }
])

if (!app.requestSingleInstanceLock()) app.quit()
else void app.whenReady().then(start)

function start(): void {
  // Bundled code cannot find the checkout from its own location (out/main/chunks/…): say where things are.
  process.env.STUDIO_STARTER_DIR ??= app.isPackaged
    ? join(process.resourcesPath, 'starter')
    : join(app.getAppPath(), 'native-models', 'starter')
  process.env.STUDIO_DATA_DIR ??= app.getPath('userData')
  const studio = createStudio({
    dataDir: dataDir(), // checked: a file or a system folder is refused, never created in
    spawnEngine: utilityEngineSpawner(
      (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
      engineEntry
    ),
    warm: true
  })
  denyPermissions(session.defaultSession)
  protocol.handle(studioScheme, (request) => handleStudioRequest(request, { studio, rendererDir }))
  const window = createMainWindow(preloadEntry)

  // Files come from native dialogs in main: the renderer never names a path Electron opens.
  const chosenModelPaths = new Set<string>()
  const generic = createHandlers(studio)
  const handlers: Handlers = {
    ...generic,
    chooseModelPath: async ({ kind }) => {
      const result = await dialog.showOpenDialog(window, {
        title: kind === 'folder' ? 'Import a model folder' : 'Import an .onnx model',
        properties: kind === 'folder' ? ['openDirectory'] : ['openFile'],
        ...(kind === 'file' ? { filters: [{ name: 'ONNX model', extensions: ['onnx'] }] } : {})
      })
      const path = result.canceled ? undefined : result.filePaths[0]
      if (!path) return null
      chosenModelPaths.add(path)
      return { path }
    },
    importModel: (request) => {
      if (!chosenModelPaths.has(request.path)) {
        throw new StudioError('unauthorized', 'Choose the model with the Import… dialog.')
      }
      return generic.importModel(request)
    },
    chooseInput: async ({ kind }) => {
      const result = await dialog.showOpenDialog(window, {
        title:
          kind === 'mask' ? 'Open a mask' : `Open ${kind === 'image' ? 'an image' : `a ${kind}`}`,
        properties: ['openFile'],
        filters:
          kind === 'image' || kind === 'mask'
            ? [
                {
                  name: 'Images',
                  extensions: ['png', 'jpg', 'jpeg', 'webp', 'avif', 'tif', 'tiff']
                }
              ]
            : []
      })
      const path = result.canceled ? undefined : result.filePaths[0]
      if (!path) return null
      return studio.inputs.addFile(kind, path)
    }
  }
  registerIpcHandlers(ipcMain, window, createDispatch(handlers))
  forwardJobEvents(studio.queue, window)
  forwardModelEvents(studio.downloads, window)
  void window.loadURL(`${studioOrigin}/index.html`)
  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => {
    studio.close()
    app.quit()
  })
}
