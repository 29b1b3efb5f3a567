// Files a user names (an import source, an input, a staged download) are read only when they are regular
// files: a named pipe would block the read until a writer comes, a device (a link to /dev/zero) never
// ends, a socket cannot be read. The file is opened without blocking and checked on the open handle, so
// nothing can swap it between the check and the read.
import { constants, type Stats } from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { StudioError } from '../contract'

/** What a non-regular file is, in words. */
export function fileKind(s: Stats): string {
  if (s.isDirectory()) return 'a folder'
  if (s.isFIFO()) return 'a named pipe (FIFO)'
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device'
  if (s.isSocket()) return 'a socket'
  return 'not a plain file'
}

/** `bad-input`: "<path> is not a regular file (a named pipe (FIFO))…". */
export function notRegularFile(path: string, s: Stats, what?: string): StudioError {
  return new StudioError(
    'bad-input',
    `${what ? `${what} ` : ''}${path} is not a regular file (it is ${fileKind(s)}); only plain files are read.`
  )
}

/**
 * Opens `path` for reading if it is a regular file (links followed). ENOENT and the like are thrown as
 * Node throws them, for the caller to word.
 * @throws StudioError bad-input when it is a FIFO, a device, a socket or a folder.
 */
export async function openRegularFile(path: string, what?: string): Promise<FileHandle> {
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch(
    async (error: NodeJS.ErrnoException) => {
      // A socket cannot be opened at all (ENXIO): say what it is.
      const found = await stat(path).catch(() => undefined)
      throw found && !found.isFile() ? notRegularFile(path, found, what) : error
    }
  )
  try {
    const s = await handle.stat()
    if (!s.isFile()) throw notRegularFile(path, s, what)
    return handle
  } catch (error) {
    await handle.close()
    throw error
  }
}

/**
 * A regular file's bytes (or text), refused before reading when it is over `maxBytes`.
 * @throws StudioError bad-input for a non-regular file or one over the limit.
 */
export async function readRegularFile(
  path: string,
  options: { what?: string; maxBytes?: number } = {}
): Promise<Buffer> {
  const handle = await openRegularFile(path, options.what)
  try {
    const { size } = await handle.stat()
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      throw new StudioError(
        'bad-input',
        `${options.what ? `${options.what} ` : ''}${path} is ${(size / 2 ** 20).toFixed(1)} MiB; the limit is ${(options.maxBytes / 2 ** 20).toFixed(0)} MiB.`
      )
    }
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}

/** Whether `path` exists and is a regular file (links followed); never opens it. */
export async function isRegularFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false
  )
}
