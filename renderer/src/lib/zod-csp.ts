import { z } from 'zod'

// Zod 4 probes `new Function('')` when the first object schema is built, to decide whether it may
// JIT-compile parsers. Under the renderer's CSP (no 'unsafe-eval') the probe fails harmlessly but is
// reported as a securitypolicyviolation. Jitless mode skips the probe. This module must be evaluated
// before anything that defines schemas (main/contract), so main.ts imports it first.
z.config({ jitless: true })
