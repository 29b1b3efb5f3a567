import { describe, expect, it } from 'vitest'
import { downloadRequestFor, findCatalogueEntry, loadCatalogue } from './catalogue'

describe('catalogue', () => {
  it('loads native-models/catalogue.json: valid, unique ids, nothing verified yet', async () => {
    const catalogue = await loadCatalogue()
    expect(catalogue.entries.length).toBeGreaterThanOrEqual(10)
    for (const entry of catalogue.entries) {
      expect(entry.verified).toBe(false)
      // A size is either a number with its source or explicitly unknown (null), never a guess.
      if (entry.sizeBytes === null) expect(entry.sizeSource).toMatch(/unknown/)
    }
    const sd15 = findCatalogueEntry(catalogue, 'sd15-onnx')!
    expect(sd15).toMatchObject({
      repo: 'stable-diffusion-v1-5/stable-diffusion-v1-5',
      revision: 'onnx'
    })
    expect(
      findCatalogueEntry(catalogue, 'ssube/stable-diffusion-x4-upscaler-onnx')?.warnings[0]
    ).toMatch(/backdoor/)
  })

  it('turns an entry into a download request with its file selection', async () => {
    const catalogue = await loadCatalogue()
    const request = downloadRequestFor(findCatalogueEntry(catalogue, 'lcm-dreamshaper-v7')!)
    expect(request).toMatchObject({
      repo: 'SimianLuo/LCM_Dreamshaper_v7',
      revision: 'main',
      id: 'lcm-dreamshaper-v7'
    })
    expect(request.include!('unet/model.onnx_data')).toBe(true)
    expect(request.include!('unet/diffusion_pytorch_model.safetensors')).toBe(false)
    const narrowed = downloadRequestFor({
      ...findCatalogueEntry(catalogue, 'sd15-onnx')!,
      exclude: ['safety_checker/']
    })
    expect(narrowed.include!('safety_checker/model.onnx')).toBe(false)
    expect(narrowed.include!('unet/weights.pb')).toBe(true)
  })
})
