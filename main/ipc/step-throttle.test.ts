import { describe, expect, it } from 'vitest'
import type { JobEvent, JobRecord } from '../contract'
import { throttleSteps } from './step-throttle'

type Preview = NonNullable<Extract<JobEvent, { type: 'step' }>['preview']>

function harness(intervalMs = 50) {
  let clock = 0
  const timers: { at: number; run: () => void; live: boolean }[] = []
  const seen: JobEvent[] = []
  const { listener, dispose } = throttleSteps((e) => seen.push(e), {
    intervalMs,
    now: () => clock,
    setTimer: (run, ms) => {
      const t = { at: clock + ms, run, live: true }
      timers.push(t)
      return t
    },
    clearTimer: (t) => ((t as { live: boolean }).live = false)
  })
  const advance = (ms: number) => {
    clock += ms
    for (const t of timers) {
      if (t.live && t.at <= clock) {
        t.live = false
        t.run()
      }
    }
  }
  return { listener, dispose, seen, advance, timers }
}

const step = (jobId: string, i: number, preview?: Preview): JobEvent => ({
  type: 'step',
  jobId,
  i,
  n: 1000,
  ...(preview ? { preview } : {})
})
const preview = (tag: number): Preview => ({
  kind: 'image',
  width: 1,
  height: 1,
  rgba: new Uint8Array([tag, tag, tag, 255])
})
const steps = (events: JobEvent[]) =>
  events.flatMap((e) => (e.type === 'step' ? [`${e.jobId}:${e.i}`] : [e.type]))

describe('throttleSteps', () => {
  it('a burst of 1000 steps reaches the window as the first, then one per interval, then the last before done', () => {
    const h = harness(50)
    for (let i = 1; i <= 1000; i++) {
      h.listener(step('a', i))
      if (i % 100 === 0) h.advance(10) // 100 steps every 10 ms
    }
    h.listener({ type: 'done', jobId: 'a', job: {} as JobRecord })
    const got = steps(h.seen)
    expect(got[0]).toBe('a:1')
    expect(got.at(-2)).toBe('a:1000')
    expect(got.at(-1)).toBe('done')
    // 100 ms of steps at ≤ 20 a second: the first, one per 50 ms, and the flushed last.
    expect(got.length).toBeLessThanOrEqual(5)
    const is = h.seen.flatMap((e) => (e.type === 'step' ? [e.i] : []))
    expect([...is].sort((x, y) => x - y)).toEqual(is)
  })

  it('a held step is sent by its timer when no later event comes', () => {
    const h = harness(50)
    h.listener(step('a', 1))
    h.listener(step('a', 2))
    h.listener(step('a', 3))
    expect(steps(h.seen)).toEqual(['a:1'])
    h.advance(49)
    expect(steps(h.seen)).toEqual(['a:1'])
    h.advance(1)
    expect(steps(h.seen)).toEqual(['a:1', 'a:3'])
  })

  it('keeps the newest preview when the newest step has none', () => {
    const h = harness(50)
    h.listener(step('a', 1))
    h.listener(step('a', 2, preview(2)))
    h.listener(step('a', 3))
    h.advance(50)
    const last = h.seen.at(-1) as Extract<JobEvent, { type: 'step' }>
    expect(last.i).toBe(3)
    expect(last.preview).toEqual(preview(2))
    h.listener(step('a', 4, preview(4)))
    h.listener(step('a', 5, preview(5)))
    h.advance(50)
    expect((h.seen.at(-1) as Extract<JobEvent, { type: 'step' }>).preview).toEqual(preview(5))
  })

  it('jobs are throttled apart; other events pass at once after their own job’s held step', () => {
    const h = harness(50)
    h.listener(step('a', 1))
    h.listener(step('b', 1))
    h.listener(step('a', 2))
    h.listener({ type: 'warning', jobId: 'b', message: 'w' })
    h.listener({ type: 'cancelled', jobId: 'a', job: {} as JobRecord })
    expect(steps(h.seen)).toEqual(['a:1', 'b:1', 'warning', 'a:2', 'cancelled'])
    h.advance(100)
    expect(steps(h.seen)).toHaveLength(5)
  })

  it('dispose drops held steps and their timers', () => {
    const h = harness(50)
    h.listener(step('a', 1))
    h.listener(step('a', 2))
    h.dispose()
    h.advance(100)
    expect(steps(h.seen)).toEqual(['a:1'])
  })
})
