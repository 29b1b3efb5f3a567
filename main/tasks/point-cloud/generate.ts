import { PointCloudGenerateSpecSchema, StudioError } from '../../contract'
import { checkRepaintKnobs, repaintKeys, withoutKeys } from '../image/inpaint'
import { shapeLabelOption, trajectoryOption } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { checkLabel, pointSample } from './common'

/** Shapes as point clouds from noise, class-conditional with classifier-free guidance. */
export const pointCloudGenerate: TaskDefinition<'point-cloud.generate'> = {
  id: 'point-cloud.generate',
  modality: 'point-cloud',
  label: 'Generate shapes',
  schema: PointCloudGenerateSpecSchema,
  inputs: [],
  cli: {
    command: 'generate',
    summary: 'generate 3D shapes as point clouds (a class label for class models)',
    options: [
      shapeLabelOption,
      {
        flag: 'points',
        type: 'int',
        description:
          "points per shape; more than the model's adds a dense stage around the coarse shape",
        defaultText: "the model's"
      },
      trajectoryOption
    ],
    examples: ['generate --modality point-cloud --label chair --count 4 --out chairs.ply']
  },
  samplingRequest: (spec) => ({
    ...spec,
    samplerExtra: withoutKeys(spec.samplerExtra, repaintKeys)
  }),
  validate(spec, manifest) {
    const sample = pointSample(manifest)
    const labelled = checkLabel(spec, manifest)
    checkRepaintKnobs(spec.samplerExtra)
    if (spec.points !== undefined && spec.points !== sample.points) {
      const pointsDim = manifest.components.denoiser?.inputs[0]?.shape[1]
      if (typeof pointsDim === 'number') {
        throw new StudioError(
          'invalid-request',
          `Model "${manifest.id}" makes exactly ${pointsDim} points per shape; ${spec.points} were asked.`
        )
      }
      if (spec.points < sample.points) {
        throw new StudioError(
          'invalid-request',
          `Model "${manifest.id}" makes ${sample.points} points per shape; ask for that many or more (a dense stage adds points).`
        )
      }
    }
    const sampling = resolveSampling(pointCloudGenerate.samplingRequest!(spec), manifest)
    return { spec: { ...labelled, model: manifest.id }, warnings: sampling.warnings }
  }
}
