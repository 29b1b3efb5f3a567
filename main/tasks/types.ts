import type { z } from 'zod'
import type { InputKind, Modality, ModelManifest, RunnableTaskId, SpecOf } from '../contract'

/**
 * One command-line option of a task, mapped onto a spec field. `input` options take a file path that
 * the CLI stores in the input store; the spec gets its hash.
 */
export interface CliOption {
  readonly flag: string
  /** The spec field it sets (default: the flag); "a.b" sets field b of object a. */
  readonly field?: string
  readonly type: 'string' | 'number' | 'int' | 'boolean' | 'list'
  readonly description: string
  /** Shown in --help; the spec's own default applies when the option is absent. */
  readonly defaultText?: string
  readonly choices?: readonly string[]
  readonly input?: InputKind
  readonly required?: boolean
  /** A boolean flag that sets its field to false (--whole-image → maskedOnly: false). */
  readonly negate?: boolean
  /** One-letter alias, e.g. "o" for --out. */
  readonly short?: string
}

export interface TaskCli {
  /** The command (several tasks may share one, told apart by --modality: `generate`). */
  readonly command: string
  readonly summary: string
  /** Options of this task beyond the sampling options every task has. */
  readonly options: readonly CliOption[]
  readonly examples?: readonly string[]
}

/** What a task's validation hands back: the spec with defaults settled, and warnings in plain words. */
export interface Validated<T extends RunnableTaskId> {
  readonly spec: SpecOf<T>
  readonly warnings: readonly string[]
}

/**
 * One task of the studio: how its spec is checked against a model, what it writes, how the CLI offers
 * it. Pure (contract + diffusion): main validates with it before queueing, the engine before running.
 */
export interface TaskDefinition<T extends RunnableTaskId> {
  readonly id: T
  readonly modality: Modality
  /** "Image to image". */
  readonly label: string
  readonly schema: z.ZodType<SpecOf<T>, unknown>
  /** Spec fields that hold input refs, and the kind of input each must be. */
  readonly inputs: readonly {
    readonly field: string
    readonly kind: InputKind
    readonly optional?: boolean
  }[]
  readonly cli: TaskCli
  /**
   * The sampling request of a spec when the task runs a solver of its own (RePaint, DDRM) whose knobs
   * ride in samplerExtra: the spec without them. Default: the spec itself.
   */
  samplingRequest?(spec: SpecOf<T>): SpecOf<T>
  /**
   * Checks a parsed spec against the model that will run it.
   * @throws StudioError naming the field and the fix.
   */
  validate(spec: SpecOf<T>, manifest: ModelManifest): Validated<T>
}
