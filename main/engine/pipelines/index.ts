// The engine's pipeline table: one readable pipeline per runnable task. Exhaustive: a task whose spec is
// in the contract's JobSpec union but has no pipeline here fails typecheck.
import type { JobSpec, RunnableTaskId, SpecOf } from '../../contract'
import type { PipelineContext } from './context'
import { generateImage } from './image/generate'
import { imageToImage } from './image/img2img'
import { inpaintImage } from './image/inpaint'
import { upscaleImage } from './image/upscale'
import { findConformers } from './molecule/conformer'
import { generateMolecules } from './molecule/generate'
import { completePointClouds } from './point-cloud/complete'
import { generatePointClouds } from './point-cloud/generate'

export type { PipelineContext } from './context'
export type Pipeline<T extends RunnableTaskId> = (
  spec: SpecOf<T>,
  context: PipelineContext
) => Promise<void>

export const pipelines: { readonly [T in RunnableTaskId]: Pipeline<T> } = {
  'image.generate': generateImage,
  'image.img2img': imageToImage,
  'image.inpaint': inpaintImage,
  'image.upscale': upscaleImage,
  'point-cloud.generate': generatePointClouds,
  'point-cloud.complete': completePointClouds,
  'molecule.generate': generateMolecules,
  'molecule.conformer': findConformers
}

/** Runs the pipeline of a job's task. */
export function runPipeline(spec: JobSpec, context: PipelineContext): Promise<void> {
  return (pipelines[spec.task] as Pipeline<typeof spec.task>)(spec, context)
}
