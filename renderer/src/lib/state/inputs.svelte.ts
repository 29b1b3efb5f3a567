import { untrack } from 'svelte'
import type { StudioClient } from '../api/client'
import { errorView, type ErrorView } from '../api/errors'
import type { InputInfo, InputKind } from '../contract'

/**
 * Inputs the user gave (dropped, pasted, picked): stored by the studio, known here by their hash, shown
 * by URL. `describe(ref)` fetches what a recipe's input is when it is not known yet.
 */
export class InputsState {
  byRef = $state<Record<string, InputInfo>>({})
  /** Refs whose record could not be read (the input is gone from the store). */
  missing = $state<Record<string, ErrorView>>({})
  readonly api: StudioClient

  constructor(api: StudioClient) {
    this.api = api
  }

  url = (ref: string): string => this.api.inputUrl(ref)

  /** Stores a file; resolves with its record, or with the reason it was refused. */
  add = async (kind: InputKind, file: Blob, name?: string): Promise<InputInfo | ErrorView> => {
    try {
      const info = await this.api.putInput(kind, file, name)
      this.byRef[info.ref] = info
      return info
    } catch (error) {
      return errorView(error)
    }
  }

  /** Electron: a native file dialog in main; resolves null when cancelled. */
  choose = async (kind: InputKind): Promise<InputInfo | ErrorView | null> => {
    try {
      const info = await this.api.chooseInput({ kind })
      if (info) this.byRef[info.ref] = info
      return info
    } catch (error) {
      return errorView(error)
    }
  }

  /** Loads the record of `ref` once (from an attachment or effect). */
  describe = (ref: string): void => {
    untrack(() => {
      if (!ref || this.byRef[ref] || this.missing[ref]) return
      this.api.getInput({ ref }).then(
        (info) => (this.byRef[ref] = info),
        (error: unknown) => (this.missing[ref] = errorView(error))
      )
    })
  }
}
