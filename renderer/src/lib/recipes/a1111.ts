/**
 * AUTOMATIC1111's `parameters` text, as its PNGs (and many other tools', and this studio's) carry it:
 *
 *   a prompt, possibly
 *   over several lines
 *   Negative prompt: what to avoid
 *   Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model: v1-5
 *
 * The last line holds "Key: value" settings (a value may be a JSON-quoted string with commas). It is
 * the settings line only when at least three settings parse from it, as in A1111's own reader; else
 * it is part of the prompt. Pure, so the rules are unit-tested.
 */

export interface A1111Parameters {
  readonly prompt: string
  readonly negativePrompt: string
  /** The settings line, in order, quoted values unquoted. */
  readonly settings: Readonly<Record<string, string>>
}

const setting = /\s*(\w[\w \-/+.()]*):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g

function parseSettings(line: string): [string, string][] {
  const out: [string, string][] = []
  for (const m of line.matchAll(setting)) {
    const key = m[1].trim()
    let value = m[2].trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      try {
        value = String(JSON.parse(value))
      } catch {
        value = value.slice(1, -1)
      }
    }
    if (key) out.push([key, value])
  }
  return out
}

export function parseA1111(text: string): A1111Parameters {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n')
  let settings: [string, string][] = []
  if (lines.length > 0) {
    const last = parseSettings(lines[lines.length - 1])
    if (last.length >= 3) {
      settings = last
      lines.pop()
    }
  }
  const prompt: string[] = []
  const negative: string[] = []
  let inNegative = false
  for (const raw of lines) {
    let line = raw.trim()
    if (!inNegative && line.startsWith('Negative prompt:')) {
      inNegative = true
      line = line.slice('Negative prompt:'.length).trim()
    }
    ;(inNegative ? negative : prompt).push(line)
  }
  return {
    prompt: prompt.join('\n').trim(),
    negativePrompt: negative.join('\n').trim(),
    settings: Object.fromEntries(settings)
  }
}

/** A1111's sampler names (and the old "… Karras" forms) → this studio's sampler and schedule. */
const samplerNames: Readonly<Record<string, string>> = {
  'euler a': 'euler-ancestral',
  euler: 'euler',
  lms: 'lms',
  heun: 'heun',
  dpm2: 'dpm2',
  'dpm2 a': 'dpm2-ancestral',
  'dpm++ 2s a': 'dpmpp-2s-ancestral',
  'dpm++ 2s': 'dpmpp-2s',
  'dpm++ 2m': 'dpmpp-2m',
  'dpm++ 3m': 'dpmpp-3m',
  'dpm++ sde': 'dpmpp-sde',
  'dpm++ 2m sde': 'dpmpp-2m-sde',
  'dpm++ 3m sde': 'dpmpp-3m-sde',
  ddim: 'ddim',
  ddpm: 'ddpm',
  plms: 'pndm',
  pndm: 'pndm',
  unipc: 'unipc-bh1',
  deis: 'deis',
  ipndm: 'ipndm',
  lcm: 'lcm'
}

/** A1111 "Schedule type" values → this studio's schedule names. */
const scheduleNames: Readonly<Record<string, string>> = {
  automatic: 'model',
  karras: 'karras',
  exponential: 'exponential',
  polyexponential: 'polyexponential',
  uniform: 'linspace',
  'sgm uniform': 'trailing'
}

/**
 * The studio sampler (and the schedule its name implies, for "DPM++ 2M Karras") for an A1111 name or
 * a studio name; `known` are the studio's sampler names. Null when nothing matches.
 */
export function mapSampler(
  name: string,
  known: readonly string[]
): { sampler: string; schedule?: string } | null {
  let key = name.trim().toLowerCase()
  if (known.includes(key)) return { sampler: key }
  let schedule: string | undefined
  for (const suffix of ['karras', 'exponential', 'polyexponential']) {
    if (key.endsWith(` ${suffix}`)) {
      schedule = suffix
      key = key.slice(0, -suffix.length - 1)
    }
  }
  const sampler = samplerNames[key] ?? (known.includes(key) ? key : undefined)
  if (!sampler || !known.includes(sampler)) return null
  return schedule ? { sampler, schedule } : { sampler }
}

/** The studio schedule for an A1111 "Schedule type" (or a studio schedule name); null if unknown. */
export function mapSchedule(name: string, known: readonly string[]): string | null {
  const key = name.trim().toLowerCase()
  if (known.includes(key)) return key
  const mapped = scheduleNames[key]
  return mapped && known.includes(mapped) ? mapped : null
}
