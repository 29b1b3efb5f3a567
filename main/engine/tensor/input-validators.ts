// Validators of the input store, by kind: each decodes enough to refuse a bad file with a clear message.
import type { InputFacts, InputKind } from '../../contract'
import { probeImage } from './image-io'

async function image(bytes: Uint8Array): Promise<InputFacts> {
  const probe = await probeImage(bytes)
  const recipe =
    (probe.text['diffusion-studio'] ?? probe.text.parameters)
      ? {
          ...(probe.text['diffusion-studio']
            ? { studio: probe.text['diffusion-studio'].slice(0, 20000) }
            : {}),
          ...(probe.text.parameters ? { parameters: probe.text.parameters.slice(0, 20000) } : {})
        }
      : undefined
  return {
    mime: probe.mime,
    width: probe.width,
    height: probe.height,
    notes: [...probe.notes],
    ...(recipe ? { recipe } : {})
  }
}

export const inputValidators: Partial<
  Record<InputKind, (bytes: Uint8Array) => Promise<InputFacts>>
> = {
  image,
  mask: image
}
