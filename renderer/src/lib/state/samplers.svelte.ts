import type { StudioClient } from '../api/client'
import { errorView, type ErrorView } from '../api/errors'
import type { SamplerDescriptor } from '../contract'

/** The engine's generating samplers (listSamplers without inversions), with descriptions and parameters. */
export class SamplersState {
  list = $state<SamplerDescriptor[]>([])
  loading = $state(true)
  error = $state<ErrorView | null>(null)

  readonly api: StudioClient

  constructor(api: StudioClient) {
    this.api = api
  }

  byName = (name: string | undefined): SamplerDescriptor | undefined =>
    name ? this.list.find((s) => s.name === name) : undefined

  labelOf = (name: string | undefined): string | undefined => this.byName(name)?.label ?? name

  load = async (): Promise<void> => {
    this.loading = true
    try {
      this.list = (await this.api.listSamplers()).filter((s) => s.purpose === 'sample')
      this.error = null
    } catch (error) {
      this.error = errorView(error)
    } finally {
      this.loading = false
    }
  }
}
