// The point-cloud tasks' forms: each task's own fields, defaults, spec and back. Pure.
import { strengthSteps, type TaskFormDefinition } from '../../lib/state/recipe'
import type { TrajectoryFields } from '../../lib/three/recipe'

export const placements = ['auto', 'as-is', 'normalise'] as const
export type Placement = (typeof placements)[number]
export const completionStarts = ['auto', 'noise', 'mirror'] as const
export type CompletionStart = (typeof completionStarts)[number]

export type PointCloudGenerateFields = TrajectoryFields & {
  /** Points per shape; 0 is the model's own N (more adds a dense stage). */
  points: number
}

export const generateForm: TaskFormDefinition<'point-cloud.generate', PointCloudGenerateFields> = {
  task: 'point-cloud.generate',
  defaults: () => ({ trajectoryEvery: 1, points: 0 }),
  toSpec: (values, model) => {
    // A graph with a fixed points dimension takes no dense stage.
    const fixed = typeof model?.manifest.components.denoiser?.inputs[0]?.shape[1] === 'number'
    return {
      trajectoryEvery: values.trajectoryEvery,
      ...(values.points > 0 && !fixed ? { points: values.points } : {})
    }
  },
  fromSpec: (spec) => ({ trajectoryEvery: spec.trajectoryEvery, points: spec.points ?? 0 })
}

export type PointCloudCompleteFields = TrajectoryFields & {
  /** The partial cloud (an input ref of kind point-cloud). */
  partial: string
  placement: Placement
  /** Where the missing points start (the mirror image runs `strength` of the schedule). */
  completionStart: CompletionStart
  strength: number
}

export const completeForm: TaskFormDefinition<'point-cloud.complete', PointCloudCompleteFields> = {
  task: 'point-cloud.complete',
  defaults: () => ({
    trajectoryEvery: 1,
    partial: '',
    placement: 'auto',
    completionStart: 'auto',
    strength: 0.5
  }),
  toSpec: (values) => ({
    trajectoryEvery: values.trajectoryEvery,
    partial: values.partial || undefined,
    placement: values.placement,
    start: values.completionStart,
    strength: values.strength
  }),
  fromSpec: (spec) => ({
    trajectoryEvery: spec.trajectoryEvery,
    partial: spec.partial,
    placement: spec.placement,
    completionStart: spec.start,
    strength: spec.strength
  }),
  // The strength's share of the steps from a mirror start (auto may be one, at least one step); all
  // of them from noise.
  stepsRun: (values) =>
    values.completionStart === 'noise'
      ? values.steps
      : Math.max(1, strengthSteps(values.steps, values.strength))
}
