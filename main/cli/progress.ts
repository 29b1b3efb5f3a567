/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): {
  step(i: number, n: number): void
  done(): void
} {
  let lastPlain = -1
  return {
    /** `i` steps of `n` are done. */
    step(i, n) {
      const fraction = i / n
      if (stream.isTTY) {
        const width = 30
        const filled = Math.round(fraction * width)
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${i}/${n}`)
      } else {
        const decile = Math.floor(fraction * 10)
        if (decile !== lastPlain || i === n) {
          lastPlain = decile
          stream.write(`step ${i}/${n}\n`)
        }
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n')
    }
  }
}
