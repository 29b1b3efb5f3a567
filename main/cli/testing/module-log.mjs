// Preloaded with `node --import` by startup.test.ts: writes every module the process loads to the file
// named by STUDIO_MODULE_LOG, one URL a line: ES modules through the loader's hooks (module-log-hooks.mjs,
// which run in their own thread) and, when the process exits, every CommonJS module in require's cache
// (packages such as onnxruntime-node and sharp are CommonJS, loaded by import or by require).
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'

const file = process.env.STUDIO_MODULE_LOG
if (file) {
  register('./module-log-hooks.mjs', import.meta.url, { data: { file } })
  const cache = createRequire(import.meta.url).cache
  process.on('exit', () => {
    const urls = Object.keys(cache).map((path) => pathToFileURL(path).href)
    appendFileSync(file, urls.map((url) => url + '\n').join(''))
  })
}
