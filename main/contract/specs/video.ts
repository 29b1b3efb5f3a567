import { z } from 'zod'
import { samplingFields } from '../sampling'

// Specs of the video tasks: clips [C, F, H, W] of pixel frames.

/** The most frames a job makes. */
export const maxVideoFrames = 256

/**
 * Video generation. More frames than the model's window: one long clip denoised by overlapping windows
 * of frames whose estimates are averaged with cross-fade weights at every step (MultiDiffusion); `loop`
 * wraps the frame axis so the last frame leads into the first.
 */
export const VideoGenerateSpecSchema = z.object({
  task: z.literal('video.generate'),
  /** Class name for class-conditional models. */
  label: z.string().min(1).max(64).optional(),
  /** Frames; default the model's window. */
  frames: z.number().int().min(2).max(maxVideoFrames).optional(),
  /** Playback rate written into the file, frames per second; default the model's. */
  fps: z.number().min(1).max(60).optional(),
  loop: z.boolean().default(false),
  trajectoryEvery: z.number().int().min(0).max(1000).default(0),
  ...samplingFields
})
export type VideoGenerateSpec = z.infer<typeof VideoGenerateSpecSchema>

export const videoSpecSchemas = [VideoGenerateSpecSchema] as const
