import type { Choice } from '../../lib/components/job/ChoiceField.svelte'

/** The files a molecule job writes (the engine's writers), the first the default. */
export const moleculeFormats: readonly Choice<string>[] = [
  {
    value: 'sdf',
    label: 'SDF',
    about: 'MDL V2000 with bond orders and charges; the recipe as a data item.'
  },
  {
    value: 'xyz',
    label: 'XYZ',
    about: 'Elements and coordinates only (bonds are perceived by readers).'
  },
  {
    value: 'pdb',
    label: 'PDB',
    about: 'HETATM records with CONECT bonds (a double bond listed twice).'
  }
]
