import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { errorView, errorViewFromData, toStudioError } from './errors'

describe('toStudioError', () => {
  it('passes StudioErrors through', () => {
    const e = new StudioError('unknown-sampler', 'No sampler "x"')
    expect(toStudioError(e)).toBe(e)
  })

  it('keeps the code of a { code, message } object (an IPC or web error body)', () => {
    const e = toStudioError(Object.assign(new Error('boom'), { code: 'out-of-memory' }))
    expect(e.code).toBe('out-of-memory')
    expect(e.message).toBe('boom')
  })

  it("strips Electron's remote-method prefix and reads a 'code: message' message", () => {
    const e = toStudioError(
      new Error(
        'Error invoking remote method \'studio:enqueueJob\': Error: unknown-sampler: No sampler "x"'
      )
    )
    expect(e.code).toBe('unknown-sampler')
    expect(e.message).toBe('No sampler "x"')
  })

  it('turns anything else into an internal error', () => {
    expect(toStudioError('nope').code).toBe('internal')
    expect(toStudioError(new TypeError('bad')).code).toBe('internal')
    expect(toStudioError({ code: 'made-up', message: 'm' }).code).toBe('internal')
  })
})

describe('error views', () => {
  it("uses the contract's title for the code", () => {
    expect(errorView(new StudioError('engine-crashed', 'exit 137'))).toEqual({
      code: 'engine-crashed',
      title: 'The engine stopped unexpectedly',
      message: 'exit 137'
    })
    expect(errorViewFromData({ code: 'weird', message: 'm' }).title).toBe(
      'Something went wrong inside the studio'
    )
  })
})
