import type { JobSpec } from '../../contract'
import type { PipelineContext } from './context'
import { generateImage } from './image/generate'

export type { PipelineContext } from './context'

/** Runs the pipeline of a job's task. New tasks (inpaint, upscale, point clouds…) are added here. */
export async function runPipeline(spec: JobSpec, context: PipelineContext): Promise<void> {
  switch (spec.task) {
    case 'image.generate':
      return generateImage(spec, context)
  }
}
