import type { Command } from 'commander'
import { samplerDescriptors } from '../../tasks'

export function registerSamplersCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('samplers')
    .description(
      'every sampler: name, order, model calls per step, steps for clean results, description'
    )
    .option('--json', 'print JSON')
    .action((values: { json?: boolean }) => {
      const rows = samplerDescriptors()
      if (values.json) {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n')
        return exit(0)
      }
      const width = Math.max(...rows.map((r) => r.name.length))
      process.stdout.write(
        `${'name'.padEnd(width)}  order  calls/step  stochastic  steps  description\n`
      )
      for (const r of rows) {
        process.stdout.write(
          `${r.name.padEnd(width)}  ${String(r.order).padEnd(5)}  ${String(r.callsPerStep).padEnd(10)}  ` +
            `${(r.stochastic ? 'yes' : 'no').padEnd(10)}  ${`${r.steps.min}+`.padEnd(5)}  ${r.description}\n`
        )
      }
      exit(0)
    })
}
