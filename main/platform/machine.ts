import { availableParallelism } from 'node:os'
import { StudioError } from '../contract'

/** CPU threads this machine can run at once. */
export const machineThreads = (): number => availableParallelism()

/**
 * Settings the schema accepts can still cripple a machine (256 CPU threads on 2 cores makes every call
 * 100× slower): CPU threads must be 0 (onnxruntime decides) or at most the machine's count.
 * @throws StudioError invalid-request naming the machine's count.
 */
export function assertThreadsFit(threads: number, machine = machineThreads()): void {
  if (threads > machine) {
    throw new StudioError(
      'invalid-request',
      `This machine runs ${machine} CPU thread${machine === 1 ? '' : 's'} at once; use 0 (let onnxruntime ` +
        `decide) or 1–${machine}, not ${threads}.`
    )
  }
}

/** A thread count safe to give onnxruntime: settings written on a bigger machine are clamped here. */
export function fittedThreads(threads: number, machine = machineThreads()): number {
  return Math.min(Math.max(0, threads), machine)
}
