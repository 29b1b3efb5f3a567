// Shape completion, one readable loop (point-cloud.complete):
// partial cloud (PLY/OBJ) → the model's box (normalised like the training shapes, or as is) → K known
// points in the first rows of [B, N, 3] → RePaint (Lugmayr et al. 2022) over the point set: the known
// rows re-noised to each level, the rest denoised → the known points come back exactly → the input's
// frame → files + trajectories.
import { StudioError, type PointCloudCompleteSpec } from '../../../contract'
import { repaintKnobs } from '../../../tasks/image/inpaint'
import { createRepaint } from '../../../diffusion/inverse'
import { denormalize, farthestPointSample, normalizeToUnitBox } from '../../../geometry'
import { readPointCloudFile } from '../../../codecs/point-cloud-io'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { sampleFromNoise } from '../common/trajectory'
import { pointJob, pointPreview, writePointCloud } from './job'

/** How far outside [−1, 1]³ a partial cloud may reach and still count as in the model's box. */
const boxTolerance = 1.05

export async function completePointClouds(
  input: PointCloudCompleteSpec,
  context: PipelineContext
): Promise<void> {
  const job = await pointJob(input, context)
  const { spec, sampling, count, seeds, points: N } = job

  // 1. The partial cloud, at most N/2 points (the rest is what the model generates).
  const file = readPointCloudFile(await context.readInput(spec.partial))
  let partial = file.points
  const given = partial.length / 3
  if (given === 0) throw new StudioError('bad-input', 'The partial cloud has no points.')
  const limit = Math.floor(N / 2)
  if (given > limit) {
    partial = farthestPointSample(partial, limit, spec.seed).points
    context.emit({
      type: 'warning',
      message:
        `The partial cloud has ${given} points; model "${job.manifest.id}" makes ${N}, so at most ${limit} ` +
        `can be kept: ${limit} were chosen by farthest-point sampling.`
    })
  }
  const K = partial.length / 3
  // A part normalised by its own box would be stretched to a whole shape's size, so 'auto' keeps a
  // part that already lies in the model's box as it is.
  const reach = partial.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
  const placement =
    spec.placement === 'auto' ? (reach <= boxTolerance ? 'as-is' : 'normalise') : spec.placement
  if (spec.placement === 'auto' && placement === 'normalise') {
    context.emit({
      type: 'warning',
      message:
        `The partial cloud reaches ${reach.toPrecision(3)} from the origin, outside the model's box ` +
        `[−1, 1]³: it was centred and scaled into the box by its own bounds (the result is scaled back). ` +
        `If it is part of a larger shape, place it in the box yourself and choose "as it is".`
    })
  }
  const placed = placement === 'normalise' ? normalizeToUnitBox(partial) : undefined
  const known = placed ? placed.points : partial

  // 2. RePaint over the set: rows 0…K−1 known.
  const knownTensor = { shape: [1, N, 3], data: new Float64Array(N * 3) }
  knownTensor.data.set(known)
  const mask = { shape: [1, N, 3], data: new Float64Array(N * 3) }
  mask.data.fill(1, 0, K * 3)
  const knobs = repaintKnobs(spec.samplerExtra)
  const denoise = await jobDenoiser(context, job.model, {
    sampling,
    conditioning: job.conditioning,
    count,
    sampleShape: [N, 3],
    steps: sampling.steps
  })
  const { result, trajectory } = await sampleFromNoise(context, {
    sampling,
    denoise,
    shape: [count, N, 3],
    noise: perImageNoise(seeds),
    every: spec.trajectoryEvery,
    extra: spec.samplerExtra,
    preview: pointPreview,
    sampler: { name: 'repaint', sample: createRepaint({ known: knownTensor, mask, ...knobs }) },
    what: 'the shapes'
  })

  // 3. Back to the input's frame; the known rows are the partial's points.
  const back = (cloud: Float32Array) =>
    placed ? denormalize(cloud, placed.center, placed.scale) : cloud
  for (let b = 0; b < count; b++) {
    const cloud = back(Float32Array.from(result.data.subarray(b * N * 3, (b + 1) * N * 3)))
    cloud.set(partial, 0)
    const frames = trajectory
      .framesOf(b, count)
      .map((f) => ({ sigma: f.sigma, data: back(f.data) }))
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, {
      points: N,
      knownPoints: K,
      placed: placement
    })
    await writePointCloud(context, { output: b, outputs: count }, cloud, recipe, spec.label, frames)
  }
}
