/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): {
  step(i: number, n: number): void
  done(): void
} {
  let lastPlain = -1
  return {
    step(i, n) {
      const fraction = (i + 1) / n
      if (stream.isTTY) {
        const width = 30
        const filled = Math.round(fraction * width)
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${i + 1}/${n}`)
      } else {
        const decile = Math.floor(fraction * 10)
        if (decile !== lastPlain || i + 1 === n) {
          lastPlain = decile
          stream.write(`step ${i + 1}/${n}\n`)
        }
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n')
    }
  }
}
