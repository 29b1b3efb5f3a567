// Bounded retries: exponential backoff with jitter, and the server's Retry-After when it sends one.

export interface RetryPolicy {
  /** Consecutive failed attempts (without progress) before giving up. */
  attempts: number
  baseMs: number
  maxMs: number
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseMs: 500, maxMs: 30_000 }

/** Milliseconds from a Retry-After header (seconds or an HTTP date), capped; undefined if absent/invalid. */
export function retryAfterMs(
  header: string | undefined,
  now: number,
  capMs: number
): number | undefined {
  if (!header) return undefined
  const seconds = Number(header)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now
  if (!Number.isFinite(ms)) return undefined
  return Math.min(Math.max(ms, 0), capMs)
}

/** The wait before retry number `failures` (1-based): base·2^(n-1), capped, times a jitter in [0.5, 1). */
export function backoffMs(failures: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failures - 1))
  return Math.round(exp * (0.5 + random() / 2))
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
