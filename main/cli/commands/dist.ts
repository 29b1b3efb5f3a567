import { build } from 'electron-builder'
import { builder } from '../../../electron.config'

/** `npm run dist`: installers for this OS from the electron-vite build in out/. */
export async function distCommand(): Promise<number> {
  const files = await build({ config: builder, publish: 'never' })
  for (const file of files) process.stdout.write(file + '\n')
  return 0
}
