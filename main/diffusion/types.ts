// The one convention of the toolbox (k-diffusion "σ-space", Karras et al. 2022, EDM):
// every model is a denoiser D(x; σ) with x = x0 + σ·n, and every sampler walks a σ list that ends at 0.
// Pure TypeScript: nothing here may import Node, Electron or onnxruntime.

/** A dense tensor in row-major order. `shape[0]` is always the batch: `[B, ...]` (images `[B, C, H, W]`). */
export interface Tensor {
  readonly shape: readonly number[]
  readonly data: Float64Array
}

/** D(x; σ): the model's estimate of the clean sample x0 given x = x0 + σ·n. One σ for the whole batch. */
export type Denoiser = (x: Tensor, sigma: number) => Promise<Tensor>

/**
 * Seeded Gaussian noise with one independent stream per batch element, so sample b gets the same noise
 * whatever the batch size (see rng/philox.ts for the algorithm).
 */
export interface NoiseSource {
  /** Standard normal noise of `shape` ([B, ...]); element b draws the next numbers of stream b. */
  randn(shape: readonly number[]): Tensor
}

export interface StepInfo {
  /** Step index, 0-based. */
  readonly i: number
  /** Number of steps (sigmas.length - 1). */
  readonly n: number
  readonly sigma: number
  readonly sigmaNext: number
  /** Current sample after this step. */
  readonly x: Tensor
  /** The model's x0 estimate at this step (for previews). */
  readonly denoised: Tensor
}

/** Free numeric/boolean/string knobs of a sampler (η, churn, order, …); each sampler documents its own. */
export type SamplerExtra = Readonly<Record<string, number | boolean | string>>

export interface SamplerOptions {
  readonly noise: NoiseSource
  readonly onStep?: (info: StepInfo) => void
  /** Checked before every denoiser call; an aborted signal throws SamplingCancelled. */
  readonly signal?: AbortSignal
  readonly extra?: SamplerExtra
}

/**
 * Every sampler has this signature. `x` is the starting sample already at noise level sigmas[0]
 * (for generation: noise · sigmas[0]); `sigmas` is strictly ordered and, for generation, ends at 0.
 */
export type Sampler = (
  denoise: Denoiser,
  x: Tensor,
  sigmas: Float64Array,
  options: SamplerOptions
) => Promise<Tensor>

export interface SamplerParam {
  readonly name: string
  readonly description: string
  readonly default: number | boolean | string
  readonly min?: number
  readonly max?: number
  readonly choices?: readonly string[]
}

export interface SamplerInfo {
  /** Stable id used by the CLI, the UI and saved recipes (kebab-case, e.g. "dpmpp-2m"). */
  readonly name: string
  /** Human label, e.g. "DPM-Solver++ (2M)". */
  readonly label: string
  /** One line. */
  readonly description: string
  /** Order of accuracy of the deterministic part (weak order for purely stochastic samplers). */
  readonly order: number
  /** Denoiser calls per step. */
  readonly callsPerStep: number
  readonly stochastic: boolean
  /** 'sample' (default) walks σ down to 0; 'invert' walks it up (image → noise). */
  readonly purpose?: 'sample' | 'invert'
  /** Paper, with equation or algorithm number. */
  readonly reference: string
  /**
   * Step counts where it gives clean results (measured on the starter model: docs/benchmarks.md,
   * "Steps per sampler"); absent = any count from 1, default 20.
   */
  readonly steps?: { readonly min: number; readonly default: number }
  readonly params: readonly SamplerParam[]
  readonly sample: Sampler
}

/** Thrown by a sampler when its AbortSignal fires; it is always raised between denoiser calls. */
export class SamplingCancelled extends Error {
  constructor() {
    super('sampling cancelled')
    this.name = 'SamplingCancelled'
  }
}
