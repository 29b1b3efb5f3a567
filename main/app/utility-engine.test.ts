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
    const [entry, args, options] = fork.mock.lastCall!
    expect([entry, args]).toEqual(['/app/out/main/engine-host.js', []])
    expect(options).toMatchObject({ serviceName: 'Diffusion Studio engine', stdio: 'pipe' })
  })

  it('passes the engine only the environment it needs: no tokens, proxies or NODE_OPTIONS', () => {
    const saved = { ...process.env }
    Object.assign(process.env, {
      HF_TOKEN: 'hf_secret',
      HTTPS_PROXY: 'http://proxy:3128',
      NODE_OPTIONS: '--require /tmp/evil.js',
      STUDIO_DATA_DIR: '/data',
      STUDIO_API_TOKEN: 'x',
      CUDA_VISIBLE_DEVICES: '0'
    })
    try {
      const { fork, spawn } = setup()
      spawn()
      const env = (fork.mock.lastCall![2] as { env: NodeJS.ProcessEnv }).env
      expect(env.HF_TOKEN).toBeUndefined()
      expect(env.HTTPS_PROXY).toBeUndefined()
      expect(env.NODE_OPTIONS).toBeUndefined()
      expect(env.STUDIO_API_TOKEN).toBeUndefined()
      expect(env.STUDIO_DATA_DIR).toBe('/data')
      expect(env.CUDA_VISIBLE_DEVICES).toBe('0')
      expect(env.PATH).toBe(process.env.PATH)
    } finally {
      process.env = saved
    }
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
