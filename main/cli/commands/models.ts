import { StudioError } from '../../contract'
import {
  discardPartialDownload,
  downloadModel,
  importModel,
  listCatalogue,
  listModels,
  removeModel,
  verifyModel
} from '../../models/commands'
import type { DownloadProgress } from '../../models/download/progress'
import { formatBytes } from '../../models/files'
import { parseFlags } from '../main'

const out = (text: string): void => void process.stdout.write(text + '\n')

/** Prints `value` as JSON with --json, else the human line; exit code 0. */
function report(asJson: boolean | undefined, value: unknown, line: string): number {
  out(asJson ? JSON.stringify(value, null, 2) : line)
  return 0
}

function progressLine(p: DownloadProgress): string {
  const total = p.total ? ` / ${formatBytes(p.total)}` : ''
  const eta = p.etaSeconds !== undefined ? `, ${Math.ceil(p.etaSeconds)} s left` : ''
  return `${p.phase} ${p.file ?? ''} ${formatBytes(p.bytes)}${total} at ${formatBytes(p.bytesPerSecond)}/s${eta}`
}

/** `models list | catalogue | verify [id] | remove <id> | import <dir> | download <repo>[@rev] | discard <repo>[@rev]` */
export async function modelsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseFlags(rest, {
    json: { type: 'boolean' },
    id: { type: 'string' },
    name: { type: 'string' },
    licence: { type: 'string' },
    token: { type: 'string' }
  })
  const [target] = positionals
  const need = (what: string): string => {
    if (!target) throw new StudioError('invalid-request', `models ${sub} needs ${what}.`)
    return target
  }
  switch (sub) {
    case 'list': {
      const listing = await listModels()
      if (values.json) return report(true, listing, '')
      for (const m of listing.models) {
        const problem = m.problem ? ` — ${m.problem}` : ''
        out(
          `${m.manifest.id.padEnd(24)} ${m.manifest.modality.padEnd(12)} ${m.origin.padEnd(10)} ${m.status}${problem}`
        )
      }
      for (const p of listing.problems) out(`(not a usable model) ${p.dir}: ${p.problem}`)
      for (const d of listing.partialDownloads) out(`(paused download) ${JSON.stringify(d)}`)
      return 0
    }
    case 'catalogue': {
      const entries = await listCatalogue()
      if (values.json) return report(true, entries, '')
      for (const e of entries) {
        const size = e.sizeBytes ? formatBytes(e.sizeBytes) : 'size unknown'
        out(
          `${e.id.padEnd(28)} ${e.repo}@${e.revision}  ${size}  ${e.studioSupport}${e.verified ? '' : ' (not yet verified)'}`
        )
      }
      return 0
    }
    case 'verify': {
      const results = await verifyModel(target)
      if (values.json) report(true, results, '')
      else {
        for (const r of results) {
          const bad = r.files
            .filter((f) => !f.ok)
            .map((f) => `${f.path}: ${f.problem ?? 'mismatch'}`)
          out(`${r.id.padEnd(24)} ${r.ok ? 'ok' : `FAILED — ${bad.join('; ')}`}`)
        }
      }
      if (results.some((r) => !r.ok))
        throw new StudioError('model-corrupt', 'Some model files do not match their manifest.')
      return 0
    }
    case 'remove': {
      const removed = await removeModel(need('a model id'))
      return report(values.json, removed, `removed ${removed.id} (${removed.dir})`)
    }
    case 'import': {
      const summary = await importModel(need('a folder or .onnx file'), {
        id: values.id,
        name: values.name,
        licence: values.licence
      })
      for (const w of summary.warnings) process.stderr.write(`warning: ${w}\n`)
      return report(values.json, summary, `imported ${summary.id} into ${summary.dir}`)
    }
    case 'download': {
      const [repo, revision] = need('a repository (owner/name[@revision]) or a catalogue id').split(
        '@'
      )
      const controller = new AbortController()
      const onSigint = () => controller.abort()
      process.once('SIGINT', onSigint)
      try {
        const summary = await downloadModel(repo, revision, {
          signal: controller.signal,
          token: values.token,
          id: values.id,
          name: values.name,
          onProgress: (p) =>
            process.stderr.write(progressLine(p) + (process.stderr.isTTY ? '\r' : '\n'))
        })
        for (const w of [...summary.catalogueWarnings, ...summary.warnings])
          process.stderr.write(`warning: ${w}\n`)
        return report(values.json, summary, `installed ${summary.id} into ${summary.dir}`)
      } catch (error) {
        if (controller.signal.aborted) {
          throw new StudioError('cancelled', 'Paused: run the same command again to resume.')
        }
        throw error
      } finally {
        process.off('SIGINT', onSigint)
      }
    }
    case 'discard': {
      const [repo, revision] = need('a repository').split('@')
      const result = await discardPartialDownload(repo, revision)
      return report(values.json, result, result.discarded ? 'discarded' : 'nothing to discard')
    }
    default:
      throw new StudioError(
        'invalid-request',
        `Unknown models subcommand "${sub ?? ''}". Use: list, catalogue, verify, remove, import, download, discard.`
      )
  }
}
