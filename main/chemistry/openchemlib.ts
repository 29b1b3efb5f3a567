// openchemlib, loaded at its first use: 1.1 MB of JavaScript (about 60 ms of CPU to parse) that only
// molecule work needs, while every command and every engine start imports the task registry, which
// imports chemistry. Node ≥ 20.19 (the studio's floor) and Electron require an ES module synchronously.
import { createRequire } from 'node:module'
import type * as OCL from 'openchemlib'

const require = createRequire(import.meta.url)
let loaded: typeof OCL | undefined

/** The openchemlib module (loaded on the first call). */
export function ocl(): typeof OCL {
  return (loaded ??= require('openchemlib') as typeof OCL)
}
