// Tiny stand-ins for diffusion-model components, written as real .onnx files (with external data where
// asked) so tests exercise onnxruntime-node, the .onnx reader and the registry on real bytes.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { ModelFile, ModelManifest, TensorSpec } from '../../contract'
import { buildModel, seededWeights, type ModelSpec } from '../onnx-builder'

/** Deterministic pseudo-random weights in [-1, 1). */
export function randomWeights(count: number, seed = 1): number[] {
  return Array.from(seededWeights(count, seed))
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Writes `spec` as `dir/relPath` (plus its external-data files) and returns their manifest entries. */
export function writeOnnx(dir: string, relPath: string, spec: ModelSpec): ModelFile[] {
  const built = buildModel(spec)
  const files: ModelFile[] = []
  const put = (path: string, bytes: Uint8Array) => {
    const full = join(dir, path)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, bytes)
    files.push({ path, size: bytes.length, sha256: sha256(bytes) })
  }
  put(relPath, built.model)
  for (const [location, bytes] of built.externalData) put(join(dirname(relPath), location), bytes)
  return files
}

export interface DenoiserOptions {
  /** dtype of sample / out_sample (float16 graphs compute in float16). */
  dtype?: 'float32' | 'float16'
  timestep?: 'int64' | 'float32'
  channels?: number
  hidden?: number
  /** External-data file for the weight (e.g. 'weights.pb' or 'model.onnx_data'). */
  external?: string
  /** Symbolic names of the sample's dimensions. */
  dims?: [string, string, string]
  /** Input channels when they differ from the output's (9 for inpainting UNets). */
  inChannels?: number
}

/** out_sample = sample · w (w per channel): a UNet-shaped graph with UNet-named inputs. */
export function tinyDenoiser(options: DenoiserOptions = {}): ModelSpec {
  const dtype = options.dtype ?? 'float32'
  const channels = options.channels ?? 4
  const [b, h, w] = options.dims ?? ['batch', 'height', 'width']
  const inChannels = options.inChannels ?? channels
  const slice = inChannels !== channels
  return {
    inputs: [
      { name: 'sample', type: dtype, shape: [b, inChannels, h, w] },
      { name: 'timestep', type: options.timestep ?? 'int64', shape: [b] },
      { name: 'encoder_hidden_states', type: dtype, shape: [b, 'sequence', options.hidden ?? 32] }
    ],
    outputs: [{ name: 'out_sample', type: dtype, shape: [b, channels, h, w] }],
    nodes: [
      ...(slice
        ? [{ op: 'Slice', inputs: ['sample', 'starts', 'ends', 'axes'], outputs: ['latents'] }]
        : []),
      { op: 'Mul', inputs: [slice ? 'latents' : 'sample', 'w'], outputs: ['out_sample'] }
    ],
    initializers: [
      {
        name: 'w',
        type: dtype,
        dims: [1, channels, 1, 1],
        values: randomWeights(channels, 7),
        ...(options.external ? { external: options.external } : {})
      },
      ...(slice
        ? [
            { name: 'starts', type: 'int64' as const, dims: [1], values: [0] },
            { name: 'ends', type: 'int64' as const, dims: [1], values: [channels] },
            { name: 'axes', type: 'int64' as const, dims: [1], values: [1] }
          ]
        : [])
    ]
  }
}

/** input_ids int32 [batch, sequence] -> last_hidden_state [batch, sequence, hidden], pooler_output. */
export function tinyTextEncoder(hidden = 32): ModelSpec {
  return {
    inputs: [{ name: 'input_ids', type: 'int32', shape: ['batch', 'sequence'] }],
    outputs: [
      { name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', hidden] },
      { name: 'pooler_output', type: 'float32', shape: ['batch', hidden] }
    ],
    nodes: [
      { op: 'Cast', inputs: ['input_ids'], outputs: ['ids_f'], attributes: { to: 1 } },
      { op: 'Unsqueeze', inputs: ['ids_f', 'last_axis'], outputs: ['ids_3d'] },
      { op: 'Mul', inputs: ['ids_3d', 'embedding'], outputs: ['last_hidden_state'] },
      {
        op: 'ReduceMean',
        inputs: ['last_hidden_state'],
        outputs: ['pooler_output'],
        attributes: { axes: [1], keepdims: 0 }
      }
    ],
    initializers: [
      { name: 'last_axis', type: 'int64', dims: [1], values: [-1] },
      { name: 'embedding', type: 'float32', dims: [hidden], values: randomWeights(hidden, 3) }
    ]
  }
}

/** latent_sample [batch, 4, h, w] -> sample [batch, 3, h, w] (a VAE decoder's names, not its maths). */
export function tinyVaeDecoder(): ModelSpec {
  return {
    inputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
    outputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    nodes: [
      { op: 'Slice', inputs: ['latent_sample', 'starts', 'ends', 'axes'], outputs: ['sample'] }
    ],
    initializers: [
      { name: 'starts', type: 'int64', dims: [1], values: [0] },
      { name: 'ends', type: 'int64', dims: [1], values: [3] },
      { name: 'axes', type: 'int64', dims: [1], values: [1] }
    ]
  }
}

/** sample [batch, 3, H, W] -> latent_sample [batch, 4, H, W]. */
export function tinyVaeEncoder(): ModelSpec {
  return {
    inputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    outputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
    nodes: [
      { op: 'Slice', inputs: ['sample', 'starts', 'ends', 'axes'], outputs: ['first'] },
      {
        op: 'Concat',
        inputs: ['sample', 'first'],
        outputs: ['latent_sample'],
        attributes: { axis: 1 }
      }
    ],
    initializers: [
      { name: 'starts', type: 'int64', dims: [1], values: [0] },
      { name: 'ends', type: 'int64', dims: [1], values: [1] },
      { name: 'axes', type: 'int64', dims: [1], values: [1] }
    ]
  }
}

/** The specs of a ModelSpec's inputs/outputs, as a manifest declares them. */
export function specsOf(spec: ModelSpec): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const convert = (values: ModelSpec['inputs']) =>
    values.map((v) => ({
      name: v.name,
      dtype: v.type as TensorSpec['dtype'],
      shape: (v.shape ?? []).map((d) => d ?? '')
    }))
  return { inputs: convert(spec.inputs), outputs: convert(spec.outputs) }
}

/** A valid manifest for a model folder holding one denoiser written by `writeOnnx`. */
export function denoiserManifest(
  id: string,
  files: ModelFile[],
  spec: ModelSpec,
  overrides: Partial<ModelManifest> = {}
): ModelManifest {
  const [model, ...external] = files
  return {
    schemaVersion: 1,
    id,
    name: `Tiny ${id}`,
    description: 'A test stand-in',
    modality: 'image',
    tasks: ['image.generate'],
    licence: 'MIT',
    files,
    components: {
      denoiser: { file: model.path, externalData: external.map((f) => f.path), ...specsOf(spec) }
    },
    parameterization: 'epsilon',
    schedule: {
      type: 'discrete',
      betaSchedule: 'linear',
      betaStart: 0.0001,
      betaEnd: 0.02,
      trainSteps: 1000,
      zeroTerminalSnr: false,
      timestepDtype: 'int64'
    },
    conditioning: { type: 'none' },
    sample: {
      kind: 'image',
      channels: 4,
      width: 8,
      height: 8,
      latentScale: 1,
      pixelRange: [-1, 1],
      vaeScale: 1,
      sizeMultiple: 0
    },
    defaults: { sampler: 'euler', steps: 10, guidance: 1, schedule: 'model' },
    resolutionBuckets: [],
    imageInputs: {},
    memoryEstimateMB: 16,
    ...overrides
  }
}

/** DDPM's linear β schedule with a float timestep (the tiny pixel models'). */
const linearFloatSchedule: ModelManifest['schedule'] = {
  type: 'discrete',
  betaSchedule: 'linear',
  betaStart: 0.0001,
  betaEnd: 0.02,
  trainSteps: 1000,
  zeroTerminalSnr: false,
  timestepDtype: 'float32'
}

/** A pixel model's sample: C channels, size × size native, pixels in [−1, 1]. */
const pixelSample = (channels: number, size: number, sizeMultiple: number) => ({
  kind: 'image' as const,
  channels,
  width: size,
  height: size,
  latentScale: 1,
  pixelRange: [-1, 1] as [number, number],
  vaeScale: 1,
  sizeMultiple
})

/**
 * A pixel-space denoiser for pipeline tests: sample [batch, C, height, width] and a float timestep
 * [batch] → noise_pred. `behaviour` 'scale' multiplies by per-channel weights; 'nan' returns
 * sqrt(−|x| − 1) (NaN everywhere); 'overflow' multiplies by `gain` in the graph's dtype (float16
 * overflows to ±Inf past 65504).
 */
export function tinyPixelDenoiser(
  options: {
    channels?: number
    dtype?: 'float32' | 'float16'
    behaviour?: 'scale' | 'nan' | 'overflow'
    gain?: number
  } = {}
): ModelSpec {
  const dtype = options.dtype ?? 'float32'
  const channels = options.channels ?? 3
  const behaviour = options.behaviour ?? 'scale'
  const shape = ['batch', channels, 'height', 'width'] as const
  const nodes: ModelSpec['nodes'] =
    behaviour === 'nan'
      ? [
          { op: 'Abs', inputs: ['sample'], outputs: ['a'] },
          { op: 'Neg', inputs: ['a'], outputs: ['n'] },
          { op: 'Sub', inputs: ['n', 'one'], outputs: ['m'] },
          { op: 'Sqrt', inputs: ['m'], outputs: ['noise_pred'] }
        ]
      : [{ op: 'Mul', inputs: ['sample', 'w'], outputs: ['noise_pred'] }]
  return {
    inputs: [
      { name: 'sample', type: dtype, shape },
      { name: 'timestep', type: 'float32', shape: ['batch'] }
    ],
    outputs: [{ name: 'noise_pred', type: dtype, shape }],
    nodes,
    initializers:
      behaviour === 'nan'
        ? [{ name: 'one', type: dtype, dims: [1], values: [1] }]
        : [
            {
              name: 'w',
              type: dtype,
              dims: [1, channels, 1, 1],
              values:
                behaviour === 'overflow'
                  ? new Array<number>(channels).fill(options.gain ?? 1000)
                  : randomWeights(channels, 5).map((v) => 0.5 + 0.25 * v)
            }
          ]
  }
}

/**
 * Writes a model folder `root/id` (ONNX + manifest.json) holding a tiny pixel-space ε-model of
 * `size`×`size`, for running real pipelines in tests.
 */
export function writeTinyPixelModel(
  root: string,
  id: string,
  options: Parameters<typeof tinyPixelDenoiser>[0] & { size?: number } = {}
): ModelManifest {
  const dir = join(root, id)
  const spec = tinyPixelDenoiser(options)
  const files = writeOnnx(dir, 'model.onnx', spec)
  const size = options.size ?? 8
  const manifest = denoiserManifest(id, files, spec, {
    sample: pixelSample(options.channels ?? 3, size, 0),
    schedule: linearFloatSchedule,
    tasks: ['image.generate', 'image.img2img'],
    defaults: { sampler: 'euler', steps: 4, guidance: 1, schedule: 'model' }
  })
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2))
  return manifest
}

/** Graph inputs of the dedicated edit contracts: [x, mask, masked image] or a sample plus low_res. */
function editInputs(kind: 'inpaint' | 'sr'): ModelSpec['inputs'] {
  return kind === 'inpaint'
    ? [
        { name: 'sample', type: 'float32', shape: ['batch', 7, 'height', 'width'] },
        { name: 'timestep', type: 'float32', shape: ['batch'] }
      ]
    : [
        { name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] },
        { name: 'timestep', type: 'float32', shape: ['batch'] },
        { name: 'low_res', type: 'float32', shape: ['batch', 3, 'low_height', 'low_width'] }
      ]
}

/**
 * Writes a tiny fully convolutional editing model `root/id` for pipeline tests: 'inpaint' takes
 * sample [batch, 7, height, width] = [c_in·x, mask, masked image] → noise_pred = x·w + 0.5·masked;
 * 'sr' takes sample [batch, 3, height, width] and low_res [batch, 3, low_height, low_width] →
 * noise_pred = sample·w + mean(low_res). ε-models on the linear DDPM schedule, native 16×16.
 */
export function writeTinyEditModel(
  root: string,
  id: string,
  kind: 'inpaint' | 'sr'
): ModelManifest {
  const dir = join(root, id)
  const shape = ['batch', 3, 'height', 'width'] as const
  const slice = (name: string) => ({
    op: 'Slice',
    inputs: ['sample', `${name}_s`, `${name}_e`, 'axis1'],
    outputs: [name]
  })
  const bounds = (name: string, from: number, to: number) => [
    { name: `${name}_s`, type: 'int64' as const, dims: [1], values: [from] },
    { name: `${name}_e`, type: 'int64' as const, dims: [1], values: [to] }
  ]
  const w = { name: 'w', type: 'float32' as const, dims: [1, 3, 1, 1], values: [0.6, 0.7, 0.8] }
  const spec: ModelSpec =
    kind === 'inpaint'
      ? {
          inputs: editInputs('inpaint'),
          outputs: [{ name: 'noise_pred', type: 'float32', shape }],
          nodes: [
            slice('x'),
            slice('masked'),
            { op: 'Mul', inputs: ['x', 'w'], outputs: ['xw'] },
            { op: 'Mul', inputs: ['masked', 'half'], outputs: ['mh'] },
            { op: 'Add', inputs: ['xw', 'mh'], outputs: ['noise_pred'] }
          ],
          initializers: [
            w,
            { name: 'half', type: 'float32', dims: [1], values: [0.5] },
            { name: 'axis1', type: 'int64', dims: [1], values: [1] },
            ...bounds('x', 0, 3),
            ...bounds('masked', 4, 7)
          ]
        }
      : {
          inputs: editInputs('sr'),
          outputs: [{ name: 'noise_pred', type: 'float32', shape }],
          nodes: [
            { op: 'Mul', inputs: ['sample', 'w'], outputs: ['xw'] },
            { op: 'GlobalAveragePool', inputs: ['low_res'], outputs: ['m'] },
            { op: 'Add', inputs: ['xw', 'm'], outputs: ['noise_pred'] }
          ],
          initializers: [w]
        }
  const files = writeOnnx(dir, 'model.onnx', spec)
  const manifest = denoiserManifest(id, files, spec, {
    tasks: [kind === 'inpaint' ? 'image.inpaint' : 'image.upscale'],
    sample: pixelSample(3, 16, kind === 'inpaint' ? 8 : 4),
    schedule: linearFloatSchedule,
    imageInputs:
      kind === 'inpaint'
        ? { inpaint: { kind: 'concat' } }
        : { upscale: { scale: 4, lowRes: { kind: 'input', input: 'low_res' } } },
    defaults: { sampler: 'euler', steps: 3, guidance: 1, schedule: 'model' }
  })
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2))
  return manifest
}

/**
 * Writes a tiny EDM edit model with a truncated chain at `root/id` (real .onnx + manifest): its raw output
 * is F = (σ/σ_data)·c_in·x (σ = e^{4·timestep}), so the denoiser D(x; σ) = c_skip·x + c_out·F is x itself
 * and every Euler step keeps x: the result is the chain's start plus σ_start·n. 'inpaint' takes
 * [x, mask, masked image] with the hole filled harmonically; 'sr' takes a low_res input. Chain σ_start
 * 0.02, σ_tail 0.01 ([-1, 1] pixels), so the start shows through with ≈ 2.5 levels of noise.
 */
export function writeTinyChainModel(
  root: string,
  id: string,
  kind: 'inpaint' | 'sr'
): ModelManifest {
  const dir = join(root, id)
  const shape = ['batch', 3, 'height', 'width'] as const
  const scale = [
    { op: 'Mul', inputs: ['timestep', 'four'], outputs: ['t4'] },
    { op: 'Exp', inputs: ['t4'], outputs: ['sigma'] },
    { op: 'Mul', inputs: ['sigma', 'inv_sd'], outputs: ['ratio'] },
    { op: 'Reshape', inputs: ['ratio', 'b111'], outputs: ['ratio4'] }
  ]
  const consts = [
    { name: 'four', type: 'float32' as const, dims: [1], values: [4] },
    { name: 'inv_sd', type: 'float32' as const, dims: [1], values: [2] },
    { name: 'b111', type: 'int64' as const, dims: [4], values: [-1, 1, 1, 1] }
  ]
  const spec: ModelSpec =
    kind === 'inpaint'
      ? {
          inputs: editInputs('inpaint'),
          outputs: [{ name: 'out', type: 'float32', shape }],
          nodes: [
            ...scale,
            { op: 'Slice', inputs: ['sample', 'x_s', 'x_e', 'axis1'], outputs: ['x'] },
            { op: 'Mul', inputs: ['x', 'ratio4'], outputs: ['out'] }
          ],
          initializers: [
            ...consts,
            { name: 'axis1', type: 'int64', dims: [1], values: [1] },
            { name: 'x_s', type: 'int64', dims: [1], values: [0] },
            { name: 'x_e', type: 'int64', dims: [1], values: [3] }
          ]
        }
      : {
          inputs: editInputs('sr'),
          outputs: [{ name: 'out', type: 'float32', shape }],
          nodes: [...scale, { op: 'Mul', inputs: ['sample', 'ratio4'], outputs: ['out'] }],
          initializers: consts
        }
  const files = writeOnnx(dir, 'model.onnx', spec)
  const chain = { sigmaStart: 0.02, sigmaTail: 0.01 }
  const manifest = denoiserManifest(id, files, spec, {
    tasks: [kind === 'inpaint' ? 'image.inpaint' : 'image.upscale'],
    parameterization: 'edm',
    schedule: { type: 'continuous', sigmaMin: 0.002, sigmaMax: 0.02, sigmaData: 0.5 },
    sample: pixelSample(3, 16, kind === 'inpaint' ? 8 : 4),
    imageInputs:
      kind === 'inpaint'
        ? { inpaint: { kind: 'concat', maskedImage: 'harmonic-fill', chain } }
        : { upscale: { scale: 4, chain, lowRes: { kind: 'input', input: 'low_res' } } },
    defaults: { sampler: 'euler', steps: 3, guidance: 1, schedule: 'model' }
  })
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2))
  return manifest
}

/**
 * Writes tiny stand-ins of the 3D contracts `root/id` for pipeline tests (real .onnx + manifest):
 * 'shapes' sample [batch, points, 3] + timestep + class_labels → out = sample·w (EDM, 3 classes, N 64);
 * 'edm' xh [batch, atoms, 9] + t [batch, 1] + node_mask → out = xh·w·mask (EDM's molecule contract,
 * polynomial schedule); 'edm-heavy' the same over heavy atoms with hydrogen counts, xh [batch, atoms, 13]
 * (C, N, O, F one-hot, hydrogen count 0 … 4 one-hot, Z); 'conformer' pos + timestep + atoms + edges +
 * node_mask → out = pos·w·mask.
 */
export function writeTiny3dModel(
  root: string,
  id: string,
  kind: 'shapes' | 'edm' | 'edm-heavy' | 'conformer'
): ModelManifest {
  const width = kind === 'edm-heavy' ? 13 : 9
  const dir = join(root, id)
  const f = 'float32' as const
  const spec: ModelSpec =
    kind === 'shapes'
      ? {
          inputs: [
            { name: 'sample', type: f, shape: ['batch', 'points', 3] },
            { name: 'timestep', type: f, shape: ['batch'] },
            { name: 'class_labels', type: 'int64', shape: ['batch'] }
          ],
          outputs: [{ name: 'out', type: f, shape: ['batch', 'points', 3] }],
          nodes: [{ op: 'Mul', inputs: ['sample', 'w'], outputs: ['out'] }],
          initializers: [{ name: 'w', type: f, dims: [1, 1, 3], values: [0.5, 0.6, 0.7] }]
        }
      : kind === 'edm' || kind === 'edm-heavy'
        ? {
            inputs: [
              { name: 'xh', type: f, shape: ['batch', 'atoms', width] },
              { name: 't', type: f, shape: ['batch', 1] },
              { name: 'node_mask', type: f, shape: ['batch', 'atoms', 1] }
            ],
            outputs: [{ name: 'out', type: f, shape: ['batch', 'atoms', width] }],
            nodes: [
              { op: 'Mul', inputs: ['xh', 'w'], outputs: ['a'] },
              { op: 'Mul', inputs: ['a', 'node_mask'], outputs: ['out'] }
            ],
            initializers: [
              {
                name: 'w',
                type: f,
                dims: [1, 1, width],
                values:
                  width === 9
                    ? [0, 0, 0, 0.3, 0.2, 0.1, 0.2, 0.3, 0]
                    : [0, 0, 0, 0.3, 0.2, 0.1, 0.2, 0.3, 0.2, 0.1, 0.2, 0.3, 0]
              }
            ]
          }
        : {
            inputs: [
              { name: 'pos', type: f, shape: ['batch', 'atoms', 3] },
              { name: 'timestep', type: f, shape: ['batch'] },
              { name: 'atoms', type: f, shape: ['batch', 'atoms', 6] },
              { name: 'edges', type: f, shape: ['batch', 'atoms', 'atoms', 7] },
              { name: 'node_mask', type: f, shape: ['batch', 'atoms', 1] }
            ],
            outputs: [{ name: 'out', type: f, shape: ['batch', 'atoms', 3] }],
            nodes: [
              { op: 'Mul', inputs: ['pos', 'w'], outputs: ['a'] },
              { op: 'Mul', inputs: ['a', 'node_mask'], outputs: ['out'] }
            ],
            initializers: [{ name: 'w', type: f, dims: [1, 1, 3], values: [0.1, 0.1, 0.1] }]
          }
  const files = writeOnnx(dir, 'model.onnx', spec)
  const edmContinuous: ModelManifest['schedule'] = {
    type: 'continuous',
    sigmaMin: 0.002,
    sigmaMax: 20,
    sigmaData: 0.5
  }
  const overrides: Partial<ModelManifest> =
    kind === 'shapes'
      ? {
          modality: 'point-cloud',
          tasks: ['point-cloud.generate', 'point-cloud.complete'],
          parameterization: 'edm',
          schedule: edmContinuous,
          conditioning: {
            type: 'class',
            classes: ['cube', 'ball', 'rod'],
            nullClass: 3,
            input: 'class_labels'
          },
          sample: {
            kind: 'point-cloud',
            points: 64,
            channels: 3,
            normalization: 'unit box',
            symmetry: 'x'
          },
          defaults: { sampler: 'euler', steps: 4, guidance: 2, schedule: 'model' }
        }
      : kind === 'edm' || kind === 'edm-heavy'
        ? {
            modality: 'molecule',
            tasks: ['molecule.generate'],
            parameterization: 'epsilon',
            schedule: {
              type: 'discrete',
              betaSchedule: 'polynomial',
              betaStart: 0.0001,
              betaEnd: 0.02,
              power: 2,
              precision: 1e-5,
              trainSteps: 1001,
              timestepScale: 1 / 1000,
              zeroTerminalSnr: false,
              timestepDtype: 'float32'
            },
            sample: {
              kind: 'molecule',
              maxAtoms: width === 9 ? 12 : 9,
              elements: width === 9 ? ['H', 'C', 'N', 'O', 'F'] : ['C', 'N', 'O', 'F'],
              features: {
                kind: 'joint',
                input: 'xh',
                maskInput: 'node_mask',
                positionScale: 1,
                oneHotScale: 4,
                chargeScale: 10,
                hydrogenCounts: width === 9 ? 0 : 4
              },
              atomCounts: width === 9 ? { '3': 2, '5': 1, '9': 1 } : { '2': 1, '4': 1, '7': 2 }
            },
            defaults: { sampler: 'euler', steps: 5, guidance: 1, schedule: 'model' }
          }
        : {
            modality: 'molecule',
            tasks: ['molecule.conformer'],
            parameterization: 'edm',
            schedule: edmContinuous,
            sample: {
              kind: 'molecule',
              maxAtoms: 29,
              elements: ['H', 'C', 'N', 'O', 'F'],
              features: {
                kind: 'graph',
                input: 'pos',
                atomsInput: 'atoms',
                edgesInput: 'edges',
                maskInput: 'node_mask',
                bondOrders: 3,
                pathLengths: 4
              }
            },
            defaults: { sampler: 'heun', steps: 4, guidance: 1, schedule: 'model' }
          }
  const manifest = denoiserManifest(id, files, spec, overrides)
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2))
  return manifest
}

/**
 * Class-conditional stand-ins of the audio (mel [batch, 1, 8, 16] at 2 kHz, hop 16) and video ([batch,
 * 3, 4, 4, 4]) contracts: ε̂ = 0.5·x (class ignored), 3 classes.
 */
export function writeTinyAvModel(root: string, id: string, kind: 'audio' | 'video'): ModelManifest {
  const dir = join(root, id)
  const f = 'float32' as const
  const shape = kind === 'audio' ? [1, 8, 16] : [3, 4, 4, 4]
  const spec: ModelSpec = {
    inputs: [
      { name: 'sample', type: f, shape: ['batch', ...shape] },
      { name: 'timestep', type: f, shape: ['batch'] },
      { name: 'class_labels', type: 'int64', shape: ['batch'] }
    ],
    outputs: [{ name: 'noise_pred', type: f, shape: ['batch', ...shape] }],
    nodes: [{ op: 'Mul', inputs: ['sample', 'w'], outputs: ['noise_pred'] }],
    initializers: [{ name: 'w', type: f, dims: [1], values: [0.5] }]
  }
  const files = writeOnnx(dir, 'unet.onnx', spec)
  const conditioning = {
    type: 'class' as const,
    classes: ['one', 'two', 'three'],
    nullClass: 3,
    input: 'class_labels'
  }
  const manifest = denoiserManifest(id, files, spec, {
    modality: kind,
    tasks:
      kind === 'audio' ? ['audio.generate', 'audio.inpaint', 'audio.extend'] : ['video.generate'],
    schedule: linearFloatSchedule,
    conditioning,
    sample:
      kind === 'audio'
        ? {
            kind: 'audio',
            representation: 'mel',
            channels: 1,
            sampleRate: 2000,
            mels: 8,
            frames: 16,
            nFft: 64,
            hop: 16,
            pad: 24,
            fMin: 0,
            fMax: 1000,
            powerFloor: 1e-4,
            logRange: [-4, 4],
            griffinLim: { iterations: 4, momentum: 0.99 }
          }
        : {
            kind: 'video',
            channels: 3,
            frames: 4,
            width: 4,
            height: 4,
            fps: 8,
            pixelRange: [-1, 1]
          },
    defaults: { sampler: 'euler', steps: 3, guidance: 2, schedule: 'model' }
  })
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2))
  return manifest
}
