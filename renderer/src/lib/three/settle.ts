/**
 * Hands a promise's outcome to `done` or `failed` (with the error's message) unless cancelled first:
 * for effects that load something and must not write a stale answer after their inputs changed.
 * Returns the cancel function (an effect's cleanup).
 */
export function settle<T>(
  job: Promise<T>,
  done: (value: T) => void,
  failed: (message: string) => void = () => undefined
): () => void {
  let live = true
  job.then(
    (value) => {
      if (live) done(value)
    },
    (error: unknown) => {
      if (live) failed(error instanceof Error ? error.message : String(error))
    }
  )
  return () => {
    live = false
  }
}
