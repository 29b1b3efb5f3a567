import type { Command } from 'commander'
import { Option } from 'commander'
import { dataDir, modelRoots, rendererDir } from '../../platform/paths'
import { portValue } from '../flags'
import { writableFolder } from '../paths'
import { ensureBuilt } from './ensure-built'

/** Builds the renderer if it is missing, starts the web host and keeps running until SIGINT/SIGTERM. */
export async function serve(values: { port?: number; dataDir?: string }): Promise<number> {
  // The folder first (the flag, else STUDIO_DATA_DIR or the default, each checked), then the build.
  const folder = values.dataDir ? writableFolder(values.dataDir, '--data-dir') : dataDir()
  process.env.STUDIO_DATA_DIR = folder
  modelRoots() // STUDIO_MODELS_DIR and STUDIO_STARTER_DIR, checked
  ensureBuilt(false)
  const [{ createStudio }, { spawnNodeEngine }, { startWebHost }] = await Promise.all([
    import('../../ipc/studio'),
    import('../../jobs/engine-process'),
    import('../../web-host/server')
  ])
  const studio = createStudio({ dataDir: folder, spawnEngine: spawnNodeEngine, warm: true })
  let host
  try {
    host = await startWebHost({ studio, rendererDir: rendererDir(), port: values.port ?? 0 })
  } catch (error) {
    studio.close()
    throw error
  }
  process.stdout.write(`Diffusion Studio web host: ${host.url}\n`)
  process.stderr.write(`data folder: ${folder}\n`)
  await new Promise<void>((done) => {
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })
  await host.close()
  studio.close()
  return 0
}

export function registerServeCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('serve')
    .description('the web host on 127.0.0.1; prints the URL with its token')
    .addOption(new Option('--port <port>', 'port (0: a free one)').argParser(portValue).default(0))
    .option('--data-dir <folder>', 'data folder (history, outputs, models)', undefined)
    .action(async (values: { port: number; dataDir?: string }) => exit(await serve(values)))
}
