// Typed option values for the command line: each parser throws commander's InvalidArgumentError, which
// the program reports as a usage error (exit 2) with the option's name. Every number an option takes is
// checked against the zod schema of what it sets, so an out-of-range value is refused while the command
// line is read, in a sentence naming the range (`--threads is a whole number from 0 to 256.`).
import { InvalidArgumentError } from 'commander'
import { z } from 'zod'
import {
  DeviceSchema,
  describeRange,
  inRange,
  numberRange,
  type Device,
  type NumberRange
} from '../contract'
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

/**
 * The parser of `--flag` taking a number that `schema` (a zod number schema, e.g. the spec field the option
 * sets) accepts: whole or not, and within its bounds.
 * @throws InvalidArgumentError "--steps is a whole number from 1 to 1000." (+ `note`).
 */
export function schemaValue(schema: z.ZodType, flag: string, note = ''): (raw: string) => number {
  const range: NumberRange = numberRange(schema) ?? {
    integer: false,
    minInclusive: true,
    maxInclusive: true
  }
  const say = () => `--${flag} is ${describeRange(range)}${note}.`
  return (raw) => {
    const n = Number(raw)
    const written = range.integer ? /^[-+]?\d+$/.test(raw.trim()) : raw.trim() !== ''
    if (!written || !inRange(n, range)) throw new InvalidArgumentError(say())
    return n
  }
}

/** A whole-number option between `min` and `max` (options that set no schema field: bench sizes). */
export const wholeValue = (flag: string, min: number, max: number, note = '') =>
  schemaValue(z.number().int().min(min).max(max), flag, note)

/** A TCP port, 0 (any free port) to 65535. */
export const portValue = wholeValue('port', 0, 65535, ' (0 picks a free one)')

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
