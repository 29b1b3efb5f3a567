import { z } from 'zod'
import { InputRefSchema } from '../inputs'
import { samplingFields } from '../sampling'

// Specs of the audio tasks: clips as the model's mel images, inverted to waveforms (Griffin-Lim where
// the model has no vocoder). Times are seconds.

/** The longest clip a job makes or edits, seconds. */
export const maxAudioSeconds = 120

const clip = {
  /** Class name for class-conditional models (the manifest's conditioning.classes). */
  label: z.string().min(1).max(64).optional(),
  /** Keep every `trajectoryEvery`-th step's x0 estimate (a mel image) beside each output; 0 keeps none. */
  trajectoryEvery: z.number().int().min(0).max(1000).default(0),
  /**
   * WAV sample format: 16-bit PCM or 32-bit float. Default: PCM16 for new clips; an edited clip keeps
   * its input's format (so its untouched samples stay byte-identical).
   */
  encoding: z.enum(['pcm16', 'float32']).optional()
}

/**
 * Audio generation. A clip longer than the model's window is one long mel image denoised by overlapping
 * windows whose estimates are averaged with cross-fade weights at every step (MultiDiffusion, Bar-Tal
 * et al. 2023); `loop` wraps the time axis so the end meets the start.
 */
export const AudioGenerateSpecSchema = z.object({
  task: z.literal('audio.generate'),
  /** Length, seconds; default the model's window. */
  seconds: z.number().positive().max(maxAudioSeconds).optional(),
  /** A seamless loop: the time axis is circular at every step (windows wrap, shifted each step). */
  loop: z.boolean().default(false),
  ...clip,
  ...samplingFields
})
export type AudioGenerateSpec = z.infer<typeof AudioGenerateSpecSchema>

/** A time region of a clip, seconds: [start, end), with `feather` seconds of cross-fade inside each edge. */
export const AudioRegionSchema = z
  .object({
    start: z.number().nonnegative(),
    end: z.number().positive(),
    feather: z.number().nonnegative().max(5).default(0.05)
  })
  .refine((r) => r.end > r.start, { message: 'the region must end after it starts' })
export type AudioRegion = z.infer<typeof AudioRegionSchema>

/**
 * Regenerate a region of a clip (WAV): the mel frames outside it are held fixed (RePaint, Lugmayr et al.
 * 2022) while the region is generated; the new audio is cross-faded in over the feather and every sample
 * outside the region is the input's, byte for byte.
 */
export const AudioInpaintSpecSchema = z.object({
  task: z.literal('audio.inpaint'),
  source: InputRefSchema,
  region: AudioRegionSchema,
  ...clip,
  ...samplingFields
})
export type AudioInpaintSpec = z.infer<typeof AudioInpaintSpecSchema>

/**
 * Continue a clip (WAV) by `seconds`: outpainting in time, the clip's last window held fixed (RePaint) and
 * the frames after it generated; the input's samples come first, unchanged.
 */
export const AudioExtendSpecSchema = z.object({
  task: z.literal('audio.extend'),
  source: InputRefSchema,
  seconds: z.number().positive().max(maxAudioSeconds),
  ...clip,
  ...samplingFields
})
export type AudioExtendSpec = z.infer<typeof AudioExtendSpecSchema>

export const audioSpecSchemas = [
  AudioGenerateSpecSchema,
  AudioInpaintSpecSchema,
  AudioExtendSpecSchema
] as const
