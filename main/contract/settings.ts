import { z } from 'zod'
import { DeviceSchema } from './jobs'

export const SettingsSchema = z.object({
  device: DeviceSchema.default('auto'),
  /** 0 lets onnxruntime choose. */
  cpuThreads: z.number().int().min(0).max(256).default(0),
  /** Session pool budget; least recently used sessions are released above it. */
  memoryBudgetMB: z.number().int().min(64).max(1_048_576).default(4096),
  /** Live previews every N steps (0 turns them off). */
  previewEvery: z.number().int().min(0).max(100).default(1)
})
export type Settings = z.infer<typeof SettingsSchema>
export const SettingsPatchSchema = SettingsSchema.partial()
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>
