// The only module the renderer, preload, main and engine host all share: schemas and inferred types.
export * from './errors'
export * from './models'
export * from './jobs'
export * from './settings'
export * from './api'
export * from './engine'
