import { ErrorCodeSchema, StudioError, errorTitles, type ErrorCode } from '../contract'

/** What the UI shows for any failure: the contract's title for the code, plus the particulars. */
export type ErrorView = { code: ErrorCode; title: string; message: string }

/** Electron wraps a rejected `ipcRenderer.invoke` as "Error invoking remote method 'chan': Name: msg". */
const electronPrefix = /^Error invoking remote method '[^']*':\s*(?:[A-Za-z]*Error:\s*)?/

/** Error codes arrive as plain strings over both transports; anything outside the closed set is internal. */
export function asErrorCode(code: unknown): ErrorCode | null {
  const parsed = ErrorCodeSchema.safeParse(code)
  return parsed.success ? parsed.data : null
}

/**
 * Turns whatever a transport threw into a typed StudioError: StudioError instances pass through, objects
 * carrying `{ code, message }` (structured-clone copies of StudioError from Electron IPC, or a web host
 * `error` body) keep their code, and Electron's "Error invoking remote method" prefix is stripped.
 */
export function toStudioError(error: unknown): StudioError {
  if (error instanceof StudioError) return error
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown }
    const text = typeof message === 'string' ? message.replace(electronPrefix, '') : String(error)
    const known = asErrorCode(code)
    if (known) return new StudioError(known, text, { cause: error })
    // A preload may put the code in the message as "code: message" (e.g. "unknown-sampler: …").
    const prefixed = /^([a-z-]+):\s+(.*)$/s.exec(text)
    const fromPrefix = prefixed ? asErrorCode(prefixed[1]) : null
    if (prefixed && fromPrefix) return new StudioError(fromPrefix, prefixed[2], { cause: error })
    return new StudioError('internal', text, { cause: error })
  }
  return new StudioError('internal', String(error))
}

export function errorView(error: unknown): ErrorView {
  const e = toStudioError(error)
  return { code: e.code, title: errorTitles[e.code], message: e.message }
}

export function errorViewFromData(data: { code: string; message: string }): ErrorView {
  const code = asErrorCode(data.code) ?? 'internal'
  return { code, title: errorTitles[code], message: data.message }
}
