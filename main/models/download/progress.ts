// Download progress: bytes, total, speed over a short window, and the time left.

export interface DownloadProgress {
  phase: 'listing' | 'downloading' | 'installing' | 'done'
  /** The file being fetched (repo path). */
  file?: string
  fileIndex: number
  fileCount: number
  fileBytes: number
  fileTotal?: number
  /** All files: bytes present (including parts from an earlier run) and the total when known. */
  bytes: number
  total?: number
  bytesPerSecond: number
  /** Seconds left at the current speed; undefined until there is a speed and a total. */
  etaSeconds?: number
}

/** Bytes per second over the last `windowMs`, from (time, bytes) samples. */
export class SpeedMeter {
  readonly #samples: { t: number; bytes: number }[] = []
  constructor(
    private readonly now: () => number,
    private readonly windowMs = 5000
  ) {}

  add(bytes: number): number {
    const t = this.now()
    this.#samples.push({ t, bytes })
    while (this.#samples.length > 2 && t - this.#samples[0].t > this.windowMs) this.#samples.shift()
    const first = this.#samples[0]
    const seconds = (t - first.t) / 1000
    return seconds > 0 ? (bytes - first.bytes) / seconds : 0
  }
}
