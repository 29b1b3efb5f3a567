// Shape completion, one readable loop (point-cloud.complete):
// partial cloud (PLY/OBJ, read in float64) → the model's box (normalised like the training shapes in
// float64, or as is) → K known points in the first rows of [B, N, 3] (float32) → the start: pure noise,
// or (a model with a mirror plane, the part taken as it is) the part's mirror image in the next rows,
// noised to the σ where `strength` of the schedule remains (truncated diffusion from a cheap estimate)
// → RePaint (Lugmayr et al. 2022) over the point set: the known rows re-noised to each level, the rest
// denoised → the input's frame (float64) → the known points come back exactly, bit for bit, and every
// output is written in the input's precision (PLY `double` stays double) → files + trajectories.
import { StudioError, type PointCloudCompleteSpec } from '../../../contract'
import { repaintKnobs } from '../../../tasks/image/inpaint'
import { createRepaint } from '../../../diffusion/inverse'
import { boundingBox, farthestPointSample } from '../../../geometry'
import { readPointCloudFile } from '../../../codecs/point-cloud-io'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { runSampling } from '../common/sampling'
import { TrajectoryRecorder } from '../common/trajectory'
import { pointJob, pointPreview, writePointCloud } from './job'

/** How far outside [−1, 1]³ a partial cloud may reach and still count as in the model's box. */
const boxTolerance = 1.05

export async function completePointClouds(
  input: PointCloudCompleteSpec,
  context: PipelineContext
): Promise<void> {
  const job = await pointJob(input, context)
  const { spec, sampling, count, seeds, points: N } = job

  // 1. The partial cloud, at most N/2 points (the rest is what the model generates), in float64.
  const file = readPointCloudFile(await context.readInput(spec.partial))
  let partial = file.points
  const given = partial.length / 3
  if (given === 0) throw new StudioError('bad-input', 'The partial cloud has no points.')
  const limit = Math.floor(N / 2)
  if (given > limit) {
    // Chosen on float32 offsets from the box centre: the choice depends on distances only.
    const box = unitBox(partial)
    const local = Float32Array.from(partial, (v, i) => v - box.center[i % 3])
    const { indices } = farthestPointSample(local, limit, spec.seed)
    partial = pick(partial, indices)
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
  // Centre and scale in float64; the model sees float32 values in its box.
  const placed = placement === 'normalise' ? unitBox(partial) : undefined
  const known = placed
    ? Float32Array.from(partial, (v, i) => (v - placed.center[i % 3]) / placed.scale)
    : Float32Array.from(partial)

  // 2. The start: pure noise over the whole schedule, or the mirror image of the part (rows K…2K−1; the
  // rest at the box's centre) noised to the σ where `strength` of the schedule remains.
  const mirrorPlane =
    job.manifest.sample.kind === 'point-cloud' && job.manifest.sample.symmetry === 'x'
  const start =
    spec.start === 'auto' ? (mirrorPlane && placement === 'as-is' ? 'mirror' : 'noise') : spec.start
  if (start === 'mirror' && !mirrorPlane) {
    throw new StudioError(
      'invalid-request',
      `Model "${job.manifest.id}" declares no mirror plane for its shapes; start completion from noise.`
    )
  }
  // The steps run: img2img's rule (diffusers' int(steps · strength)), at least one.
  const run =
    start === 'mirror'
      ? Math.max(1, Math.min(sampling.steps, Math.floor(sampling.steps * spec.strength + 1e-9)))
      : sampling.steps
  const sigmas = sampling.sigmas.subarray(sampling.steps - run)
  const estimate = new Float64Array(N * 3)
  estimate.set(known)
  if (start === 'mirror') {
    for (let i = 0; i < K && K + i < N; i++) {
      estimate[3 * (K + i)] = -known[3 * i]
      estimate[3 * (K + i) + 1] = known[3 * i + 1]
      estimate[3 * (K + i) + 2] = known[3 * i + 2]
    }
  }
  const noise = perImageNoise(seeds)
  const n0 = noise.randn([count, N, 3])
  const x = {
    shape: [count, N, 3],
    data: n0.data.map((v, k) => (start === 'mirror' ? estimate[k % (N * 3)] : 0) + v * sigmas[0])
  }

  // 3. RePaint over the set: rows 0…K−1 known.
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
    steps: run
  })
  const trajectory = new TrajectoryRecorder(spec.trajectoryEvery)
  const result = await runSampling(context, {
    sampling,
    sigmas,
    denoise,
    x,
    noise,
    extra: spec.samplerExtra,
    preview: pointPreview,
    onStep: (info) => trajectory.record(info),
    sampler: { name: 'repaint', sample: createRepaint({ known: knownTensor, mask, ...knobs }) },
    what: 'the shapes'
  })
  trajectory.finish(result)

  // 4. Back to the input's frame in float64 (x · scale + centre, with x the float32 the model made);
  // the known rows are the partial's points exactly.
  const back = (cloud: ArrayLike<number>): Float64Array =>
    placed
      ? Float64Array.from(cloud, (v, i) => Math.fround(v) * placed.scale + placed.center[i % 3])
      : Float64Array.from(cloud, (v) => Math.fround(v))
  for (let b = 0; b < count; b++) {
    const cloud = back(result.data.subarray(b * N * 3, (b + 1) * N * 3))
    cloud.set(partial, 0)
    const frames = trajectory
      .framesOf(b, count)
      .map((f) => ({ sigma: f.sigma, data: Float32Array.from(back(f.data)) }))
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, {
      points: N,
      knownPoints: K,
      placed: placement,
      started: start,
      stepsRun: run
    })
    await writePointCloud(
      context,
      { output: b, outputs: count },
      cloud,
      recipe,
      spec.label,
      frames,
      {
        precision: file.precision
      }
    )
  }
}

/** The centre of a cloud's bounding box and its half side (1 for a single point), float64. */
function unitBox(points: Float64Array): { center: [number, number, number]; scale: number } {
  const { min, max } = boundingBox(points)
  const center = [0, 1, 2].map((c) => (min[c] + max[c]) / 2) as [number, number, number]
  const half = Math.max(max[0] - min[0], max[1] - min[1], max[2] - min[2]) / 2
  return { center, scale: half > 0 ? half : 1 }
}

/** The points at `indices`, in that order. */
function pick(points: Float64Array, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length * 3)
  for (let k = 0; k < indices.length; k++)
    out.set(points.subarray(indices[k] * 3, indices[k] * 3 + 3), k * 3)
  return out
}
