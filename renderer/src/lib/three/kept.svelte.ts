import { keptOf, parseDiscarded, toggleDiscard, type Discarded } from './kept'

const key = 'diffusion-studio.discarded'

function load(): Discarded {
  try {
    return parseDiscarded(localStorage.getItem(key))
  } catch {
    return {}
  }
}

/** The samples discarded in each job's grid, remembered across reloads. */
class DiscardedSamples {
  state = $state<Discarded>(load())

  isKept = (jobId: string, index: number): boolean => !(this.state[jobId] ?? []).includes(index)

  toggle = (jobId: string, index: number): void => {
    this.state = toggleDiscard(this.state, jobId, index)
    try {
      localStorage.setItem(key, JSON.stringify(this.state))
    } catch {
      // Not remembered; fine.
    }
  }

  kept = (jobId: string, indices: readonly number[]): number[] => keptOf(this.state, jobId, indices)
}

export const discarded = new DiscardedSamples()
