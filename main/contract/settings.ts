import { z } from 'zod'
import { DeviceSchema } from './sampling'

const fields = {
  device: DeviceSchema,
  /** 0 lets onnxruntime choose. */
  cpuThreads: z.number().int().min(0).max(256),
  /** Session pool budget; least recently used sessions are released above it. */
  memoryBudgetMB: z.number().int().min(64).max(1_048_576),
  /** Live previews every N steps (0 turns them off). */
  previewEvery: z.number().int().min(0).max(100)
}

export const SettingsSchema = z.object({
  device: fields.device.default('auto'),
  cpuThreads: fields.cpuThreads.default(0),
  memoryBudgetMB: fields.memoryBudgetMB.default(4096),
  previewEvery: fields.previewEvery.default(1)
})
export type Settings = z.infer<typeof SettingsSchema>

/** A change to some settings: absent fields keep their saved values (no defaults filled in here). */
export const SettingsPatchSchema = z.object(fields).partial()
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>
