import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { StudioError } from '../contract'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Claims a data folder for this process (`studio.lock` holding the pid), so a second studio on the same
 * folder cannot mark the first one's running jobs as interrupted. A lock left by a dead process is taken
 * over. Returns the release function.
 */
export function lockFolder(dir: string): () => void {
  const file = join(dir, 'studio.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number(readFileSync(file, 'utf8').trim())
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new StudioError(
          'in-use',
          `Another Diffusion Studio (pid ${owner}) is using ${dir}. Close it, or give this one another folder (--data-dir).`
        )
      }
      rmSync(file, { force: true }) // stale: its process is gone
    }
  }
  throw new StudioError('in-use', `Could not claim ${dir}.`)
}
