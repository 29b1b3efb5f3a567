// ESLint: typescript-eslint + svelte, and the layer rule that keeps the architecture honest.
import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import { dirname, relative, resolve } from 'node:path'
import ts from 'typescript-eslint'

const root = import.meta.dirname

/**
 * Who may import whom. `from` is a folder (relative to the repo); `allow` lists the folders its relative
 * imports may reach; `packages` is the allow-list of bare imports (true = any package except `deny`).
 */
const layers = [
  {
    from: 'renderer',
    allow: ['renderer', 'main/contract'],
    packages: true,
    deny: /^(node:|electron$|onnxruntime|better-sqlite3|pngjs|ws$|tsx)/
  },
  { from: 'main/contract', allow: ['main/contract'], packages: ['zod'] },
  { from: 'main/engine/diffusion', allow: ['main/engine/diffusion'], packages: [] },
  { from: 'main/app/preload.ts', allow: ['main/contract'], packages: ['electron', 'zod'] },
  {
    from: 'main/engine',
    allow: [
      'main/engine',
      'main/contract',
      'main/models',
      'main/storage/atomic-file.ts',
      'main/app/paths.ts',
      'main/app/version.ts'
    ],
    packages: true,
    deny: /^electron$/
  },
  {
    from: 'main/models',
    allow: [
      'main/models',
      'main/contract',
      'main/storage',
      'main/engine/runtime',
      'main/app/paths.ts'
    ],
    packages: true,
    deny: /^(onnxruntime-node|electron)$/
  }
]

const layerRule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const file = relative(root, context.filename)
    const layer = layers.find((l) => file === l.from || file.startsWith(l.from + '/'))
    if (!layer || /\.test\.ts$/.test(file) || file.includes('/testing/')) return {}
    const check = (node, source) => {
      if (typeof source !== 'string') return
      if (source.startsWith('.')) {
        const target = relative(root, resolve(dirname(context.filename), source))
        const inside = (a) => {
          const base = a.replace(/\.ts$/, '')
          return target === base || target === a || target.startsWith(base + '/')
        }
        if (!layer.allow.some(inside)) {
          context.report({
            node,
            message: `${layer.from} may not import ${target} (layers: see docs/architecture.md)`
          })
        }
      } else {
        const ok =
          layer.packages === true
            ? !(layer.deny && layer.deny.test(source))
            : layer.packages.includes(source)
        if (!ok)
          context.report({ node, message: `${layer.from} may not import the package "${source}"` })
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value)
    }
  }
}

export default ts.config(
  {
    ignores: [
      'node_modules',
      'out',
      'dist',
      'test-results',
      'playwright-report',
      'native-models/train',
      '**/*.mjs'
    ]
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { studio: { rules: { layers: layerRule } } },
    rules: {
      'studio/layers': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
      ],
      '@typescript-eslint/consistent-type-imports': 'error'
    }
  },
  {
    files: ['renderer/**/*.{ts,svelte}', 'renderer/**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] }
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } }
  }
)
