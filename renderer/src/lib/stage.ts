/**
 * A job's step events may name what is being stepped ("tile 3 of 12", "image 2 of 4"). This reads the
 * count out of that text so the stage can show a second progress bar (tiles of an upscale).
 */
export interface StageCount {
  /** What is counted, e.g. "tile". */
  readonly what: string
  /** The one being worked on, 1 … n. */
  readonly i: number
  readonly n: number
}

export function parseStage(stage: string | undefined | null): StageCount | null {
  const m = stage ? /\b([a-z][\w-]*)\s+(\d+)\s*(?:of|\/)\s*(\d+)\b/i.exec(stage) : null
  if (!m) return null
  const i = Number(m[2])
  const n = Number(m[3])
  return n > 0 && i >= 1 && i <= n ? { what: m[1].toLowerCase(), i, n } : null
}
