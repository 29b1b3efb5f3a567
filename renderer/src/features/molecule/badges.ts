// What a molecule output's metadata says, as grid badges and a summary line: whole-molecule validity
// (valences hold and the atoms make one molecule) with the fragment count, stability, novelty.
import type { Artifact } from '../../lib/contract'
import type { Badge } from '../../lib/three/samples'

type MoleculeArtifact = Extract<Artifact, { kind: 'molecule' }>

export function moleculeBadges(a: MoleculeArtifact): Badge[] {
  const out: Badge[] = []
  if (a.fragments === undefined) {
    // A record from before whole-molecule validity: its `valid` is EDM's largest-fragment validity.
    if (a.valid !== undefined) {
      out.push(
        a.valid
          ? {
              text: 'valid (largest fragment)',
              tone: 'muted',
              title:
                "EDM's validity: the largest fragment obeys valence; whether it is one molecule was not recorded"
            }
          : { text: 'invalid', tone: 'bad', title: 'Perceived bonds break valence' }
      )
    }
  } else if (a.valid) {
    out.push({
      text: 'valid',
      tone: 'ok',
      title: 'Perceived bonds obey valence and make one molecule'
    })
  } else if (a.largestFragmentValid) {
    out.push({
      text: `${a.fragments} fragments`,
      tone: 'bad',
      title:
        `Not one molecule: valences hold, but the atoms make ${a.fragments} separate fragments ` +
        "(EDM's validity, which keeps the largest fragment, counts it valid)"
    })
  } else {
    out.push({
      text: 'invalid',
      tone: 'bad',
      title: `Perceived bonds break valence${a.fragments > 1 ? ` (${a.fragments} fragments)` : ''}`
    })
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
