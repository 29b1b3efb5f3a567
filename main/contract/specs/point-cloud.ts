import { z } from 'zod'
import { InputRefSchema } from '../inputs'
import { samplingFields } from '../sampling'

// Specs of the point-cloud tasks: shapes as [N, 3] points (optionally + RGB) in the model's normalised box.

const shape = {
  /** Class name for class-conditional models (the manifest's conditioning.classes). */
  label: z.string().min(1).max(64).optional(),
  /**
   * Keep the denoising trajectory: every `trajectoryEvery`-th step's x0 estimate (and the last) is written
   * beside each output for replay; 0 keeps none.
   */
  trajectoryEvery: z.number().int().min(0).max(1000).default(1)
}

/** Point-cloud generation: a denoiser over [B, N, 3] with classifier-free guidance on the class. */
export const PointCloudGenerateSpecSchema = z.object({
  task: z.literal('point-cloud.generate'),
  /**
   * Points per shape. More than the model's N adds a dense stage (coarse → dense): the N-point shape is
   * kept and the other points are generated around it (RePaint over the set).
   */
  points: z.number().int().min(16).max(16384).optional(),
  ...shape,
  ...samplingFields
})
export type PointCloudGenerateSpec = z.infer<typeof PointCloudGenerateSpecSchema>

/**
 * Shape completion: the points of a partial cloud (PLY/OBJ, in the model's box after the same
 * normalisation) are held fixed while the rest of the N points are generated (RePaint on point sets).
 */
export const PointCloudCompleteSpecSchema = z.object({
  task: z.literal('point-cloud.complete'),
  partial: InputRefSchema,
  /**
   * How the partial cloud is placed in the model's box: as it is, normalised like the training data
   * (its own bounding box centred and scaled to [−1, 1]³), or 'auto': as it is when it already lies in
   * the box (e.g. cut from a generated shape), else normalised.
   */
  placement: z.enum(['auto', 'as-is', 'normalise']).default('auto'),
  /**
   * Where the missing points start. 'noise': RePaint from pure noise over the whole schedule. 'mirror':
   * the partial cloud mirrored through the model's symmetry plane (x = 0 of its box), then RePaint over
   * the last `strength` of the schedule only (truncated diffusion from a cheap estimate, as SDEdit).
   * 'auto': mirror for a model whose shapes are mirror-symmetric when the part is taken as it is, else
   * noise.
   */
  start: z.enum(['auto', 'noise', 'mirror']).default('auto'),
  /** With a mirror start: the share of the schedule that is run (1 = from pure noise). */
  strength: z.number().gt(0).max(1).default(0.5),
  ...shape,
  ...samplingFields
})
export type PointCloudCompleteSpec = z.infer<typeof PointCloudCompleteSpecSchema>

export const pointCloudSpecSchemas = [
  PointCloudGenerateSpecSchema,
  PointCloudCompleteSpecSchema
] as const
