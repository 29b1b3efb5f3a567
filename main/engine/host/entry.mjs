// Starts the engine host from TypeScript sources (web host and CLI). Electron loads the bundled host instead.
import { register } from 'tsx/esm/api'

register()
await import('./host.ts')
