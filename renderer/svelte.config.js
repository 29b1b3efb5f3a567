// Read by @sveltejs/vite-plugin-svelte (root: renderer/). Runes everywhere: no legacy component syntax.
export default {
  compilerOptions: { runes: true }
}
