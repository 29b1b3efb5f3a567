import type { StudioClient } from '../api/client'
import { errorView, type ErrorView } from '../api/errors'
import type { Settings, SettingsPatch } from '../contract'

/** Engine settings (getSettings / updateSettings). */
export class SettingsState {
  value = $state<Settings | null>(null)
  loading = $state(true)
  saving = $state(false)
  error = $state<ErrorView | null>(null)

  readonly api: StudioClient

  constructor(api: StudioClient) {
    this.api = api
  }

  load = async (): Promise<void> => {
    this.loading = true
    try {
      this.value = await this.api.getSettings(undefined)
      this.error = null
    } catch (error) {
      this.error = errorView(error)
    } finally {
      this.loading = false
    }
  }

  /** Saves a patch; returns the error view on failure so the caller can show it. */
  update = async (patch: SettingsPatch): Promise<ErrorView | null> => {
    this.saving = true
    try {
      this.value = await this.api.updateSettings(patch)
      return null
    } catch (error) {
      return errorView(error)
    } finally {
      this.saving = false
    }
  }
}
