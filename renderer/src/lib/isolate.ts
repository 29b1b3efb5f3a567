/**
 * Makes everything on the page but `element` (and `keep`) inert while a modal is open: the siblings of
 * `element` and of each of its ancestors up to <body> get `inert` (no focus, no pointer, hidden from
 * assistive technology), as ARIA's modal dialog pattern asks. Returns the undo (it restores exactly
 * the elements it changed).
 */
export function isolate(element: HTMLElement, keep: readonly Element[] = []): () => void {
  const changed: HTMLElement[] = []
  for (let node: HTMLElement | null = element; node && node !== document.body;) {
    const parent: HTMLElement | null = node.parentElement
    for (const sibling of parent?.children ?? []) {
      if (sibling === node || keep.includes(sibling) || !(sibling instanceof HTMLElement)) continue
      if (sibling.inert) continue
      sibling.inert = true
      changed.push(sibling)
    }
    node = parent
  }
  return () => {
    for (const el of changed) el.inert = false
  }
}
