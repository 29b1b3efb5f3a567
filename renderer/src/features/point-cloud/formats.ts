import type { Choice } from '../../lib/components/job/ChoiceField.svelte'

/** The files a point-cloud job writes (the engine's writers), the first the default. */
export const cloudFormats: readonly Choice<string>[] = [
  { value: 'ply', label: 'PLY', about: 'Binary little-endian PLY; the recipe in its comments.' },
  { value: 'obj', label: 'OBJ', about: 'Vertices only (v lines); read by almost every 3D tool.' },
  { value: 'glb', label: 'GLB', about: 'Binary glTF with one POINTS primitive.' }
]
