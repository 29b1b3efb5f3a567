/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): {
  step(i: number, n: number, stage?: string): void
  /** Prints something between progress updates without mangling the bar. */
  interrupt(print: () => void): void
  done(): void
} {
  let lastPlain = -1
  let drawn = false
  return {
    /** `i` steps of `n` are done. */
    step(i, n, stage) {
      const fraction = i / n
      if (stream.isTTY) {
        const width = 30
        const filled = Math.round(fraction * width)
        stream.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${i}/${n}${stage ? ` ${stage}` : ''}`
        )
        drawn = true
      } else {
        const decile = Math.floor(fraction * 10)
        if (decile !== lastPlain || i === n) {
          lastPlain = decile
          stream.write(`step ${i}/${n}${stage ? ` (${stage})` : ''}\n`)
        }
      }
    },
    interrupt(print) {
      if (drawn) stream.write('\n')
      drawn = false
      print()
    },
    done() {
      if (drawn) stream.write('\n')
      drawn = false
    }
  }
}
