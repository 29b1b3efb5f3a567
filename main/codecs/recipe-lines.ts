// A recipe string carried in line comments of text formats (PLY `comment`, OBJ `#`, PDB `REMARK`):
// written as a JSON string literal with every non-ASCII character escaped (\uXXXX), split into
// chunks of about `width` characters, each on its own comment line; read back by concatenating
// the chunks and parsing the literal. Lossless for any string (newlines, tabs, emoji), ASCII-only
// in the file. A space at a chunk's edge is escaped, so tools that trim lines cannot break it.

/** The recipe as chunks of JSON string-literal text, each 1 … `width` + 5 characters. */
export function recipeChunks(recipe: string, width = 200): string[] {
  const literal = JSON.stringify(recipe).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  // Tokens: one character, or one escape sequence (\n, \", \uXXXX), never split.
  const tokens = literal.match(/\\u[0-9a-f]{4}|\\.|[^\\]/g) ?? []
  const chunks: string[] = []
  let current: string[] = []
  let length = 0
  const flush = () => {
    // A space at either end of a line is written as \u0020, which JSON reads back as a space.
    if (current[0] === ' ') current[0] = '\\u0020'
    if (current[current.length - 1] === ' ') current[current.length - 1] = '\\u0020'
    chunks.push(current.join(''))
    current = []
    length = 0
  }
  for (const token of tokens) {
    if (length + token.length > Math.max(width, 8)) flush()
    current.push(token)
    length += token.length
  }
  if (current.length > 0) flush()
  return chunks
}

/** The recipe from its chunks, or undefined when they do not form one JSON string literal. */
export function recipeFromChunks(chunks: readonly string[]): string | undefined {
  if (chunks.length === 0) return undefined
  try {
    const value: unknown = JSON.parse(chunks.join(''))
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}
