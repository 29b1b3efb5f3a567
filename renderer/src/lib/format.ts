/** Small display helpers shared by the panels. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  if (ms < 999.5) return `${Math.round(ms)} ms`
  if (ms < 9950) return `${(ms / 1000).toFixed(1)} s`
  // Whole seconds from here, rounded once (so 119.6 s reads 2m 00s, never 1m 60s).
  const whole = Math.round(ms / 1000)
  if (whole < 60) return `${whole} s`
  const m = Math.floor(whole / 60)
  return `${m}m ${String(whole - m * 60).padStart(2, '0')}s`
}

/** ComfyUI-style speed: "12.3 it/s" when fast, "2.4 s/it" when slow. */
export function formatRate(stepsPerSecond: number | null): string {
  if (!stepsPerSecond || !Number.isFinite(stepsPerSecond)) return ''
  if (stepsPerSecond >= 1) return `${stepsPerSecond.toFixed(stepsPerSecond >= 100 ? 0 : 1)} it/s`
  return `${(1 / stepsPerSecond).toFixed(1)} s/it`
}

export function formatTime(epochMs: number): string {
  const d = new Date(epochMs)
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
}

export function formatMB(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id
}
