import type { Command } from 'commander'
import { Option } from 'commander'
import { SettingsSchema } from '../../contract'
import { deviceValue } from '../flags'

export function registerInfoCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('info')
    .description('execution providers found, the one chosen and why, versions')
    .addOption(
      new Option('--device <device>', 'probe as if this device were chosen')
        .argParser(deviceValue)
        .default('auto')
    )
    .option('--json', 'print JSON')
    .option(
      '--reprobe',
      'probe every provider again (the engine remembers which ones this machine lacks)'
    )
    .action(async (values: { device: 'auto'; json?: boolean; reprobe?: boolean }) => {
      const [{ EngineClient }, { spawnNodeEngine }] = await Promise.all([
        import('../../jobs/engine-client'),
        import('../../jobs/engine-process')
      ])
      const engine = new EngineClient(spawnNodeEngine)
      try {
        const info = await engine.info(SettingsSchema.parse({ device: values.device }), {
          reprobe: values.reprobe === true
        })
        if (values.json) {
          process.stdout.write(JSON.stringify(info, null, 2) + '\n')
          return exit(0)
        }
        const lines = [
          `Diffusion Studio ${info.version}`,
          `device:  ${info.chosen} (${info.deviceName})`,
          ...(info.fallbackReason ? [`note:    ${info.fallbackReason}`] : []),
          'providers:',
          ...info.providers.map(
            (p) =>
              `  ${p.name.padEnd(7)} ${p.available ? 'available' : 'unavailable'}${p.reason ? ` — ${p.reason}` : ''}${p.cached ? ' (known from an earlier probe; --reprobe probes again)' : ''}`
          ),
          'versions:',
          ...Object.entries(info.versions).map(([k, v]) => `  ${k.padEnd(12)} ${v}`)
        ]
        process.stdout.write(lines.join('\n') + '\n')
        exit(0)
      } finally {
        engine.dispose()
      }
    })
}
