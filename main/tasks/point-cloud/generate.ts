import { PointCloudGenerateSpecSchema } from '../../contract'
import { shapeLabelOption, trajectoryOption } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { checkLabel, pointCloudFormats, pointSample } from './common'

/** Shapes as point clouds from noise, class-conditional with classifier-free guidance. */
export const pointCloudGenerate: TaskDefinition<'point-cloud.generate'> = {
  id: 'point-cloud.generate',
  modality: 'point-cloud',
  label: 'Generate shapes',
  schema: PointCloudGenerateSpecSchema,
  inputs: [],
  formats: pointCloudFormats,
  cli: {
    command: 'generate',
    summary: 'generate 3D shapes as point clouds (a class label for class models)',
    options: [shapeLabelOption, trajectoryOption],
    examples: ['generate --modality point-cloud --label chair --count 4 --out chairs.ply']
  },
  validate(spec, manifest) {
    pointSample(manifest)
    const labelled = checkLabel(spec, manifest)
    const sampling = resolveSampling(spec, manifest)
    return { spec: { ...labelled, model: manifest.id }, warnings: sampling.warnings }
  }
}
