// What a molecule output's metadata says, as grid badges and a summary line.
import type { Artifact } from '../../lib/contract'
import type { Badge } from '../../lib/three/samples'

type MoleculeArtifact = Extract<Artifact, { kind: 'molecule' }>

export function moleculeBadges(a: MoleculeArtifact): Badge[] {
  const out: Badge[] = []
  if (a.valid !== undefined) {
    out.push(
      a.valid
        ? { text: 'valid', tone: 'ok', title: 'Perceived bonds obey valence' }
        : {
            text: 'invalid',
            tone: 'bad',
            title: 'Perceived bonds break valence or do not form a molecule'
          }
    )
  }
  if (a.stable !== undefined) {
    out.push(
      a.stable
        ? { text: 'stable', tone: 'ok', title: 'Every atom has an allowed valence' }
        : {
            text:
              a.atomStability !== undefined
                ? `${Math.round(100 * a.atomStability)} % atoms`
                : 'unstable',
            tone: 'muted',
            title: 'Share of atoms with an allowed valence'
          }
    )
  }
  if (a.novel) out.push({ text: 'novel', tone: 'info', title: 'Not in the training set' })
  return out
}
