// Video clips as files: animated WebP (sharp, lossless, the recipe in its XMP) or a PNG strip (frames
// stacked vertically, the recipe in a text chunk, as images carry it).
import sharp from 'sharp'
import type { RgbaImage } from './image'
import { encodePng } from './png'

export interface Clip {
  readonly width: number
  readonly height: number
  /** RGBA8 frames, width·height·4 bytes each. */
  readonly frames: readonly Uint8Array[]
  readonly fps: number
}

/** One tall RGBA image of the frames stacked top to bottom. */
export function frameStrip(clip: Clip): RgbaImage {
  const size = clip.width * clip.height * 4
  const data = new Uint8Array(size * clip.frames.length)
  clip.frames.forEach((f, k) => data.set(f, k * size))
  return { width: clip.width, height: clip.height * clip.frames.length, data }
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Animated WebP, lossless, looping forever, one delay of 1000/fps ms per frame; the recipe in XMP. */
export async function encodeAnimatedWebp(clip: Clip, recipe: string): Promise<Uint8Array> {
  const strip = frameStrip(clip)
  const xmp =
    `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">` +
    `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ` +
    `xmlns:ds="https://diffusion.studio/ns/1.0/" ds:recipe="${escapeXml(recipe)}"/></rdf:RDF>` +
    `</x:xmpmeta><?xpacket end="w"?>`
  const delay = Math.round(1000 / clip.fps)
  const out = await sharp(Buffer.from(strip.data), {
    raw: { width: strip.width, height: strip.height, channels: 4, pageHeight: clip.height }
  })
    .webp({ lossless: true, loop: 0, delay: clip.frames.map(() => delay) })
    .withXmp(xmp)
    .toBuffer()
  return new Uint8Array(out)
}

/** A PNG strip of the frames with the recipe as `diffusion-studio` text. */
export function encodeFrameStrip(clip: Clip, recipe: string): Uint8Array {
  return new Uint8Array(encodePng(frameStrip(clip), { 'diffusion-studio': recipe }))
}
