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

/** Formats zod issues as one readable line: `steps: Too big: expected number to be <=1000`. */
export function describeIssues(
  error: z.ZodError,
  /** How a field is called where the user typed it (the CLI: "outpaint.right" → "--extend-right"). */
  nameOf: (path: string) => string = (path) => path
): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.')
      const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message)
      if (path && missing) return `${nameOf(path)} is required`
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
