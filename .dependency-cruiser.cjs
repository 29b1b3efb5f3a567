// The layer graph (docs/architecture.md, "Layers"), checked by `npm run lint` with dependency-cruiser.
// A layer may import only the layers listed for it; no import cycles anywhere. Tests and `testing/`
// helpers may reach across layers (they build fixtures), but never form cycles.

/** Folders of main/ from the bottom up, and what each may import besides itself. */
const layers = {
  contract: [],
  platform: ['contract'],
  onnx: ['contract', 'platform'],
  diffusion: [],
  geometry: [],
  chemistry: ['contract', 'geometry'],
  text: [],
  tasks: ['contract', 'diffusion', 'geometry', 'chemistry'],
  models: ['contract', 'platform', 'onnx'],
  storage: ['contract', 'platform'],
  'engine/runtime': ['contract', 'platform', 'onnx', 'models'],
  codecs: ['contract', 'platform', 'geometry', 'chemistry'],
  'engine/preflight': ['contract', 'platform', 'models'],
  'engine/pipelines': [
    'contract',
    'platform',
    'tasks',
    'models',
    'diffusion',
    'engine/runtime',
    'codecs',
    'engine/preflight',
    'geometry',
    'chemistry',
    'text'
  ],
  'engine/host': [
    'contract',
    'platform',
    'tasks',
    'models',
    'engine/runtime',
    'engine/preflight',
    'engine/pipelines',
    'diffusion'
  ],
  'engine/bench': [
    'contract',
    'platform',
    'tasks',
    'models',
    'onnx',
    'diffusion',
    'engine/runtime',
    'codecs',
    'engine/pipelines',
    'geometry',
    'chemistry',
    'text'
  ],
  jobs: ['contract', 'platform', 'tasks', 'models', 'storage'],
  ipc: ['contract', 'platform', 'tasks', 'models', 'storage', 'jobs', 'codecs'],
  'web-host': ['contract', 'platform', 'ipc'],
  app: ['contract', 'platform', 'ipc', 'jobs', 'models', 'storage'],
  cli: [
    'contract',
    'platform',
    'onnx',
    'tasks',
    'models',
    'storage',
    'jobs',
    'ipc',
    'web-host',
    'diffusion',
    'engine/bench',
    'codecs',
    'geometry',
    'chemistry'
  ]
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const folder = (name) => `^main/${escape(name)}/`
/** A module that is not a test or a test helper. */
const production = '(?<!\\.test)\\.(ts|svelte|mjs)$'
const testOnly = '(\\.test\\.ts$|/testing/)'

const allowed = [
  // Tests and helpers: anything but the renderer↔main split (checked below).
  { from: { path: testOnly }, to: {} },
  // Packages and Node built-ins are checked by the package rules in `forbidden`.
  {
    from: {},
    to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'core', 'npm-no-pkg', 'npm-unknown'] }
  },
  // Scripts, configs and e2e specs outside main/ and renderer/.
  { from: { pathNot: '^(main|renderer)/' }, to: {} },
  ...Object.entries(layers).map(([name, below]) => ({
    from: { path: folder(name) + '.*' + production },
    to: { path: [name, ...below].map(folder) }
  })),
  // `dist` reads the packaging config at the root.
  {
    from: { path: '^main/cli/commands/dist(-worker)?\\.ts$' },
    to: { path: '^electron\\.config\\.ts$' }
  },
  // The preload sees only the contract.
  { from: { path: '^main/app/preload\\.ts$' }, to: { path: folder('contract') } },
  // The renderer sees only itself and the contract.
  { from: { path: '^renderer/' }, to: { path: ['^renderer/', folder('contract')] } }
]

module.exports = {
  allowed,
  allowedSeverity: 'error',
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Import cycles make layers meaningless and initialisation order fragile.',
      severity: 'error',
      from: {},
      to: { circular: true }
    },
    {
      name: 'preload-only-contract',
      comment: 'The preload of a sandboxed window may use electron, zod and the contract only.',
      severity: 'error',
      from: { path: '^main/app/preload\\.ts$' },
      to: {
        pathNot: ['^main/contract/', 'node_modules/(electron|zod)/'],
        dependencyTypesNot: ['core']
      }
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer runs sandboxed in a browser: no Node built-ins or main-side packages.',
      severity: 'error',
      from: { path: '^renderer/src/' },
      to: {
        path: 'node_modules/(electron|onnxruntime-node|better-sqlite3|pngjs|ws|tsx|sharp|commander)/'
      }
    },
    {
      name: 'renderer-no-core',
      severity: 'error',
      from: { path: '^renderer/src/', pathNot: testOnly },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'pure-math',
      comment: 'The diffusion toolbox is pure TypeScript: no Node, no packages.',
      severity: 'error',
      from: { path: '^main/diffusion/', pathNot: testOnly },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional'] }
    },
    {
      name: 'pure-geometry',
      comment: 'Point-cloud geometry and metrics are pure TypeScript: no Node, no packages.',
      severity: 'error',
      from: { path: '^main/geometry/', pathNot: testOnly },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional'] }
    },
    {
      name: 'chemistry-packages',
      comment:
        'Chemistry may use openchemlib and nothing else from npm; no Node built-ins but node:module in ' +
        'chemistry/openchemlib.ts (it requires openchemlib at its first use).',
      severity: 'error',
      from: {
        path: '^main/chemistry/',
        pathNot: ['(\\.test\\.ts$|/testing/)', '^main/chemistry/openchemlib\\.ts$']
      },
      to: {
        dependencyTypesNot: ['local'],
        pathNot: ['node_modules/openchemlib/', 'node_modules/zod/']
      }
    },
    {
      name: 'chemistry-openchemlib-loader',
      comment: 'The lazy loader of openchemlib: node:module and openchemlib, nothing else.',
      severity: 'error',
      from: { path: '^main/chemistry/openchemlib\\.ts$' },
      to: {
        dependencyTypesNot: ['local'],
        pathNot: ['node_modules/openchemlib/', '^(node:)?module$']
      }
    },
    {
      name: 'text-packages',
      comment:
        'Prompt handling is pure: @huggingface/tokenizers and nothing else, no Node built-ins.',
      severity: 'error',
      from: { path: '^main/text/', pathNot: testOnly },
      to: {
        dependencyTypesNot: ['local'],
        pathNot: ['node_modules/@huggingface/tokenizers/']
      }
    },
    {
      name: 'pure-tasks',
      comment:
        'The task registry is pure: contract and diffusion only, no Node and no packages but zod.',
      severity: 'error',
      from: { path: '^main/tasks/', pathNot: testOnly },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'pure-tasks-packages',
      severity: 'error',
      from: { path: '^main/tasks/', pathNot: testOnly },
      to: { dependencyTypes: ['npm', 'npm-dev'], pathNot: 'node_modules/zod/' }
    },
    {
      name: 'contract-only-zod',
      severity: 'error',
      from: { path: '^main/contract/', pathNot: testOnly },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev'], pathNot: 'node_modules/zod/' }
    },
    {
      name: 'ort-only-in-engine',
      comment: 'onnxruntime-node loads only in the engine host process.',
      severity: 'error',
      from: { path: '^main/', pathNot: ['^main/engine/', testOnly] },
      to: { path: 'node_modules/onnxruntime-node/' }
    },
    {
      name: 'electron-only-in-app',
      severity: 'error',
      from: { path: '^main/', pathNot: ['^main/app/', testOnly] },
      to: { path: 'node_modules/electron/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|out|dist|test-results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.svelte.ts', '.svelte', '.js', '.mjs', '.cjs', '.json']
    },
    skipAnalysisNotInRules: false
  }
}
