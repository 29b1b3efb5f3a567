// Shape generation, one readable loop (point-cloud.generate):
// seeds → x = σ_0·n [B, N, 3] → sampler over the guided D(x; σ) (class, CFG) → clouds in the model's
// box → files (PLY/OBJ/GLB with the recipe) + trajectories; for a class with held-out shapes, the batch's
// MMD / COV / 1-NNA (Chamfer) against as many held-out shapes of that class.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { JobMetrics, ModelManifest, PointCloudGenerateSpec } from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import { repaintKnobs, repaintNfe } from '../../../tasks/image/inpaint'
import { createRepaint } from '../../../diffusion/inverse'
import { evaluatePointCloudSets } from '../../../geometry'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { sampleFromNoise } from '../common/trajectory'
import { pointJob, pointPreview, writePointCloud } from './job'

export async function generatePointClouds(
  input: PointCloudGenerateSpec,
  context: PipelineContext
): Promise<void> {
  const job = await pointJob(input, context)
  const { spec, sampling, count, seeds, points } = job
  const P = spec.points ?? points
  // Pre-flight covers both stages before the first starts.
  const denoise = await jobDenoiser(context, job.model, {
    sampling,
    conditioning: job.conditioning,
    count,
    sampleShape: [points, 3],
    steps: sampling.steps,
    plannedAfter: P > points ? [denseStage(job, P)] : []
  })

  const { result, trajectory } = await sampleFromNoise(context, {
    sampling,
    denoise,
    shape: [count, points, 3],
    noise: perImageNoise(seeds),
    every: spec.trajectoryEvery,
    extra: spec.samplerExtra,
    preview: pointPreview,
    what: 'the shapes'
  })

  const clouds: Float32Array[] = []
  for (let b = 0; b < count; b++) {
    clouds.push(Float32Array.from(result.data.subarray(b * points * 3, (b + 1) * points * 3)))
  }
  // Coarse → dense: the coarse shapes kept, the other points generated around them.
  const dense = P > points ? await densify(context, job, clouds, P) : clouds
  for (let b = 0; b < count; b++) {
    context.signal.throwIfAborted()
    const cloud = dense[b]
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, {
      points: P,
      ...(P > points ? { coarsePoints: points } : {})
    })
    await writePointCloud(
      context,
      { output: b, outputs: count },
      cloud,
      recipe,
      spec.label,
      trajectory.framesOf(b, count)
    )
  }
  const metrics = await batchMetrics(job.model, spec.label, clouds, context.signal)
  if (metrics) context.emit({ type: 'metrics', metrics })
}

/** The dense stage's sampling request; RePaint walks its own schedule, so its calls are the steps. */
function denseStage(job: Awaited<ReturnType<typeof pointJob<PointCloudGenerateSpec>>>, P: number) {
  return {
    sampling: job.sampling,
    conditioning: job.conditioning,
    count: job.count,
    sampleShape: [P, 3],
    steps: repaintNfe(job.sampling.steps, job.spec.samplerExtra),
    callsPerStep: 1
  }
}

/**
 * The dense stage: [B, P, 3] with the coarse clouds' N points as the known rows of RePaint (Lugmayr et al.
 * 2022) and P − N points generated around them, from seeds offset so the stage draws fresh noise.
 */
async function densify(
  context: PipelineContext,
  job: Awaited<ReturnType<typeof pointJob<PointCloudGenerateSpec>>>,
  coarse: Float32Array[],
  P: number
): Promise<Float32Array[]> {
  const { spec, sampling, count, seeds, points: N } = job
  const known = { shape: [count, P, 3], data: new Float64Array(count * P * 3) }
  coarse.forEach((c, b) => known.data.set(c, b * P * 3))
  const mask = { shape: [1, P, 3], data: new Float64Array(P * 3).fill(1, 0, N * 3) }
  const denoise = await jobDenoiser(context, job.model, { ...denseStage(job, P), preflight: false })
  const { result } = await sampleFromNoise(context, {
    sampling,
    denoise,
    shape: [count, P, 3],
    noise: perImageNoise(seeds.map((s) => s + 1_000_003)),
    every: 0,
    extra: spec.samplerExtra,
    sampler: {
      name: 'repaint',
      sample: createRepaint({ known, mask, ...repaintKnobs(spec.samplerExtra) })
    },
    stage: `dense stage: ${P} points`,
    what: 'the dense shapes'
  })
  return coarse.map((c, b) => {
    const cloud = Float32Array.from(result.data.subarray(b * P * 3, (b + 1) * P * 3))
    cloud.set(c, 0)
    return cloud
  })
}

/**
 * MMD-CD, COV-CD and 1-NNA-CD of the batch against the first |batch| held-out shapes of its class
 * (1-NNA needs equal sets; 50 % is ideal), when the model ships held-out shapes and the batch has ≥ 2.
 */
async function batchMetrics(
  model: ResolvedModel,
  label: string | undefined,
  clouds: Float32Array[],
  signal: AbortSignal
): Promise<JobMetrics | undefined> {
  const reference = await referenceShapes(model, label, clouds.length)
  if (!reference || clouds.length < 2) return undefined
  const evaluation = await evaluatePointCloudSets(clouds, reference, { distances: ['cd'], signal })
  const cd = evaluation.cd!
  return {
    'MMD-CD': cd.mmd,
    'COV-CD': cd.coverage,
    '1-NNA-CD': cd.oneNna.accuracy,
    'reference shapes': reference.length
  }
}

/** Up to `count` held-out shapes of the class, from the model's reference index; undefined if none. */
async function referenceShapes(
  model: ResolvedModel,
  label: string | undefined,
  count: number
): Promise<Float32Array[] | undefined> {
  const sample = model.manifest.sample as Extract<ModelManifest['sample'], { kind: 'point-cloud' }>
  const conditioning = model.manifest.conditioning
  if (!sample.reference || label === undefined || conditioning.type !== 'class') return undefined
  const index = JSON.parse(await readFile(join(model.dir, sample.reference), 'utf8')) as {
    file: string
    shape: [number, number, number]
    labels: number[]
  }
  const classIndex = conditioning.classes.indexOf(label)
  const [, n] = index.shape
  const bytes = await readFile(join(model.dir, sample.reference, '..', index.file))
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
  const shapes: Float32Array[] = []
  index.labels.forEach((l, s) => {
    if (l === classIndex && shapes.length < count)
      shapes.push(all.slice(s * n * 3, (s + 1) * n * 3))
  })
  return shapes.length ? shapes : undefined
}
