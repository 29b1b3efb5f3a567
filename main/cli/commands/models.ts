import { ModelRegistry } from '../../models/registry'
import { modelRoots } from '../../app/paths'
import { StudioError } from '../../contract'
import { parseFlags } from '../main'

export async function modelsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values } = parseFlags(rest, { json: { type: 'boolean' } })
  const registry = new ModelRegistry(modelRoots())
  switch (sub) {
    case 'list': {
      const models = await registry.list()
      if (values.json) {
        process.stdout.write(JSON.stringify(models, null, 2) + '\n')
        return 0
      }
      for (const m of models) {
        const problem = m.problem ? ` — ${m.problem}` : ''
        process.stdout.write(
          `${m.manifest.id.padEnd(24)} ${m.manifest.modality.padEnd(12)} ${m.origin.padEnd(10)} ${m.status}${problem}\n`
        )
      }
      return 0
    }
    default:
      throw new StudioError('invalid-request', `Unknown models subcommand "${sub ?? ''}". Use: list.`)
  }
}
