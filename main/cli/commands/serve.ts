import { resolve } from 'node:path'
import { createStudio } from '../../app/studio'
import { dataDir, rendererDir } from '../../app/paths'
import { spawnNodeEngine } from '../../jobs/engine-process'
import { startWebHost } from '../../web-host/server'
import { parseFlags } from '../main'
import { intFlag } from './shared'

/** Starts the web host and keeps running until SIGINT/SIGTERM. */
export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { port: { type: 'string' }, 'data-dir': { type: 'string' } })
  const folder = values['data-dir'] ? resolve(values['data-dir']) : dataDir()
  process.env.STUDIO_DATA_DIR = folder
  const studio = createStudio({ dataDir: folder, spawnEngine: spawnNodeEngine })
  const host = await startWebHost({
    studio,
    rendererDir: rendererDir(),
    port: intFlag(values.port, 'port') ?? 0
  })
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
