import type { StudioClient } from '../api/client'
import { errorView, type ErrorView } from '../api/errors'
import type { InstalledModel } from '../contract'

/** Installed models (listModels), ready ones first. */
export class ModelsState {
  list = $state<InstalledModel[]>([])
  loading = $state(true)
  error = $state<ErrorView | null>(null)
  ready = $derived(this.list.filter((m) => m.status === 'ready'))

  readonly api: StudioClient

  constructor(api: StudioClient) {
    this.api = api
  }

  byId = (id: string | undefined): InstalledModel | undefined =>
    id ? this.list.find((m) => m.manifest.id === id) : undefined

  load = async (): Promise<void> => {
    this.loading = true
    try {
      const models = await this.api.listModels(undefined)
      this.list = models.toSorted(
        (a, b) =>
          Number(b.status === 'ready') - Number(a.status === 'ready') ||
          a.manifest.name.localeCompare(b.manifest.name)
      )
      this.error = null
    } catch (error) {
      this.error = errorView(error)
    } finally {
      this.loading = false
    }
  }
}
