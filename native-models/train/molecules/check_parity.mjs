// Same generic parity check as ../shapes/check_parity.mjs (named inputs from parity.json).
// Usage (from the repo root): node native-models/train/molecules/check_parity.mjs native-models/starter/qm9-mini-edm
await import('../shapes/check_parity.mjs')
