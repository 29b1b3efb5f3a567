import type { ThumbScene } from './thumbs'

/** A small coloured label of a sample: valid, stable, novel; a class. */
export type Badge = { text: string; tone: 'ok' | 'bad' | 'info' | 'muted'; title?: string }

/** One sample of a batch in the grid. */
export type SampleItem = {
  /** The output's artifact index. */
  index: number
  /** Its place among the job's outputs, from 1 (artifact indices also count trajectories). */
  ordinal: number
  /** Thumbnail cache key (its URL). */
  key: string
  title: string
  badges: Badge[]
  build: () => Promise<ThumbScene>
}
