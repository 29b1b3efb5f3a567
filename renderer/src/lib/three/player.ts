// The trajectory scrubber's rules, pure: which frame shows after some time has passed, a step, a key.
// Frames advance at `fps` while playing; at the last frame playback stops, or with `loop` holds the
// finished shape for `holdMs` and starts again from the first (noise) frame.

export interface PlayerState {
  readonly frames: number
  readonly frame: number
  readonly playing: boolean
  readonly loop: boolean
  /** Frames per second. */
  readonly fps: number
  /** Time carried over towards the next frame (or spent holding the last one), ms. */
  readonly carry: number
}

export const playerSpeeds = [2, 5, 10, 20, 30, 60] as const

/** How long a looping replay rests on the final frame before starting again, ms. */
export const holdMs = 800

export function newPlayer(frames: number, over: Partial<PlayerState> = {}): PlayerState {
  return {
    frames,
    frame: Math.max(0, frames - 1),
    playing: false,
    loop: true,
    fps: 10,
    carry: 0,
    ...over
  }
}

const clampFrame = (s: PlayerState, f: number) =>
  Math.min(Math.max(0, s.frames - 1), Math.max(0, f))

/** The state after `dt` ms of playback. */
export function advance(s: PlayerState, dt: number): PlayerState {
  if (!s.playing || s.frames < 2 || !(dt > 0)) return s
  const last = s.frames - 1
  const perFrame = 1000 / s.fps
  let frame = s.frame
  let carry = s.carry + dt
  for (;;) {
    if (frame === last) {
      if (!s.loop) return { ...s, frame, playing: false, carry: 0 }
      if (carry < holdMs) return { ...s, frame, carry }
      carry -= holdMs
      frame = 0
      continue
    }
    if (carry < perFrame) return { ...s, frame, carry }
    const steps = Math.min(last - frame, Math.floor(carry / perFrame))
    frame += steps
    carry -= steps * perFrame
  }
}

/** Play or pause; playing from the last frame without loop starts over. */
export function toggle(s: PlayerState): PlayerState {
  if (s.playing) return { ...s, playing: false, carry: 0 }
  const restart = s.frame >= s.frames - 1
  return { ...s, playing: s.frames > 1, frame: restart ? 0 : s.frame, carry: 0 }
}

/** One frame back or forward (pauses). */
export function step(s: PlayerState, delta: number): PlayerState {
  return { ...s, playing: false, carry: 0, frame: clampFrame(s, s.frame + delta) }
}

/** Jump to a frame (pauses). */
export function seek(s: PlayerState, frame: number): PlayerState {
  return { ...s, playing: false, carry: 0, frame: clampFrame(s, Math.round(frame)) }
}

/** What a key does in the scrubber: ←/→ step, Home/End jump, Space or K play/pause. */
export function onKey(s: PlayerState, key: string): PlayerState | null {
  switch (key) {
    case 'ArrowLeft':
      return step(s, -1)
    case 'ArrowRight':
      return step(s, 1)
    case 'Home':
      return seek(s, 0)
    case 'End':
      return seek(s, s.frames - 1)
    case ' ':
    case 'k':
      return toggle(s)
    default:
      return null
  }
}

/** σ as the scrubber shows it: 3 significant digits, "0" for the final sample. */
export function formatSigma(sigma: number | null | undefined): string {
  if (sigma === null || sigma === undefined || Number.isNaN(sigma)) return '–'
  if (sigma === 0) return '0'
  if (!Number.isFinite(sigma)) return '∞'
  return Math.abs(sigma) >= 1000 || Math.abs(sigma) < 0.001
    ? sigma.toExponential(2)
    : String(Number(sigma.toPrecision(3)))
}
