// The one function of node:fs that the renderer's unit tests use to read their fixture files. The
// renderer's type program leaves Node's types out (so none leak into the app); tests run under Node.
declare module 'node:fs' {
  export function readFileSync(path: URL): Uint8Array
  export function readFileSync(path: URL, encoding: 'utf8'): string
}
