// One command per task CLI definition (main/tasks): its options come from the task registry, so help,
// types and defaults are written once. Tasks that share a command (`generate`) are told apart by
// --modality.
import { join, resolve } from 'node:path'
import { Option, type Command } from 'commander'
import type { z } from 'zod'
import {
  JobSpecSchema,
  SettingsSchema,
  StudioError,
  describeIssues,
  fieldSchema,
  modalityOf,
  runnableTaskIds,
  taskFormats,
  type RunnableTaskId
} from '../../contract'
import { dataDir, modelRoots } from '../../platform/paths'
import { assertThreadsFit } from '../../platform/machine'
import { samplingOptions, taskDefinition, type CliOption } from '../../tasks'
import { collectExtra, deviceValue, intValue, numberValue, schemaValue } from '../flags'
import { existingOutputs, outputTarget, writableFolder } from '../paths'

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/**
 * A commander option for a task option. A number is checked while the command line is read against the
 * schema of the spec field it sets (the first of the command's tasks that has it), so `--steps 0` is a
 * usage error naming the range.
 */
function toOption(option: CliOption, schemas: readonly z.ZodType[]): Option {
  const placeholder =
    option.type === 'boolean'
      ? ''
      : ` <${option.input ? 'file' : option.type === 'list' ? 'key=value' : option.type === 'int' ? 'int' : option.type}>`
  const flags = `${option.short ? `-${option.short}, ` : ''}--${option.flag}${placeholder}`
  // The spec's own default applies when an option is absent, so help states it in words.
  const o = new Option(
    flags,
    option.description + (option.defaultText ? ` (default: ${option.defaultText})` : '')
  )
  if (option.choices) o.choices(option.choices)
  if (option.required) o.makeOptionMandatory()
  if (option.type === 'int' || option.type === 'number') {
    const path = (option.field ?? camel(option.flag)).split('.')
    const field = schemas.map((s) => fieldSchema(s, path)).find((f) => f !== undefined)
    o.argParser(
      field ? schemaValue(field, option.flag) : option.type === 'int' ? intValue : numberValue
    )
  }
  if (option.type === 'list') o.argParser(collectExtra)
  if (option.flag === 'device') o.argParser(deviceValue)
  return o
}

/** Registers the task commands (generate, img2img, …) on the program. */
export function registerTaskCommands(program: Command, exit: (code: number) => void): void {
  const byCommand = new Map<string, RunnableTaskId[]>()
  for (const task of runnableTaskIds) {
    const command = taskDefinition(task).cli.command
    byCommand.set(command, [...(byCommand.get(command) ?? []), task])
  }
  for (const [name, tasks] of byCommand) {
    const definitions = tasks.map((t) => taskDefinition(t))
    const command = program
      .command(name)
      .description(definitions.map((d) => d.cli.summary).join('; '))
    const seen = new Set<string>()
    if (tasks.length > 1) {
      command.addOption(
        new Option('--modality <modality>', 'what to generate')
          .choices(tasks.map(modalityOf))
          .default(modalityOf(tasks[0]))
      )
    }
    for (const option of [...definitions.flatMap((d) => d.cli.options), ...samplingOptions]) {
      if (seen.has(option.flag)) continue
      seen.add(option.flag)
      command.addOption(
        toOption(
          option,
          definitions.map((d) => d.schema)
        )
      )
    }
    // What each task writes (contract/formats.ts), by modality where a command has several.
    const writes = tasks.map((t) => {
      const exts = taskFormats[t].map((f) => `.${f.ext}`).join(', ')
      return tasks.length > 1 ? `${modalityOf(t)} ${exts}` : exts
    })
    command
      .addOption(
        new Option(
          '-o, --out <file>',
          `output file (${writes.join('; ')}); --count N writes FILE-1, FILE-2, …`
        ).makeOptionMandatory()
      )
      .addOption(
        new Option('--threads <int>', 'CPU threads (0: onnxruntime decides)')
          .argParser(
            schemaValue(SettingsSchema.shape.cpuThreads, 'threads', ' (0: onnxruntime decides)')
          )
          .default(0)
      )
      .option('--json', 'print one JSON result object on stdout')
      .option('--overwrite', 'replace existing output files (refused otherwise)')
    const examples = definitions.flatMap((d) => d.cli.examples ?? [])
    if (examples.length) {
      command.addHelpText(
        'after',
        `\nExamples:\n${examples.map((e) => `  diffusion-studio ${e}`).join('\n')}`
      )
    }
    command.action(async (values: Record<string, unknown>, self: Command) => {
      const modality = values.modality as string | undefined
      const task = tasks.find((t) => !modality || modalityOf(t) === modality) ?? tasks[0]
      refuseForeignOptions(task, tasks, (flag) => self.getOptionValueSource(camel(flag)))
      exit(await runTaskCommand(task, values))
    })
  }
}

/**
 * A command shared by several tasks (`generate`) has every one's options; the chosen task takes only
 * its own and the sampling ones. One given for another task is refused before anything is read or
 * created, naming the task and the options it takes (never dropped in silence).
 * @throws StudioError invalid-request (exit 2).
 */
export function refuseForeignOptions(
  task: RunnableTaskId,
  tasks: readonly RunnableTaskId[],
  sourceOf: (flag: string) => string | undefined
): void {
  const own = new Set([...taskDefinition(task).cli.options, ...samplingOptions].map((o) => o.flag))
  const foreign = [
    ...new Set(
      tasks
        .flatMap((t) => taskDefinition(t).cli.options)
        .map((o) => o.flag)
        .filter((flag) => !own.has(flag) && sourceOf(flag) === 'cli')
    )
  ]
  if (foreign.length === 0) return
  const definition = taskDefinition(task)
  const command =
    tasks.length > 1
      ? `${definition.cli.command} --modality ${modalityOf(task)}`
      : definition.cli.command
  const options = definition.cli.options.map((o) => `--${o.flag}`)
  throw new StudioError(
    'invalid-request',
    `${foreign.map((f) => `--${f}`).join(', ')} ${foreign.length > 1 ? 'are not options' : 'is not an option'} of ${command} (${task}). ` +
      `It takes ${options.length > 0 ? options.join(', ') : 'no options of its own'}, ` +
      `and the sampling options ${samplingOptions.map((o) => `--${o.flag}`).join(', ')} (see --help).`
  )
}

/** Sets `field` ("a" or "a.b") of a spec under construction. */
function setField(fields: Record<string, unknown>, field: string, value: unknown): void {
  const [head, tail] = field.split('.', 2)
  if (tail === undefined) {
    fields[head] = value
    return
  }
  const inner = (fields[head] ?? {}) as Record<string, unknown>
  fields[head] = { ...inner, [tail]: value }
}

async function runTaskCommand(
  task: RunnableTaskId,
  values: Record<string, unknown>
): Promise<number> {
  const definition = taskDefinition(task)
  const out = outputTarget(
    String(values.out),
    taskFormats[task].map((f) => f.ext),
    definition.label.toLowerCase()
  )
  const existing = values.overwrite ? [] : existingOutputs(out)
  if (existing.length > 0) {
    throw new StudioError(
      'invalid-request',
      `${existing[0]}${existing.length > 1 ? ` (and ${existing.length - 1} more output file${existing.length > 2 ? 's' : ''})` : ''} already exists; pass --overwrite to replace it, or choose another --out.`
    )
  }
  // What only a run needs loads here, not for --help; the input decoders (sharp, openchemlib) only when
  // an input is given.
  const options = [...definition.cli.options, ...samplingOptions]
  const givesInput = options.some((o) => o.input && values[camel(o.flag)] !== undefined)
  const [{ InputStore }, validators, { ModelRegistry }, { validateSpec }, { runJob }, engines] =
    await Promise.all([
      import('../../storage/inputs'),
      givesInput ? import('../../codecs/input-validators').then((m) => m.inputValidators) : {},
      import('../../models/registry'),
      import('../../jobs/validate-spec'),
      import('../run-job'),
      Promise.all([import('../../jobs/engine-client'), import('../../jobs/engine-process')])
    ])
  // The engine host boots (Node, its code, onnxruntime) while this process validates the job.
  const [{ EngineClient }, { spawnNodeEngine }] = engines
  const engine = new EngineClient(spawnNodeEngine, { log: () => undefined })
  engine.start()
  try {
    return await validateAndRun()
  } finally {
    engine.dispose()
  }

  async function validateAndRun(): Promise<number> {
    const inputs = new InputStore(join(dataDir(), 'inputs'), validators)
    const fields: Record<string, unknown> = { task, format: out.ext }
    for (const option of options) {
      const value = values[camel(option.flag)]
      if (value === undefined) continue
      const field = option.field ?? camel(option.flag)
      if (option.input) {
        const path = resolve(String(value))
        // Checked by stat before a byte is read (a 114 MiB PLY is refused without reading it).
        const info = await inputs.addFile(option.input, path).catch((error: unknown) => {
          throw error instanceof StudioError
            ? new StudioError(error.code, `--${option.flag} ${error.message}`)
            : error
        })
        fields[field] = info.ref
      } else setField(fields, field, option.negate ? value !== true : value)
    }
    const parsed = JobSpecSchema.safeParse(fields, { reportInput: true })
    if (!parsed.success) {
      // Name fields as the user typed them: the option that sets each.
      const flags = new Map(
        [...definition.cli.options, ...samplingOptions].map((o) => [
          o.field ?? camel(o.flag),
          `--${o.flag}`
        ])
      )
      throw new StudioError(
        'invalid-request',
        describeIssues(parsed.error, (path) => flags.get(path) ?? path, definition.schema)
      )
    }
    const registry = new ModelRegistry(modelRoots())
    const { spec, warnings, inputNotes } = validateSpec(parsed.data, await registry.list(), inputs)
    assertThreadsFit(values.threads as number)
    const settings = SettingsSchema.parse({
      device: spec.device,
      cpuThreads: values.threads as number,
      // A terminal shows no previews: none is made.
      previewEvery: 0
    })
    // Everything is accepted: only now is the output folder created.
    writableFolder(out.dir, '--out')
    return runJob({
      spec,
      warnings,
      inputNotes,
      settings,
      out,
      inputsDir: inputs.dir,
      json: Boolean(values.json),
      engine
    })
  }
}
