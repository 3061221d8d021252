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
    .option('-j, --jobs <n>', 'worker threads (default: one per core for 64 files or more)', (v) => Number.parseInt(v, 10))
    .action(async (paths: string[], options) => (await import('./commands/validate.js')).validate(paths, options));

  program
    .command('explain')
    .description('describe scenarios in plain words: entry, schedule, each step and where it leads')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .option('--mermaid', 'print a Mermaid flowchart of each scenario instead')
    .action(async (paths: string[], options) => (await import('./commands/explain.js')).explain(paths, options));

  program
    .command('demo')
    .description('run the scenarios end to end on a virtual clock with synthetic contacts and engagement')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .option('--contacts <n>', 'synthetic contacts per scenario', '100')
    .option('--days <n>', 'virtual days to run', '400')
    .option('--seed <n>', 'random seed (same seed, same story)', '42')
    .option('--open-rate <r>', 'share of emails opened (0-1)')
    .option('--click-rate <r>', 'share of emails clicked (0-1)')
    .option('--reply-rate <r>', 'share of emails replied to (0-1)')
    .option('--form-rate <r>', 'share of emails leading to a form submission (0-1)')
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], options) => (await import('./commands/demo.js')).demo(paths, options));

  program
    .command('simulate')
    .description('forecast a scenario without sending: sends per day, the last email given windows and quotas, where contacts end')
    .argument('<scenario>', 'a scenario file, or the name of one in scenarios/')
    .option('--contacts <n>', 'synthetic contacts', '1000')
    .option('--days <n>', 'days to simulate from the first entry', '120')
    .option('--seed <n>', 'random seed (same seed, same forecast)', '42')
    .option('--start <date>', 'when contacts enter, in the scenario time zone (default: now; never before schedule.start)')
    .option('--open-rate <r>', 'share of emails opened (0-1)')
    .option('--click-rate <r>', 'share of emails clicked (0-1)')
    .option('--reply-rate <r>', 'share of emails replied to (0-1)')
    .option('--form-rate <r>', 'share of emails leading to a form submission (0-1)')
    .option('--unsubscribe-rate <r>', 'share of emails leading to an unsubscribe (0-1)')
    .option('--json', 'print the forecast as JSON')
    .action(async (scenario: string, options) => (await import('./commands/simulate.js')).simulate(scenario, options));

  program
    .command('plan')
    .description('compare the scenario files with the running state: exit 0 in sync, 2 changes to apply, 1 error')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .option('--json', 'print the plan as JSON')
    .option('--out <file>', 'save the plan (JSON) for `relance apply --plan`')
    .option('--prune', 'archive running scenarios whose file was deleted')
    .option('--base <rev>', 'compare with the files at this git revision (a PR\'s base) instead of Redis; with REDIS_URL set, also the real plan')
    .action(async (paths: string[], options) => (await import('./commands/plan.js')).plan(paths, options));

  program
    .command('preview')
    .description('render every email for sample contacts in every language: HTML, text, .eml, screenshots, and an index.html gallery')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .option('--out <dir>', 'folder to write the previews to', 'previews')
    .option('--contacts <file>', 'sample contacts (CSV with an email column); default: generated from the fields the templates use')
    .option('--samples <n>', 'generated sample contacts per scenario', '3')
    .option('--changed-since <rev>', 'only scenarios whose file or templates changed since this git revision')
    .option('--no-screenshots', 'skip the PNG screenshots even when Chromium is installed')
    .option('--no-spam-score', 'skip SpamAssassin even when it is installed')
    .option('--json', 'print the manifest as JSON')
    .action(async (paths: string[], options) => (await import('./commands/preview.js')).preview(paths, options));

  const ci = program.command('ci').description('continuous integration helpers');
  ci
    .command('comment')
    .description('post (or update) one sticky comment on the pull request: validation, plan, diagrams, lint, previews')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .option('--base <rev>', 'the PR\'s base revision, for the plan and the changed scenarios (default: the event payload\'s base sha)')
    .option('--previews <dir>', 'a folder written by `relance preview` (its manifest.json)')
    .option('--artifact-url <url>', 'where the uploaded previews can be downloaded')
    .option('--pr <number>', 'the pull request number (default: from GITHUB_EVENT_PATH)')
    .option('--dry-run', 'print the comment and post nothing')
    .action(async (paths: string[], options) => (await import('./commands/ci.js')).comment(paths, options));

  program
    .command('apply')
    .description('apply the plan under a lock; idempotent; refuses a saved plan the state has moved past')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .option('--plan <file>', 'apply exactly this saved plan')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--prune', 'archive running scenarios whose file was deleted')
    .action(async (paths: string[], options) => (await import('./commands/apply.js')).apply(paths, options));

  for (const action of ['pause', 'resume', 'archive'] as const) {
    program
      .command(action)
      .description(action === 'archive'
        ? 'archive a scenario (final: its contacts are released), or remove one contact with --contact'
        : `${action} a scenario, or one contact with --contact (outside git: shows as drift)`)
      .argument('<scenario>', 'scenario name')
      .option('--contact <email-or-id>', 'only this contact')
      .action(async (scenario: string, options) => (await import('./commands/lifecycle.js')).lifecycle(action, scenario, options));
  }

  program
    .command('status')
    .description('state, version, revision, contacts by status and colour of each scenario')
    .argument('[scenario]', 'one scenario: the live view, per step who is there and why, who went through, the email rates')
    .option('--json', 'print JSON')
    .option('--watch', 'with a scenario: redraw the live view in place until Ctrl-C')
    .option('--interval <seconds>', 'with --watch: seconds between refreshes', '2')
    .option('--mermaid', 'with a scenario: the step graph with live counts, as Mermaid')
    .action(async (scenario: string | undefined, options) => (await import('./commands/lifecycle.js')).status(scenario, options));

  program
    .command('run')
    .description('the service: reconcile the scenario files with the running state every interval')
    .argument('[paths...]', 'files or directories', ['scenarios'])
    .option('--interval <duration>', 'time between passes', '1m')
    .option('--once', 'one pass, then exit')
    .option('--pull', 'git pull --ff-only before each pass')
    .option('--prune', 'archive running scenarios whose file was deleted')
    .option('--no-worker', 'reconcile only: leave sending to `relance worker` processes')
    .option('--no-serve', 'no HTTP server in this process (else it listens on RELANCE_PORT, as `relance serve`)')
    .option('--concurrency <n>', 'batches processed at once by this process', '4')
    .action(async (paths: string[], options) => (await import('./commands/run.js')).run(paths, options));

  program
    .command('doctor')
    .description('recompute counts, totals, queues and schedules from the enrollments; report (exit 1) or --fix each difference')
    .option('--fix', 'repair the differences, under the apply lock')
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./commands/doctor.js')).doctor(options));

  program
    .command('report')
    .description('write reports/<scenario>-<date>.zip per scenario: Resume.csv, Global.csv, Formulaire_<form>.csv (docs/reports.md)')
    .argument('[scenarios...]', 'scenario names (default: every applied scenario)')
    .option('--out <dir>', 'folder to write the zips to', 'reports')
    .option('--delimiter <char>', 'CSV delimiter: , ; | or tab (; for French Excel: numbers then take a decimal comma)', ',')
    .option('--since <date>', 'only emails sent (and forms submitted) from this date, in the scenario time zone')
    .option('--until <date>', 'only emails sent (and forms submitted) until this date, included')
    .action(async (scenarios: string[], options) => (await import('./commands/report.js')).report(scenarios, options));

  program
    .command('worker')
    .description('run scheduled work (sends, waits, webhooks) until stopped; start several to share the load')
    .option('--concurrency <n>', 'batches processed at once', '4')
    .option('--no-sweep', 'never take the sweeper role (workers only)')
    .action(async (options) => (await import('./commands/worker.js')).worker(options));

  program
    .command('serve')
    .description('the HTTP server: tracking, unsubscribe, forms, API, /healthz, /readyz, /metrics')
    .option('--port <n>', 'port (default RELANCE_PORT or PORT, else 8080; 0 picks a free one)')
    .option('--host <address>', 'address to listen on (default RELANCE_HOST, else 0.0.0.0)')
    .action(async (options) => (await import('./commands/serve.js')).serve(options));

  program
    .command('health')
    .description('is Redis reachable, a writable master, and do the Lua scripts load? prints ready or not ready (exit 0 or 1)')
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./commands/health.js')).health(options));

  program
    .command('event')
    .description('record what a contact did (opened, clicked, replied, unsubscribed, form-submitted, …)')
    .argument('<type>', 'delivered, opened, clicked, replied, bounced, unsubscribed, form-submitted or converted')
    .argument('<email>', 'the contact')
    .option('--scenario <name>', 'the scenario the email belonged to')
    .option('--step <id>', 'the email step')
    .option('--form <id>', 'for form-submitted: the form')
    .action(async (type: string, email: string, options) => (await import('./commands/events.js')).event(type, email, options));

  program
    .command('inbound')
    .description('take messages that came back: replies, auto-replies, bounces, complaints, mail to the unsubscribe address')
    .argument('[paths...]', 'message files (.eml), folders (every file in them), or - for standard input (default)')
    .action(async (paths: string[]) => (await import('./commands/inbound.js')).inbound(paths));

  const task = program.command('task').description('manual tasks (task steps)');
  task.command('list').description('open tasks').action(async () => (await import('./commands/events.js')).tasks());
  task.command('done').description('mark a task done: the contact moves on').argument('<id>', 'task id (see task list)')
    .action(async (id: string) => (await import('./commands/events.js')).taskDone(id));

  const contacts = program.command('contacts').description('contact lists');
  contacts
    .command('import')
    .description('import a CSV file into a list (streaming; bad rows are reported and skipped)')
    .argument('<file>', 'CSV file with an email column')
    .requiredOption('--list <name>', 'the list to add the contacts to')
    .option('--rejects <file>', 'write every rejected row, with its line and reason, to this CSV')
    .option('--delimiter <char>', 'field delimiter (default: detected)')
    .action(async (file: string, options) => (await import('./commands/contacts.js')).importCommand(file, options));

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
  // Redis said no to a command (an ACL without the right, OOM, a read-only replica): its words,
  // without a stack. Named, not imported: main.ts stays free of ioredis until a command needs it.
  if (err instanceof Error && err.name === 'ReplyError') {
    process.stderr.write(`relance: Redis refused a command: ${err.message}\n`);
    return err.message.startsWith('NOPERM') ? 77 : 69;
  }
  process.stderr.write(`relance: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 70;
}
