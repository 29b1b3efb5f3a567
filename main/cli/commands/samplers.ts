import { samplers } from '../../engine/diffusion/registry'
import { parseFlags } from '../main'

export async function samplersCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' } })
  const rows = samplers.map(({ sample: _sample, ...info }) => info)
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
    return 0
  }
  const width = Math.max(...rows.map((r) => r.name.length))
  process.stdout.write(`${'name'.padEnd(width)}  order  calls/step  stochastic  description\n`)
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(width)}  ${String(r.order).padEnd(5)}  ${String(r.callsPerStep).padEnd(10)}  ` +
        `${(r.stochastic ? 'yes' : 'no').padEnd(10)}  ${r.description}\n`
    )
  }
  return 0
}
