import { z } from 'zod'

/** The closed set of failure codes. Every error that reaches a user carries one of these. */
export const errorCodes = [
  'invalid-request',
  'unknown-model',
  'unknown-sampler',
  'unknown-job',
  'bad-input',
  'model-missing',
  'model-corrupt',
  'model-mismatch',
  'provider-unavailable',
  'out-of-memory',
  'engine-crashed',
  'runtime-failure',
  'cancelled',
  'unauthorized',
  'download-failed',
  'hash-mismatch',
  'disk-full',
  'gated',
  'not-found',
  'rate-limited',
  'in-use',
  'internal'
] as const

export const ErrorCodeSchema = z.enum(errorCodes)
export type ErrorCode = z.infer<typeof ErrorCodeSchema>

/** What the user reads first; the error's own message adds the particulars (file, field, fix). */
export const errorTitles: Record<ErrorCode, string> = {
  'invalid-request': 'The request is not valid',
  'unknown-model': 'No installed model has that id',
  'unknown-sampler': 'No sampler has that name',
  'unknown-job': 'No job has that id',
  'bad-input': 'An input file could not be used',
  'model-missing': 'A model file is missing',
  'model-corrupt': 'A model file is corrupt',
  'model-mismatch': 'A model file does not match its manifest',
  'provider-unavailable': 'The requested device is not available',
  'out-of-memory': 'Not enough memory for this run',
  'engine-crashed': 'The engine stopped unexpectedly',
  'runtime-failure': 'The model failed while running',
  cancelled: 'Cancelled',
  unauthorized: 'Not authorised',
  'download-failed': 'The download failed',
  'hash-mismatch': 'A downloaded file has the wrong checksum',
  'disk-full': 'Not enough disk space',
  gated: 'The model needs an access token',
  'not-found': 'Not found',
  'rate-limited': 'The server asked us to slow down',
  'in-use': 'Already in use',
  internal: 'Something went wrong inside the studio'
}

/** CLI exit codes (README, "Command line"): 2 usage, 3 bad input, 4 model problem, 5 runtime failure, 130 cancelled. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'invalid-request':
    case 'unknown-sampler':
    case 'unknown-job':
      return 2
    case 'bad-input':
    case 'not-found':
      return 3
    case 'unknown-model':
    case 'model-missing':
    case 'model-corrupt':
    case 'model-mismatch':
    case 'hash-mismatch':
    case 'gated':
      return 4
    case 'cancelled':
      return 130
    default:
      return 5
  }
}

export const StudioErrorDataSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string()
})
export type StudioErrorData = z.infer<typeof StudioErrorDataSchema>

/** A typed error: a code from the closed set and a message that names the thing and the fix. */
export class StudioError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StudioError'
    this.code = code
  }

  toData(): StudioErrorData {
    return { code: this.code, message: this.message }
  }

  static from(error: unknown): StudioError {
    if (error instanceof StudioError) return error
    const message = error instanceof Error ? error.message : String(error)
    return new StudioError('internal', message, { cause: error })
  }
}

/** The bounds a zod number schema accepts (optional, default and nullable wrappers looked through). */
export interface NumberRange {
  readonly integer: boolean
  readonly min?: number
  readonly minInclusive: boolean
  readonly max?: number
  readonly maxInclusive: boolean
}

interface ZodInternals {
  _zod: {
    def: {
      type: string
      innerType?: z.ZodType
      in?: z.ZodType
      options?: z.ZodType[]
      shape?: Record<string, z.ZodType>
      checks?: {
        _zod: {
          def: {
            check: string
            value?: number
            inclusive?: boolean
            format?: string
            maximum?: number
          }
        }
      }[]
    }
  }
}

const wrappers = new Set([
  'optional',
  'default',
  'prefault',
  'nullable',
  'readonly',
  'catch',
  'nonoptional'
])

function unwrap(schema: z.ZodType): ZodInternals['_zod']['def'] {
  let def = (schema as unknown as ZodInternals)._zod.def
  for (let k = 0; k < 16; k++) {
    const inner = wrappers.has(def.type) ? def.innerType : def.type === 'pipe' ? def.in : undefined
    if (!inner) break
    def = (inner as unknown as ZodInternals)._zod.def
  }
  return def
}

/** The range of a number schema, or undefined for anything else. */
export function numberRange(schema: z.ZodType): NumberRange | undefined {
  const def = unwrap(schema)
  if (def.type !== 'number') return undefined
  let range: NumberRange = { integer: false, minInclusive: true, maxInclusive: true }
  for (const check of def.checks ?? []) {
    const c = check._zod.def
    if (c.check === 'number_format' && /int/.test(c.format ?? ''))
      range = { ...range, integer: true }
    if (c.check === 'greater_than' && c.value !== undefined)
      range = { ...range, min: c.value, minInclusive: c.inclusive !== false }
    if (c.check === 'less_than' && c.value !== undefined)
      range = { ...range, max: c.value, maxInclusive: c.inclusive !== false }
  }
  // A safe-integer bound is no range a person would name.
  if (range.max !== undefined && range.max >= Number.MAX_SAFE_INTEGER)
    range = { ...range, max: undefined }
  if (range.min !== undefined && range.min <= Number.MIN_SAFE_INTEGER)
    range = { ...range, min: undefined }
  return range
}

/** "a whole number from 1 to 1000", "a number above 0, up to 1", "a whole number of at least 0". */
export function describeRange(range: NumberRange): string {
  const what = range.integer ? 'a whole number' : 'a number'
  const { min, max } = range
  if (min !== undefined && max !== undefined) {
    if (range.minInclusive && range.maxInclusive) return `${what} from ${min} to ${max}`
    const low = range.minInclusive ? `from ${min}` : `above ${min}`
    const high = range.maxInclusive ? `up to ${max}` : `below ${max}`
    return `${what} ${low}, ${high}`
  }
  if (min !== undefined) return `${what} ${range.minInclusive ? 'of at least' : 'above'} ${min}`
  if (max !== undefined) return `${what} ${range.maxInclusive ? 'of at most' : 'below'} ${max}`
  return what
}

/** The most characters a string schema takes, or undefined for anything else (or no limit). */
export function maxLength(schema: z.ZodType): number | undefined {
  const def = unwrap(schema)
  if (def.type !== 'string') return undefined
  const check = def.checks?.find((c) => c._zod.def.check === 'max_length')
  return check?._zod.def.maximum
}

/** Whether `value` lies in `range` (and is whole where the range says so). */
export function inRange(value: number, range: NumberRange): boolean {
  if (!Number.isFinite(value) || (range.integer && !Number.isSafeInteger(value))) return false
  if (range.min !== undefined && (range.minInclusive ? value < range.min : value <= range.min))
    return false
  if (range.max !== undefined && (range.maxInclusive ? value > range.max : value >= range.max))
    return false
  return true
}

/** The schema of the field at `path` inside an object schema (through wrappers and unions), if any. */
export function fieldSchema(
  schema: z.ZodType,
  path: readonly PropertyKey[]
): z.ZodType | undefined {
  if (path.length === 0) return schema
  const def = unwrap(schema)
  if (def.type === 'union' && def.options) {
    for (const option of def.options) {
      const found = fieldSchema(option, path)
      if (found) return found
    }
    return undefined
  }
  const next = def.type === 'object' ? def.shape?.[String(path[0])] : undefined
  return next ? fieldSchema(next, path.slice(1)) : undefined
}

/**
 * Formats zod issues as one readable line: `steps: Too big: expected number to be <=1000`. With the schema
 * that was parsed, a number out of range is a sentence naming the whole range: `--steps is a whole number
 * from 1 to 1000 (not 0)`.
 */
export function describeIssues(
  error: z.ZodError,
  /** How a field is called where the user typed it (the CLI: "outpaint.right" → "--extend-right"). */
  nameOf: (path: string) => string = (path) => path,
  schema?: z.ZodType
): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.')
      const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message)
      if (path && missing) return `${nameOf(path)} is required`
      const numeric =
        issue.code === 'too_small' ||
        issue.code === 'too_big' ||
        (issue.code === 'invalid_type' && issue.expected === 'number') ||
        (issue.code === 'invalid_format' && /int/.test(String(issue.format)))
      const field = schema && path && numeric ? fieldSchema(schema, issue.path) : undefined
      const range = field ? numberRange(field) : undefined
      if (range) {
        const given =
          'input' in issue && typeof issue.input === 'number' ? ` (not ${issue.input})` : ''
        return `${nameOf(path)} is ${describeRange(range)}${given}`
      }
      return `${path ? nameOf(path) + ': ' : ''}${issue.message}`
    })
    .join('; ')
}

/** Parses with a schema and turns failure into an `invalid-request` StudioError. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string
): z.infer<S> {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new StudioError('invalid-request', `Invalid ${what}: ${describeIssues(result.error)}`)
  }
  return result.data
}
