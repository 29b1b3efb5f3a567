#!/usr/bin/env node
// `npm run icons`: the Linux icon set (assets/icons/NxN.png, the sizes desktop environments look up)
// from assets/icon.png (1024²). electron-builder makes the macOS .icns and the Windows .ico from
// assets/icon.png itself.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'

export const iconSizes = [16, 24, 32, 48, 64, 128, 256, 512]
const assets = join(import.meta.dirname, '..', 'assets')
mkdirSync(join(assets, 'icons'), { recursive: true })
for (const size of iconSizes) {
  await sharp(join(assets, 'icon.png'))
    .resize(size, size, { kernel: 'lanczos3' })
    .png({ compressionLevel: 9 })
    .toFile(join(assets, 'icons', `${size}x${size}.png`))
}
process.stdout.write(`assets/icons: ${iconSizes.map((s) => `${s}x${s}`).join(', ')}\n`)
