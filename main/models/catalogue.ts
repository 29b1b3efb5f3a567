// The catalogue of known community ONNX exports (native-models/catalogue.json): what exists, where, how
// big, under which licence, and whether the studio has run it (`verified`).
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { CatalogueEntrySchema, StudioError, describeIssues, type CatalogueEntry } from '../contract'
import type { DownloadRequest } from './download/manager'
import { defaultInclude } from './download/manager'

export { CatalogueEntrySchema, type CatalogueEntry }

export const CatalogueSchema = z.object({
  schemaVersion: z.literal(1),
  note: z.string().optional(),
  entries: z.array(CatalogueEntrySchema)
})
export type Catalogue = z.infer<typeof CatalogueSchema>

/** native-models/catalogue.json, found from this file's place (main/models/catalogue.ts). */
export const defaultCataloguePath = fileURLToPath(
  new URL('../../native-models/catalogue.json', import.meta.url)
)

export async function loadCatalogue(path = defaultCataloguePath): Promise<Catalogue> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new StudioError(
      'internal',
      `The model catalogue ${path} cannot be read: ${(error as Error).message}`
    )
  }
  const parsed = CatalogueSchema.safeParse(raw)
  if (!parsed.success)
    throw new StudioError(
      'internal',
      `The model catalogue ${path} is invalid: ${describeIssues(parsed.error)}`
    )
  const ids = new Set<string>()
  for (const entry of parsed.data.entries) {
    if (ids.has(entry.id))
      throw new StudioError('internal', `The model catalogue ${path} lists ${entry.id} twice.`)
    ids.add(entry.id)
  }
  return parsed.data
}

export function findCatalogueEntry(
  catalogue: Catalogue,
  idOrRepo: string
): CatalogueEntry | undefined {
  return catalogue.entries.find((e) => e.id === idOrRepo || e.repo === idOrRepo)
}

/** The download request for an entry (its file selection, id and name). */
export function downloadRequestFor(entry: CatalogueEntry): DownloadRequest {
  const under = (prefixes: string[], path: string) =>
    prefixes.some((p) => path === p || path.startsWith(p))
  const include = (path: string) =>
    (entry.include ? under(entry.include, path) : defaultInclude(path)) &&
    !under(entry.exclude ?? [], path)
  return {
    repo: entry.repo,
    revision: entry.revision,
    include,
    id: entry.id,
    name: entry.name,
    licence: entry.licence
  }
}
