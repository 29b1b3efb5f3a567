/** "every step", "every 5 steps", "off": how a 3D job kept its denoising trajectory. */
export function trajectoryText(every: number): string {
  return every === 0 ? 'off' : every === 1 ? 'every step' : `every ${every} steps`
}

/** The field every 3D task form has: keep every n-th denoising step for replay (0 keeps none). */
export type TrajectoryFields = { trajectoryEvery: number }
