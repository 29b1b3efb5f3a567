// The recipe written into every output: the spec as it ran (defaults settled), the seed of that output,
// and where it ran. "Reuse recipe" and dropping a file on the window read it back.
import type { Execution, JobSpec } from '../../../contract'
import { studioVersion } from '../../../platform/version'
import type { ResolvedSampling } from '../../../tasks'

export type Recipe = Record<string, unknown> & { readonly task: string; readonly seed: number }

export function recipeOf(
  spec: JobSpec,
  sampling: ResolvedSampling | undefined,
  seed: number,
  execution: Execution,
  extra: Record<string, unknown> = {}
): Recipe {
  return {
    studio: studioVersion,
    ...spec,
    seed,
    count: 1,
    ...(sampling
      ? {
          steps: sampling.steps,
          sampler: sampling.sampler.name,
          schedule: sampling.schedule,
          guidance: sampling.guidance
        }
      : {}),
    ...extra,
    provider: execution.provider,
    deviceName: execution.deviceName,
    ...(execution.fallbackReason ? { fallbackReason: execution.fallbackReason } : {})
  }
}

/** A1111's `parameters` text (prompt, negative prompt, then "Key: value" pairs), which other tools read. */
export function a1111Parameters(recipe: Recipe): string {
  const r = recipe as Record<string, unknown>
  const text = String(r.prompt || r.label || '')
  const lines = [text]
  if (r.negativePrompt) lines.push(`Negative prompt: ${String(r.negativePrompt)}`)
  const pairs: [string, unknown][] = [
    ['Steps', r.steps],
    ['Sampler', r.sampler],
    ['Schedule type', r.schedule],
    ['CFG scale', r.guidance],
    ['Seed', r.seed],
    ['Size', r.width && r.height ? `${String(r.width)}x${String(r.height)}` : undefined],
    ['Model', r.model],
    ['Denoising strength', r.strength],
    ['Task', r.task],
    ['Device', r.provider]
  ]
  lines.push(
    pairs
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(', ')
  )
  return lines.join('\n')
}
