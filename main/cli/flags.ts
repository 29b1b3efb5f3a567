// Typed option values for the command line: each parser throws commander's InvalidArgumentError, which
// the program reports as a usage error (exit 2) with the option's name.
import { InvalidArgumentError } from 'commander'
import { DeviceSchema, type Device } from '../contract'
import { closest } from '../tasks'

export function intValue(raw: string): number {
  const n = Number(raw)
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`expected a whole number, got "${raw}".`)
  }
  return n
}

export function numberValue(raw: string): number {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`expected a number, got "${raw}".`)
  }
  return n
}

/** A TCP port, 0 (any free port) to 65535. */
export function portValue(raw: string): number {
  const n = intValue(raw)
  if (n < 0 || n > 65535) {
    throw new InvalidArgumentError(`a port is 0–65535 (0 picks a free one), got ${n}.`)
  }
  return n
}

export function deviceValue(raw: string): Device {
  const parsed = DeviceSchema.safeParse(raw.toLowerCase())
  if (!parsed.success) {
    const hint = closest(raw, DeviceSchema.options)
    throw new InvalidArgumentError(
      `unknown device "${raw}"${hint ? ` (did you mean "${hint}"?)` : ''}; use one of ${DeviceSchema.options.join(', ')}.`
    )
  }
  return parsed.data
}

/** Repeated `key=value` → a record; numbers and booleans are typed. */
export function collectExtra(
  item: string,
  previous: Record<string, number | boolean | string> = {}
): Record<string, number | boolean | string> {
  const eq = item.indexOf('=')
  if (eq <= 0) throw new InvalidArgumentError(`takes key=value, got "${item}".`)
  const key = item.slice(0, eq)
  const raw = item.slice(eq + 1)
  const value =
    raw === 'true'
      ? true
      : raw === 'false'
        ? false
        : raw !== '' && Number.isFinite(Number(raw))
          ? Number(raw)
          : raw
  return { ...previous, [key]: value }
}
