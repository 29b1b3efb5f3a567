import { describe, expect, it } from 'vitest'
import type { CatalogueEntry, InstalledModel, ModelEvent } from '../contract'
import {
  activeFor,
  afterCancel,
  applyModelEvent,
  dismissable,
  reconcileDownloads,
  runningIds,
  catalogueSize,
  endsDownload,
  formatBytes,
  formatMegabytes,
  formatEta,
  modelSize,
  sizeChips,
  progressFraction,
  progressText,
  removable,
  startedDownload,
  type DownloadView
} from './model-downloads'

const progress = (bytes: number, extra: Partial<ModelEvent> = {}): ModelEvent =>
  ({
    type: 'download-progress',
    downloadId: 'd1',
    repo: 'org/tiny',
    bytes,
    total: 1000,
    bytesPerSecond: 100,
    etaSeconds: (1000 - bytes) / 100,
    file: 'unet/model.onnx',
    ...extra
  }) as ModelEvent

describe('applyModelEvent', () => {
  it('follows one download from start to done', () => {
    let list: DownloadView[] = [startedDownload('d1', 'tiny-model')]
    list = applyModelEvent(list, progress(250))
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      status: 'running',
      bytes: 250,
      total: 1000,
      repo: 'tiny-model'
    })
    expect(progressFraction(list[0])).toBe(0.25)
    expect(progressText(list[0])).toBe('250 B / 1000 B · 100 B/s · 8 s left')
    list = applyModelEvent(list, {
      type: 'download-done',
      downloadId: 'd1',
      id: 'tiny',
      warnings: ['w']
    })
    expect(list[0]).toMatchObject({ status: 'done', installedId: 'tiny', warnings: ['w'] })
    expect(progressFraction(list[0])).toBe(1)
  })

  it('pauses, fails with the contract title, and adds downloads it did not start', () => {
    let list = applyModelEvent([], progress(10, { downloadId: 'other' }))
    expect(list.map((d) => [d.downloadId, d.repo])).toEqual([['other', 'org/tiny']])
    list = applyModelEvent(list, { type: 'download-paused', downloadId: 'other' })
    expect(list[0]).toMatchObject({ status: 'paused', bytes: 10, bytesPerSecond: 0 })
    expect(progressText(list[0])).toBe('10 B / 1000 B')
    list = applyModelEvent(list, {
      type: 'download-failed',
      downloadId: 'other',
      error: { code: 'gated', message: 'Add a token.' }
    })
    expect(list[0].status).toBe('failed')
    expect(list[0].error).toMatchObject({ code: 'gated', message: 'Add a token.' })
    expect(list[0].error?.title).toBeTruthy()
    const odd = applyModelEvent([], {
      type: 'download-failed',
      downloadId: 'x',
      error: { code: 'made-up', message: 'm' }
    })
    expect(odd[0].error?.code).toBe('internal')
  })

  it('does not mutate the list it is given', () => {
    const list = [startedDownload('d1', 'org/tiny')]
    const next = applyModelEvent(list, progress(5))
    expect(list[0].bytes).toBe(0)
    expect(next).not.toBe(list)
  })

  it('knows which events end a download and which repo is busy', () => {
    expect(endsDownload({ type: 'download-paused', downloadId: 'd' })).toBe(false)
    expect(endsDownload({ type: 'download-done', downloadId: 'd', id: 'x', warnings: [] })).toBe(
      true
    )
    const list = applyModelEvent([startedDownload('d1', 'org/tiny')], progress(1))
    expect(activeFor(list, 'org/tiny')?.downloadId).toBe('d1')
    expect(
      activeFor(applyModelEvent(list, { type: 'download-paused', downloadId: 'd1' }), 'org/tiny')
    ).toBeUndefined()
  })
})

describe('display helpers', () => {
  it('formats sizes, unknown sizes and times left', () => {
    expect(formatBytes(undefined)).toBe('size unknown')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 kB')
    expect(formatBytes(3.2 * 1024 ** 3)).toBe('3.2 GB')
    expect(formatEta(undefined)).toBe('')
    expect(formatEta(42)).toBe('42 s left')
    expect(formatEta(302)).toBe('5m 02s left')
    expect(formatEta(7260)).toBe('2h 01m left')
    expect(catalogueSize({ sizeBytes: null } as CatalogueEntry)).toBe('size unknown')
    expect(catalogueSize({ sizeBytes: 2048 } as CatalogueEntry)).toBe('2.0 kB')
  })

  it('sums a model’s files and lets only user models be removed', () => {
    const model = {
      origin: 'imported',
      manifest: { files: [{ size: 10 }, { size: 5 }] }
    } as unknown as InstalledModel
    expect(modelSize(model)).toBe(15)
    expect(removable(model)).toBe(true)
    expect(removable({ ...model, origin: 'starter' })).toBe(false)
  })

  it('names what each size chip measures: files on disk, memory to run', () => {
    const model = {
      origin: 'starter',
      manifest: { files: [{ size: 3_984_588 }], memoryEstimateMB: 64 }
    } as unknown as InstalledModel
    expect(sizeChips(model).map((c) => c.text)).toEqual(['3.8 MB on disk', '~64 MB to run'])
    expect(formatMegabytes(1536)).toBe('1.5 GB')
  })
})

describe('stuck rows', () => {
  const running = (id: string): DownloadView => ({
    ...startedDownload(id, 'org/tiny'),
    bytes: 5,
    bytesPerSecond: 50,
    etaSeconds: 3
  })

  it('a pause the host answers with cancelled:false marks the row paused', () => {
    const list = [running('a'), running('b')]
    expect(afterCancel(list, 'a', true)).toBe(list)
    const next = afterCancel(list, 'a', false)
    expect(next.map((d) => d.status)).toEqual(['paused', 'running'])
    expect(next[0]).toMatchObject({ bytes: 5, bytesPerSecond: 0, etaSeconds: undefined })
    expect(dismissable(next[0])).toBe(true)
    // A row that already ended keeps its state.
    const done = { ...running('c'), status: 'done' as const }
    expect(afterCancel([done], 'c', false)[0].status).toBe('done')
  })

  it('after a refresh, running rows the host does not run are paused', () => {
    const failed = { ...running('f'), status: 'failed' as const }
    const list = [running('a'), running('b'), running('late'), failed]
    const checked = runningIds(list).filter((id) => id !== 'late') // 'late' started after the scan was asked for
    expect(checked).toEqual(['a', 'b'])
    const next = reconcileDownloads(
      list,
      [{ downloadId: 'b', repo: 'org/tiny', revision: 'main' }],
      checked
    )
    expect(next.map((d) => [d.downloadId, d.status])).toEqual([
      ['a', 'paused'],
      ['b', 'running'],
      ['late', 'running'],
      ['f', 'failed']
    ])
    expect(next.map(dismissable)).toEqual([true, false, false, true])
    expect(activeFor(next, 'org/tiny')?.downloadId).toBe('b')
  })
})
