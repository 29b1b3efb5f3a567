import type { MoleculeStyle } from './molecule-view'

/** How molecules are drawn, shared by every molecule view and kept while the window is open. */
export const moleculeSettings = $state<{
  style: MoleculeStyle
  hydrogens: boolean
  labels: boolean
}>({
  style: 'ball-and-stick',
  hydrogens: true,
  labels: false
})
