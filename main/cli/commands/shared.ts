import { DeviceSchema, StudioError, type Device } from '../../contract'

export const deviceOption = { device: { type: 'string' } } as const

export function parseDevice(value: string | boolean | undefined): Device {
  if (value === undefined) return 'auto'
  const parsed = DeviceSchema.safeParse(value)
  if (!parsed.success) {
    throw new StudioError(
      'invalid-request',
      `Unknown device "${String(value)}". Use one of: ${DeviceSchema.options.join(', ')}.`
    )
  }
  return parsed.data
}

/** A whole number flag, or undefined when absent. */
export function intFlag(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (typeof value !== 'string' || !Number.isInteger(n)) {
    throw new StudioError(
      'invalid-request',
      `--${name} takes a whole number, got "${String(value)}".`
    )
  }
  return n
}

export function numberFlag(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (typeof value !== 'string' || !Number.isFinite(n)) {
    throw new StudioError('invalid-request', `--${name} takes a number, got "${String(value)}".`)
  }
  return n
}
