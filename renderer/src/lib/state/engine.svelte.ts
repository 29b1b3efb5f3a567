import type { StudioClient } from '../api/client'
import { errorView, type ErrorView } from '../api/errors'
import type { EngineInfo } from '../contract'

/** What `info()` says about the engine: chosen execution provider, device, fallback reason, versions. */
export class EngineState {
  info = $state<EngineInfo | null>(null)
  loading = $state(true)
  error = $state<ErrorView | null>(null)

  readonly api: StudioClient

  constructor(api: StudioClient) {
    this.api = api
  }

  load = async (): Promise<void> => {
    this.loading = true
    try {
      this.info = await this.api.info(undefined)
      this.error = null
    } catch (error) {
      this.error = errorView(error)
    } finally {
      this.loading = false
    }
  }
}
