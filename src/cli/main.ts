import { Command, CommanderError, Option } from 'commander';
import { RelanceError, UsageError } from '../errors.js';

/**
 * The CLI: declares commands and loads each one's code only when it runs, so `relance validate`
 * does not pay for Redis or BullMQ. One catch below maps every error to an exit code.
 */
export async function main(argv: string[]): Promise<void> {
  // `relance explain | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

export function buildProgram(): Command {
  const program = new Command('relance')
    .description('Declarative, GitOps-style runner for marketing email scenarios')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run `relance --help` for usage)');

  program
    .command('validate')
    .description('check scenario files: schema, step graph, templates, schedule (exit 1 on error)')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'github']).default(defaultFormat()))
    .option('--strict', 'treat warnings as errors')
    .action(async (paths: string[], options) => (await import('./commands/validate.js')).validate(paths, options));

  program
    .command('explain')
    .description('describe scenarios in plain words: entry, schedule, each step and where it leads')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .option('--mermaid', 'print a Mermaid flowchart of each scenario instead')
    .action(async (paths: string[], options) => (await import('./commands/explain.js')).explain(paths, options));

  program
    .command('catalogue')
    .description('list the built-in scenario templates and the campaigns each one expects')
    .action(async () => (await import('./commands/catalogue.js')).listCatalogue());

  return program;
}

const VERSION = '0.1.0';

function defaultFormat(): string {
  return process.env.GITHUB_ACTIONS === 'true' ? 'github' : 'text';
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed.
    return err.exitCode === 0 ? 0 : new UsageError(err.message).exitCode;
  }
  if (err instanceof RelanceError) {
    if (!err.reported) process.stderr.write(`relance: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`relance: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 70;
}
