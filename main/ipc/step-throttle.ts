// Step events can come a thousand a second (a tiny model, many steps). A window that redraws on each one
// falls seconds behind the engine: its progress, timer and Cancel then act on a job that has already
// ended. Listeners that feed a window get at most one step per job per interval, always the newest,
// carrying the newest preview seen; any other event of the job first flushes the step it holds.
import { stepIntervalMs, type JobEvent } from '../contract'

type StepEvent = Extract<JobEvent, { type: 'step' }>

export interface StepThrottleOptions {
  /** Least time between two step events of one job, in ms (default 50: 20 updates a second). */
  readonly intervalMs?: number
  readonly now?: () => number
  readonly setTimer?: (run: () => void, ms: number) => unknown
  readonly clearTimer?: (timer: unknown) => void
}

/**
 * Wraps `listener` so that step events are coalesced per job (newest wins, newest preview kept); other
 * events pass at once, after the step held for their job. Returns the wrapped listener and `dispose`,
 * which drops held steps and their timers.
 */
export function throttleSteps(
  listener: (event: JobEvent) => void,
  options: StepThrottleOptions = {}
): { listener: (event: JobEvent) => void; dispose: () => void } {
  const interval = options.intervalMs ?? stepIntervalMs
  const now = options.now ?? Date.now
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms))
  const clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>))
  const lastSent = new Map<string, number>()
  const held = new Map<string, { event: StepEvent; timer: unknown }>()

  const send = (event: StepEvent) => {
    lastSent.set(event.jobId, now())
    listener(event)
  }
  const flush = (jobId: string) => {
    const entry = held.get(jobId)
    if (!entry) return
    held.delete(jobId)
    clearTimer(entry.timer)
    send(entry.event)
  }

  const wrapped = (event: JobEvent) => {
    if (event.type !== 'step') {
      flush(event.jobId)
      if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
        lastSent.delete(event.jobId)
      }
      listener(event)
      return
    }
    const previous = held.get(event.jobId)
    if (previous) {
      // Newest step; a preview from an older step beats none.
      previous.event =
        event.preview || !previous.event.preview
          ? event
          : { ...event, preview: previous.event.preview }
      return
    }
    const wait = (lastSent.get(event.jobId) ?? -Infinity) + interval - now()
    if (wait <= 0) return send(event)
    held.set(event.jobId, { event, timer: setTimer(() => flush(event.jobId), wait) })
  }
  const dispose = () => {
    for (const entry of held.values()) clearTimer(entry.timer)
    held.clear()
    lastSent.clear()
  }
  return { listener: wrapped, dispose }
}
