// Prompt emphasis in the A1111 syntax (the de-facto standard of SD front ends):
//   (word) ×1.1, ((word)) ×1.21, [word] ÷1.1, (word:1.5) ×1.5, nesting multiplies, \( \) \[ \] literal.
// Pure: text in, weighted segments out. Unbalanced brackets are taken literally, never an error.

export interface WeightedSegment {
  readonly text: string
  readonly weight: number
}

const up = 1.1
const down = 1 / 1.1

/**
 * Splits a prompt into segments with their emphasis weights, merging neighbours of equal weight.
 * "a (red:1.5) [cat]" → [{a , 1}, {red, 1.5}, { , 1}, {cat, 0.909…}].
 */
export function parsePromptWeights(prompt: string): WeightedSegment[] {
  type Open = { kind: '(' | '['; at: number }
  const chars: { ch: string; weight: number }[] = []
  const stack: Open[] = []
  // First pass: find matching pairs and explicit weights.
  const pairs = new Map<number, { close: number; weight: number }>()
  for (let i = 0; i < prompt.length; i++) {
    const ch = prompt[i]
    if (ch === '\\') {
      i++
      continue
    }
    if (ch === '(' || ch === '[') stack.push({ kind: ch, at: i })
    else if (ch === ')' || ch === ']') {
      const want = ch === ')' ? '(' : '['
      const index = findLast(stack, want)
      if (index < 0) continue
      const open = stack[index]
      stack.splice(index)
      let weight = open.kind === '(' ? up : down
      if (open.kind === '(') {
        const inner = prompt.slice(open.at + 1, i)
        const explicit = /:\s*([+-]?\d+(?:\.\d+)?)\s*$/.exec(inner)
        if (explicit) weight = Number(explicit[1])
      }
      pairs.set(open.at, { close: i, weight })
    }
  }
  const closes = new Set([...pairs.values()].map((p) => p.close))
  // Second pass: walk, multiplying the weights of the open pairs around each character.
  const active: { close: number; weight: number; colon?: number }[] = []
  let weight = 1
  for (let i = 0; i < prompt.length; i++) {
    while (active.length && active.at(-1)!.close === i) {
      weight /= active.pop()!.weight
    }
    const ch = prompt[i]
    if (closes.has(i)) continue
    const pair = pairs.get(i)
    if (pair) {
      const inner = prompt.slice(i + 1, pair.close)
      const colon = /:\s*[+-]?\d+(?:\.\d+)?\s*$/.exec(inner)
      active.push({
        close: pair.close,
        weight: pair.weight,
        colon: colon ? i + 1 + colon.index : undefined
      })
      weight *= pair.weight
      continue
    }
    // Skip an explicit ":1.5" suffix inside its parentheses.
    const inColon = active.find((a) => a.colon !== undefined && i >= a.colon && i < a.close)
    if (inColon) continue
    if (ch === '\\' && i + 1 < prompt.length) {
      chars.push({ ch: prompt[++i], weight })
      continue
    }
    chars.push({ ch, weight })
  }
  const out: WeightedSegment[] = []
  for (const { ch, weight: w } of chars) {
    const last = out.at(-1)
    if (last && Math.abs(last.weight - w) < 1e-12)
      out[out.length - 1] = { text: last.text + ch, weight: w }
    else out.push({ text: ch, weight: w })
  }
  return out.filter((s) => s.text.length > 0)
}

function findLast(stack: readonly { kind: string }[], kind: string): number {
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k].kind === kind) return k
  return -1
}
