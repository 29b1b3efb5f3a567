import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { createDispatch } from './handlers'

// The dispatch layer is what every transport calls with untrusted input.
const calls: unknown[] = []
const handlers = new Proxy(
  {},
  {
    get: (_t, verb) => async (request: unknown) => {
      calls.push([verb, request])
      return { ok: verb }
    }
  }
) as Parameters<typeof createDispatch>[0]
const dispatch = createDispatch(handlers)

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'resolved'
  } catch (error) {
    return error instanceof StudioError ? error.code : 'untyped'
  }
}

describe('dispatch of untrusted messages', () => {
  it('rejects unknown verbs, including prototype keys', async () => {
    for (const verb of ['deleteEverything', '__proto__', 'constructor', 'toString', '']) {
      expect(await codeOf(dispatch(verb, undefined))).toBe('invalid-request')
    }
    expect(calls).toHaveLength(0)
  })

  it('rejects requests that fail the verb schema, naming the field', async () => {
    await expect(dispatch('enqueueJob', { task: 'image.generate', steps: -3 })).rejects.toThrow(
      /steps/
    )
    expect(await codeOf(dispatch('enqueueJob', { task: 'format-disk' }))).toBe('invalid-request')
    expect(await codeOf(dispatch('enqueueJob', 'not an object'))).toBe('invalid-request')
    expect(await codeOf(dispatch('cancelJob', { jobId: 'x'.repeat(10_000) }))).toBe(
      'invalid-request'
    )
    expect(await codeOf(dispatch('readArtifact', { jobId: 'a', index: 1e9 }))).toBe(
      'invalid-request'
    )
    expect(await codeOf(dispatch('updateSettings', { memoryBudgetMB: 'lots' }))).toBe(
      'invalid-request'
    )
    expect(calls).toHaveLength(0)
  })

  it('passes parsed requests with defaults filled in', async () => {
    await dispatch('enqueueJob', { task: 'image.generate', seed: 7 })
    const [verb, request] = calls.at(-1) as [string, Record<string, unknown>]
    expect(verb).toBe('enqueueJob')
    expect(request).toMatchObject({ task: 'image.generate', seed: 7, count: 1, device: 'auto' })
  })

  it('refuses a job spec with a key its task does not have, naming it, instead of dropping it', async () => {
    const before = calls.length
    const refused = (spec: Record<string, unknown>) => dispatch('enqueueJob', spec)
    await expect(refused({ task: 'image.generate', seed: 7, evil: '<script>' })).rejects.toThrow(
      /evil/
    )
    expect(await codeOf(refused({ task: 'image.generate', seed: 7, evil: 1 }))).toBe(
      'invalid-request'
    )
    // A field of another task is foreign too: molecules have no width, generation no strength.
    await expect(refused({ task: 'molecule.generate', width: 64 })).rejects.toThrow(/width/)
    await expect(refused({ task: 'image.generate', strength: 0.5 })).rejects.toThrow(/strength/)
    await expect(
      refused({ task: 'image.inpaint', image: 'a'.repeat(64), outpaint: { lft: 8 } })
    ).rejects.toThrow(/lft/)
    expect(calls.length).toBe(before)
  })
})
