/** Small display helpers shared by the panels. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`
  const m = Math.floor(s / 60)
  const rest = Math.round(s - m * 60)
  return `${m}m ${String(rest).padStart(2, '0')}s`
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
