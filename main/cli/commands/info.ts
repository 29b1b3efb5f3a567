import { SettingsSchema } from '../../contract'
import { EngineClient } from '../../jobs/engine-client'
import { spawnNodeEngine } from '../../jobs/engine-process'
import { parseFlags } from '../main'
import { deviceOption, parseDevice } from './shared'

export async function infoCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' }, ...deviceOption })
  const engine = new EngineClient(spawnNodeEngine)
  try {
    const info = await engine.info(SettingsSchema.parse({ device: parseDevice(values.device) }))
    if (values.json) {
      process.stdout.write(JSON.stringify(info, null, 2) + '\n')
      return 0
    }
    const lines = [
      `Diffusion Studio ${info.version}`,
      `device:  ${info.chosen} (${info.deviceName})`,
      ...(info.fallbackReason ? [`note:    ${info.fallbackReason}`] : []),
      'providers:',
      ...info.providers.map(
        (p) =>
          `  ${p.name.padEnd(7)} ${p.available ? 'available' : 'unavailable'}${p.reason ? ` — ${p.reason}` : ''}`
      ),
      'versions:',
      ...Object.entries(info.versions).map(([k, v]) => `  ${k.padEnd(12)} ${v}`)
    ]
    process.stdout.write(lines.join('\n') + '\n')
    return 0
  } finally {
    engine.dispose()
  }
}
