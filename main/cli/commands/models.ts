import type { Command } from 'commander'
import { StudioError, invokeContract, describeIssues } from '../../contract'
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

/** Parses `owner/name[@revision]` the way the web API does, before any network call. */
function repoAndRevision(
  target: string,
  id?: string
): { repo: string; revision?: string; id?: string } {
  const at = target.lastIndexOf('@')
  const request = {
    repo: at > 0 ? target.slice(0, at) : target,
    ...(at > 0 ? { revision: target.slice(at + 1) } : {}),
    ...(id ? { id } : {})
  }
  const parsed = invokeContract.startDownload.request.safeParse(request)
  if (!parsed.success) throw new StudioError('invalid-request', describeIssues(parsed.error))
  return { repo: parsed.data.repo, revision: parsed.data.revision, id: parsed.data.id }
}

/** `models list | catalogue | verify [id] | remove <id> | import <path> | download <repo>[@rev] | discard <repo>[@rev]` */
export function registerModelsCommand(program: Command, exit: (code: number) => void): void {
  const models = program
    .command('models')
    .description('installed models, the catalogue, import, download, verify, remove')
    .action(() => {
      models.outputHelp()
      exit(0)
    })
  models
    .command('list')
    .description('installed models and their status')
    .option('--json', 'print JSON')
    .action(async (values: { json?: boolean }) => {
      const listing = await listModels()
      if (values.json) return exit(report(true, listing, ''))
      for (const m of listing.models) {
        const problem = m.problem ? ` — ${m.problem}` : ''
        out(
          `${m.manifest.id.padEnd(24)} ${m.manifest.tasks.join(',').padEnd(30)} ${m.origin.padEnd(10)} ${m.status}${problem}`
        )
      }
      for (const p of listing.problems) out(`(not a usable model) ${p.dir}: ${p.problem}`)
      for (const d of listing.partialDownloads)
        out(`(paused download) ${d.repo}@${d.revision} ${formatBytes(d.bytes)}`)
      exit(0)
    })
  models
    .command('catalogue')
    .description('known community ONNX exports')
    .option('--json', 'print JSON')
    .action(async (values: { json?: boolean }) => {
      const entries = await listCatalogue()
      if (values.json) return exit(report(true, entries, ''))
      for (const e of entries) {
        const size = e.sizeBytes ? formatBytes(e.sizeBytes) : 'size unknown'
        out(
          `${e.id.padEnd(28)} ${e.repo}@${e.revision}  ${size}  ${e.studioSupport}${e.verified ? '' : ' (not yet verified)'}`
        )
      }
      exit(0)
    })
  models
    .command('verify')
    .description('check every file of a model (or all) against its sha256')
    .argument('[id]', 'model id (default: all)')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, values: { json?: boolean }) => {
      const results = await verifyModel(id)
      if (values.json) report(true, results, '')
      else {
        for (const r of results) {
          const bad = r.files
            .filter((f) => !f.ok)
            .map((f) => `${f.path}: ${f.problem ?? 'mismatch'}`)
          out(`${r.id.padEnd(24)} ${r.ok ? 'ok' : `FAILED — ${bad.join('; ')}`}`)
        }
      }
      if (results.some((r) => !r.ok)) {
        throw new StudioError('model-corrupt', 'Some model files do not match their manifest.')
      }
      exit(0)
    })
  models
    .command('remove')
    .description('remove an imported or downloaded model')
    .argument('<id>', 'model id')
    .option('--json', 'print JSON')
    .action(async (id: string, values: { json?: boolean }) => {
      const removed = await removeModel(id)
      exit(report(values.json, removed, `removed ${removed.id} (${removed.dir})`))
    })
  models
    .command('import')
    .description(
      'import a diffusers/optimum ONNX folder, a studio model folder, or one .onnx with a sidecar JSON'
    )
    .argument('<path>', 'folder or .onnx file')
    .option('--id <id>', 'model id (default: from the folder name)')
    .option('--name <name>', 'display name')
    .option('--licence <licence>', 'licence, when the model card does not say')
    .option('--json', 'print JSON')
    .action(
      async (
        path: string,
        values: { id?: string; name?: string; licence?: string; json?: boolean }
      ) => {
        const summary = await importModel(path, {
          id: values.id,
          name: values.name,
          licence: values.licence
        })
        for (const w of summary.warnings) process.stderr.write(`warning: ${w}\n`)
        exit(report(values.json, summary, `imported ${summary.id} into ${summary.dir}`))
      }
    )
  models
    .command('download')
    .description('download a hub repository or catalogue entry (resumes a paused one)')
    .argument('<repo>', 'owner/name[@revision] or a catalogue id')
    .option('--token <token>', 'access token for gated repositories (default: $HF_TOKEN)')
    .option('--id <id>', 'model id')
    .option('--name <name>', 'display name')
    .option('--json', 'print JSON')
    .action(
      async (
        target: string,
        values: { token?: string; id?: string; name?: string; json?: boolean }
      ) => {
        const { repo, revision, id } = repoAndRevision(target, values.id)
        const controller = new AbortController()
        const onSigint = () => controller.abort()
        process.once('SIGINT', onSigint)
        try {
          const summary = await downloadModel(repo, revision, {
            signal: controller.signal,
            token: values.token,
            id,
            name: values.name,
            onProgress: (p) =>
              process.stderr.write(progressLine(p) + (process.stderr.isTTY ? '\r' : '\n'))
          })
          for (const w of [...summary.catalogueWarnings, ...summary.warnings])
            process.stderr.write(`warning: ${w}\n`)
          exit(report(values.json, summary, `installed ${summary.id} into ${summary.dir}`))
        } catch (error) {
          if (controller.signal.aborted) {
            throw new StudioError('cancelled', 'Paused: run the same command again to resume.')
          }
          throw error
        } finally {
          process.off('SIGINT', onSigint)
        }
      }
    )
  models
    .command('discard')
    .description('delete a paused download')
    .argument('<repo>', 'owner/name[@revision]')
    .option('--json', 'print JSON')
    .action(async (target: string, values: { json?: boolean }) => {
      const { repo, revision } = repoAndRevision(target)
      const result = await discardPartialDownload(repo, revision)
      exit(report(values.json, result, result.discarded ? 'discarded' : 'nothing to discard'))
    })
}
