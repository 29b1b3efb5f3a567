// The picture of a molecule output for the history and the grid (drawn by the shared renderer).
import { loadText } from '../../lib/three/load'
import type { ThumbScene } from '../../lib/three/thumbs'
import { readMolecule } from './files'
import { MoleculeView } from './molecule-view'

export async function moleculeThumb(url: string, path: string): Promise<ThumbScene> {
  const molecule = readMolecule(await loadText(url), path)
  const view = new MoleculeView()
  view.set(molecule, { style: 'ball-and-stick', hydrogens: true })
  return { object: view.object, positions: molecule.positions }
}
