// The engine's pipeline table: one readable pipeline per runnable task. Exhaustive: a task whose spec is
// in the contract's JobSpec union but has no pipeline here fails typecheck. Each pipeline loads when its
// first job comes, so an image job's host does not parse the point-cloud and molecule pipelines.
import type { JobSpec, RunnableTaskId, SpecOf } from '../../contract'
import type { PipelineContext } from './context'

export type { PipelineContext } from './context'
export type Pipeline<T extends RunnableTaskId> = (
  spec: SpecOf<T>,
  context: PipelineContext
) => Promise<void>

export const pipelines: { readonly [T in RunnableTaskId]: () => Promise<Pipeline<T>> } = {
  'image.generate': async () => (await import('./image/generate')).generateImage,
  'image.img2img': async () => (await import('./image/img2img')).imageToImage,
  'image.inpaint': async () => (await import('./image/inpaint')).inpaintImage,
  'image.upscale': async () => (await import('./image/upscale')).upscaleImage,
  'point-cloud.generate': async () => (await import('./point-cloud/generate')).generatePointClouds,
  'point-cloud.complete': async () => (await import('./point-cloud/complete')).completePointClouds,
  'molecule.generate': async () => (await import('./molecule/generate')).generateMolecules,
  'molecule.conformer': async () => (await import('./molecule/conformer')).findConformers,
  'audio.generate': async () => (await import('./audio/generate')).generateAudio,
  'audio.inpaint': async () => (await import('./audio/inpaint')).inpaintAudio,
  'audio.extend': async () => (await import('./audio/extend')).extendAudio,
  'video.generate': async () => (await import('./video/generate')).generateVideo
}

/** Runs the pipeline of a job's task (loading it first). */
export async function runPipeline(spec: JobSpec, context: PipelineContext): Promise<void> {
  const load = pipelines[spec.task] as () => Promise<Pipeline<typeof spec.task>>
  return (await load())(spec, context)
}
