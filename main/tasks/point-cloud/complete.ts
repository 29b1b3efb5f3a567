import { PointCloudCompleteSpecSchema } from '../../contract'
import { checkRepaintKnobs, repaintKeys, withoutKeys } from '../image/inpaint'
import { shapeLabelOption, trajectoryOption } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { checkLabel, pointSample } from './common'

/**
 * Shape completion: the partial cloud's points are kept while the rest of the model's N points are
 * generated (RePaint on the point set: the known points are re-noised to each level).
 */
export const pointCloudComplete: TaskDefinition<'point-cloud.complete'> = {
  id: 'point-cloud.complete',
  modality: 'point-cloud',
  label: 'Complete a shape',
  schema: PointCloudCompleteSpecSchema,
  inputs: [{ field: 'partial', kind: 'point-cloud' }],
  cli: {
    command: 'complete',
    summary: 'complete a partial point cloud (PLY or OBJ): its points are kept, the rest generated',
    options: [
      {
        flag: 'points',
        field: 'partial',
        type: 'string',
        input: 'point-cloud',
        required: true,
        description: 'the partial cloud, PLY or OBJ'
      },
      {
        flag: 'placement',
        type: 'string',
        choices: ['auto', 'as-is', 'normalise'],
        description:
          "place the partial cloud: as it is, normalised into the model's box by its own bounds, or auto (as it is when it lies in [-1, 1]^3, else normalised)",
        defaultText: 'auto'
      },
      shapeLabelOption,
      trajectoryOption
    ],
    examples: ['complete --points half-chair.ply --label chair --out chair.ply']
  },
  samplingRequest: (spec) => ({
    ...spec,
    samplerExtra: withoutKeys(spec.samplerExtra, repaintKeys)
  }),
  validate(spec, manifest) {
    pointSample(manifest)
    checkRepaintKnobs(spec.samplerExtra)
    const labelled = checkLabel(spec, manifest)
    const sampling = resolveSampling(pointCloudComplete.samplingRequest!(spec), manifest)
    return { spec: { ...labelled, model: manifest.id }, warnings: sampling.warnings }
  }
}
