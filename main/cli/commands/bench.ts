import { StudioError } from '../../contract'

export async function benchCommand(args: string[]): Promise<number> {
  const [which] = args
  switch (which) {
    default:
      throw new StudioError('invalid-request', `Unknown benchmark "${which ?? ''}". Use: samplers, runtime.`)
  }
}
