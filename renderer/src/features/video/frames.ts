// Decoding a clip file into frames for the player: animated WebP through the browser's ImageDecoder
// (WebCodecs), a PNG strip by slicing it into frames of the clip's height.

export interface Frames {
  readonly width: number
  readonly height: number
  readonly frames: readonly ImageBitmap[]
}

interface DecoderLike {
  readonly tracks: {
    readonly ready: Promise<void>
    readonly selectedTrack: { frameCount: number } | null
  }
  decode(options: { frameIndex: number }): Promise<{ image: VideoFrame }>
  close(): void
}
type DecoderCtor = new (init: { data: ArrayBuffer; type: string }) => DecoderLike

/**
 * Every frame of a clip artifact. @param height the clip's frame height (a PNG strip stacks them).
 * @throws Error when the browser cannot decode the file.
 */
export async function decodeFrames(url: string, mime: string, height: number): Promise<Frames> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`the clip could not be fetched (HTTP ${response.status})`)
  const data = await response.arrayBuffer()
  if (mime === 'image/png') {
    const strip = await createImageBitmap(new Blob([data], { type: mime }))
    const count = Math.max(1, Math.round(strip.height / height))
    const frames = await Promise.all(
      Array.from({ length: count }, (_, k) =>
        createImageBitmap(strip, 0, k * height, strip.width, height)
      )
    )
    return { width: strip.width, height, frames }
  }
  const Decoder = (globalThis as unknown as { ImageDecoder?: DecoderCtor }).ImageDecoder
  if (!Decoder)
    throw new Error('this browser has no ImageDecoder (WebCodecs) to read animated WebP')
  const decoder = new Decoder({ data, type: mime })
  try {
    await decoder.tracks.ready
    const count = decoder.tracks.selectedTrack?.frameCount ?? 1
    const frames: ImageBitmap[] = []
    for (let k = 0; k < count; k++) {
      const { image } = await decoder.decode({ frameIndex: k })
      frames.push(await createImageBitmap(image))
      image.close()
    }
    return { width: frames[0]?.width ?? 0, height: frames[0]?.height ?? 0, frames }
  } finally {
    decoder.close()
  }
}

/** The next frame when playing: wraps when looping, else stops at the last (returns -1 to stop). */
export function nextFrame(frame: number, count: number, loop: boolean): number {
  if (frame + 1 < count) return frame + 1
  return loop ? 0 : -1
}
