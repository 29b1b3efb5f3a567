/** "every step", "every 5 steps", "off": how a 3D job kept its denoising trajectory. */
export function trajectoryText(every: number): string {
  return every === 0 ? 'off' : every === 1 ? 'every step' : `every ${every} steps`
}
