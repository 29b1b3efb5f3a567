import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import type { EngineRequest } from '../contract'
import { utilityEngineSpawner, type ForkUtility } from './utility-engine'

/** A utility process as far as the spawner uses one. */
class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = 4242
  readonly posted: unknown[] = []
  killed = 0
  postMessage(message: unknown) {
    this.posted.push(message)
  }
  kill() {
    this.killed++
    return true
  }
}

function setup() {
  const children: FakeUtilityProcess[] = []
  const fork = vi.fn((..._args: Parameters<ForkUtility>) => {
    const child = new FakeUtilityProcess()
    children.push(child)
    return child
  })
  const spawn = utilityEngineSpawner(fork as unknown as ForkUtility, '/app/out/main/engine-host.js')
  return { fork, spawn, children }
}

describe('utilityEngineSpawner', () => {
  it('forks nothing until asked, then one utility process per spawn, on the engine entry', () => {
    const { fork, spawn } = setup()
    expect(fork).not.toHaveBeenCalled()
    spawn()
    spawn()
    expect(fork).toHaveBeenCalledTimes(2)
    expect(fork).toHaveBeenLastCalledWith('/app/out/main/engine-host.js', [], {
      serviceName: 'Diffusion Studio engine',
      stdio: 'inherit'
    })
  })

  it('maps the EngineProcess interface onto the utility process', () => {
    const { spawn, children } = setup()
    const engine = spawn()
    const child = children[0]
    expect(engine.pid).toBe(4242)
    child.pid = undefined
    expect(engine.pid).toBeUndefined()

    const request: EngineRequest = { type: 'cancel', jobId: 'j1' }
    engine.send(request)
    expect(child.posted).toEqual([request])

    const messages: unknown[] = []
    engine.onMessage((raw) => messages.push(raw))
    child.emit('message', { type: 'ready', pid: 4242 })
    expect(messages).toEqual([{ type: 'ready', pid: 4242 }])

    const exits: unknown[] = []
    engine.onExit((code, signal) => exits.push([code, signal]))
    child.emit('exit', 3)
    expect(exits).toEqual([[3, null]])

    expect(engine.kill()).toBeUndefined()
    expect(child.killed).toBe(1)
    expect(engine.onError).toBeUndefined()
  })
})
