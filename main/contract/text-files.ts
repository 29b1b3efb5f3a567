// How every text reader of the studio (OBJ, the PLY header, XYZ, MOL/SDF, PDB, SMILES lists), in the
// engine and in the window alike, turns a file's bytes into lines, so both sides count the same
// points and atoms: UTF-8 with or without its byte-order mark; line ends LF, CRLF or a lone CR (old
// Mac); UTF-16 and UTF-32 (with a byte-order mark, or NUL bytes that betray them) refused with a
// sentence that says how to fix the file. Pure: TextDecoder only (Node and browsers).
import { StudioError } from './errors'

/** Any line end: CRLF, LF or a lone CR. Split with this, never with /\r?\n/. */
export const lineBreak = /\r\n|\r|\n/

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

/** Byte length of a leading UTF-8 byte-order mark (EF BB BF): 3, or 0 when there is none. */
export function utf8BomLength(bytes: Uint8Array): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
}

/**
 * The encoding a file's first bytes give away when it is not UTF-8 (or ASCII): 'UTF-32' / 'UTF-16'
 * from a byte-order mark, or from NUL bytes in its first 4 KiB (which no text format here contains);
 * undefined for UTF-8 text.
 */
export function foreignEncoding(bytes: Uint8Array): 'UTF-16' | 'UTF-32' | undefined {
  const [a, b, c, d] = bytes
  if (
    (a === 0xff && b === 0xfe && c === 0 && d === 0) ||
    (a === 0 && b === 0 && c === 0xfe && d === 0xff)
  )
    return 'UTF-32'
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) return 'UTF-16'
  const head = bytes.subarray(0, 4096)
  let nul = 0
  for (const byte of head) if (byte === 0) nul++
  if (nul === 0) return undefined
  // UTF-32 text of ASCII has three NULs per character, UTF-16 one.
  return nul * 4 >= head.length * 3 - 4 ? 'UTF-32' : 'UTF-16'
}

/**
 * The text of a text file (`what` names it in the error, e.g. "OBJ"): UTF-8 decoded, a leading
 * byte-order mark dropped. Line ends are left as they are; split with `lineBreak`.
 * @throws StudioError bad-input for UTF-16 or UTF-32 text, naming the encoding and the fix.
 */
export function textOfFile(bytes: Uint8Array, what: string): string {
  const foreign = foreignEncoding(bytes)
  if (foreign) {
    throw new StudioError(
      'bad-input',
      `The ${what} file is ${foreign} text (or holds NUL bytes); save it as UTF-8 or ASCII and try again.`
    )
  }
  return utf8.decode(bytes.subarray(utf8BomLength(bytes)))
}

/** `textOfFile` for text that may already be a string (a leading U+FEFF is dropped). */
export function textOf(data: Uint8Array | string, what: string): string {
  return typeof data === 'string'
    ? data.charCodeAt(0) === 0xfeff
      ? data.slice(1)
      : data
    : textOfFile(data, what)
}

/** The lines of a text (any line end). */
export function linesOf(text: string): string[] {
  return text.split(lineBreak)
}
