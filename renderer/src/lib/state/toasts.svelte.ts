import type { ErrorView } from '../api/errors'

export type Toast = {
  id: number
  kind: 'error' | 'info'
  title: string
  message: string
  code?: string
}

/**
 * Dismissible notices. Errors stay until dismissed (the user must be able to read the message and the
 * fix it names); info notices leave on their own. At most `max` are shown, oldest dropped first.
 */
export class ToastsState {
  items = $state<Toast[]>([])
  #next = 1
  /** Auto-dismiss timers of info toasts, by toast id (bookkeeping, not UI state). */
  #timers: Record<number, ReturnType<typeof setTimeout>> = {}

  readonly max: number

  constructor(max = 5) {
    this.max = max
  }

  error = (view: ErrorView): number => {
    return this.#push({ kind: 'error', title: view.title, message: view.message, code: view.code })
  }

  info = (title: string, message = '', ttlMs = 4000): number => {
    const id = this.#push({ kind: 'info', title, message })
    this.#timers[id] = setTimeout(() => this.dismiss(id), ttlMs)
    return id
  }

  dismiss = (id: number): void => {
    clearTimeout(this.#timers[id])
    delete this.#timers[id]
    this.items = this.items.filter((t) => t.id !== id)
  }

  clear = (): void => {
    for (const t of this.items) this.dismiss(t.id)
  }

  #push(toast: Omit<Toast, 'id'>): number {
    const id = this.#next++
    // The same error twice in a row becomes one toast (e.g. a burst of identical failures).
    const last = this.items.at(-1)
    if (last && last.title === toast.title && last.message === toast.message) return last.id
    const items = [...this.items, { ...toast, id }]
    while (items.length > this.max) {
      const dropped = items.shift()
      if (dropped) {
        clearTimeout(this.#timers[dropped.id])
        delete this.#timers[dropped.id]
      }
    }
    this.items = items
    return id
  }
}
