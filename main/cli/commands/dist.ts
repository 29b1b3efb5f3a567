import type { Command } from 'commander'
import { StudioError } from '../../contract'

/** `npm run dist`: installers for this OS from the electron-vite build in out/. Fails (exit 5) offline. */
export async function dist(): Promise<number> {
  const { build } = await import('electron-builder')
  const { builder } = await import('../../../electron.config')
  let files: string[]
  try {
    files = await build({ config: builder, publish: 'never' })
  } catch (error) {
    throw new StudioError(
      'runtime-failure',
      `electron-builder failed: ${(error as Error).message.split('\n')[0]} (it downloads Electron and its tools on first use; an offline machine cannot).`
    )
  }
  if (files.length === 0)
    throw new StudioError('runtime-failure', 'electron-builder wrote no installer.')
  for (const file of files) process.stdout.write(file + '\n')
  return 0
}

export function registerDistCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('dist')
    .description('installers for this OS with electron-builder (after npm run build)')
    .action(async () => exit(await dist()))
}
