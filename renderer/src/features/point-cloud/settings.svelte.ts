import type { ColorMode } from './points-view'

/** How point clouds are drawn, shared by every point-cloud view and kept while the window is open. */
export const pointSettings = $state<{ size: number; colorMode: ColorMode }>({
  size: 3,
  colorMode: 'rgb'
})
