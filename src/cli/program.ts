import { Command, Option } from 'commander';
import { ConfigError, InfrastructureError, InputError, ProvisionerError } from '../domain/errors';
import { dashboardCommand } from './commands/dashboard';
import { emulatorCommand } from './commands/emulator';
import { planCommand } from './commands/plan';
import { enqueueCommand } from './commands/enqueue';
import { reportCommand } from './commands/report';
import { resumeCommand } from './commands/resume';
import { runCommand, type RunFlags } from './commands/run';
import { statusCommand } from './commands/status';
import { workCommand } from './commands/work';
import type { CliIo } from './io';

/** Exit codes (DESIGN.md §2): 0 all created/exists, 1 some row otherwise, 2 usage/config, 3 infrastructure. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof InfrastructureError) return 3;
  if (err instanceof ConfigError || err instanceof InputError) return 2;
  if (err instanceof ProvisionerError && err.code === 'ERR_INPUT') return 2;
  if (isAddressInUse(err)) return 2;
  return 1;
}

export function isAddressInUse(err: unknown): boolean {
  return (err as { code?: unknown } | undefined)?.code === 'EADDRINUSE';
}

/** What the operator reads on stderr: the message, with the fix where we know it. */
export function messageFor(err: unknown): string {
  if (isAddressInUse(err)) {
    const { port, address } = err as { port?: number; address?: string };
    return `${address ?? ''}:${port ?? '?'} is already in use: pick another --port (0 picks a free one)`;
  }
  return (err as { message?: string } | undefined)?.message ?? String(err);
}

const common = (cmd: Command) =>
  cmd
    .option('--redis <url>', 'Redis URL (env REDIS_URL)', undefined)
    .option('--prefix <prefix>', 'key prefix of the queue and the runs (env RTC_PREFIX)')
    .option('--endpoint <url>', 'RTC API endpoint (env RTC_ENDPOINT)')
    .option('--iam-endpoint <url>', 'IAM endpoint for password auth (env RTC_IAM_ENDPOINT)')
    .option('--tenants <file>', 'tenants file: credentials, endpoints and limits per tenant')
    .option(
      '--rate <n/window>',
      'API calls per tenant per sliding window, e.g. 60/60s (env RTC_RATE)',
    )
    .option(
      '--global-rate <n/window>',
      'optional cap on the sum over all tenants (env RTC_GLOBAL_RATE)',
    )
    .option(
      '--quota <n>',
      'apps an account may own; tenants file `quota` overrides (env RTC_QUOTA)',
    )
    .option('--concurrency <n>', 'jobs in flight per worker process (env RTC_CONCURRENCY)')
    .option('--attempts <n>', 'attempts per row on 5xx / network errors (env RTC_ATTEMPTS)')
    .option('--timeout-ms <ms>', 'HTTP timeout per call (env RTC_TIMEOUT_MS)')
    .option(
      '--max-throttles <n>',
      '429 answers per row before it is failed (env RTC_MAX_THROTTLES)',
    )
    .option(
      '--lock-ms <ms>',
      "job lock; a killed worker's jobs are taken over after about this long (env RTC_LOCK_MS)",
    )
    .option(
      '--shutdown-timeout-ms <ms>',
      'grace for in-flight calls on SIGINT/SIGTERM (env RTC_SHUTDOWN_TIMEOUT_MS)',
    );

/** Options of the commands that read an input file and may use the in-process emulator. */
const input = (cmd: Command) =>
  cmd
    .option(
      '--emulator',
      'start the RTC API emulator in this process and use it (no credentials needed)',
    )
    .option(
      '--emulator-state <file>',
      'apps that already exist in the emulator (default: existing-apps.json beside the input)',
    )
    .option(
      '--emulator-faults <spec>',
      'inject faults, e.g. 500=0.05,ambiguous=0.02,latency=5-20,seed=7',
    )
    .addOption(
      new Option('--format <format>', 'input format (default: by extension)').choices([
        'csv',
        'json',
        'jsonl',
      ]),
    );

/** Commander's camelCase flags → our settings keys. */
function flagsOf(o: Record<string, unknown>): RunFlags {
  const { redis, ...rest } = o;
  return { ...(rest as RunFlags), ...(redis !== undefined ? { redisUrl: redis as string } : {}) };
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('rtc-provisioner')
    .description(
      'Create Huawei Cloud SparkRTC applications in bulk, rate-limited, with a report line per row.',
    )
    .showHelpAfterError()
    .exitOverride();
  const wrap =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) =>
      setExit(await fn(...args));

  input(common(program.command('run <file>')))
    .description(
      'enqueue a CSV/JSON/JSONL file, work it in this process, write the report, exit 0/1/2/3',
    )
    .option('--report <path>', 'report path (default reports/<run-id>.csv)')
    .addOption(new Option('--report-format <format>', 'csv or jsonl').choices(['csv', 'jsonl']))
    .option('--quiet', 'no progress output')
    .option(
      '--no-plan',
      'skip listing existing apps first (names that exist are then sent and answered "exists")',
    )
    .action(wrap((file: string, o: Record<string, unknown>) => runCommand(file, flagsOf(o), io)));

  input(common(program.command('plan <file>')))
    .description(
      "list each tenant's apps and show what `run` would do with every row (create, exists, over quota, invalid); no writes",
    )
    .option('--json', 'print the plan as JSON')
    .action(wrap((file: string, o: Record<string, unknown>) => planCommand(file, flagsOf(o), io)));

  common(program.command('enqueue <file>'))
    .description('validate and queue a file for workers; prints the run id')
    .addOption(
      new Option('--format <format>', 'input format (default: by extension)').choices([
        'csv',
        'json',
        'jsonl',
      ]),
    )
    .option('--run-id <id>', 'add to this run (re-submitting the same file adds nothing twice)')
    .option('--quiet', 'no progress output')
    .action(
      wrap((file: string, o: Record<string, unknown>) => enqueueCommand(file, flagsOf(o), io)),
    );

  common(program.command('work'))
    .description('run workers until SIGINT/SIGTERM (graceful, bounded shutdown)')
    .action(wrap((o: Record<string, unknown>) => workCommand(flagsOf(o), io)));

  common(program.command('status [run-id]'))
    .description("a run's counts per status and tenant, or the list of runs")
    .option('--json', 'machine-readable output')
    .option('--watch', 'refresh every second until the run settles')
    .action(
      wrap((runId: string | undefined, o: Record<string, unknown>) =>
        statusCommand(runId, flagsOf(o), io),
      ),
    );

  common(program.command('report <run-id>'))
    .description("write a run's report from Redis")
    .option('--report <path>', 'report path (default reports/<run-id>.csv)')
    .addOption(new Option('--report-format <format>', 'csv or jsonl').choices(['csv', 'jsonl']))
    .action(
      wrap((runId: string, o: Record<string, unknown>) => reportCommand(runId, flagsOf(o), io)),
    );

  common(program.command('resume <run-id>'))
    .description(
      'finish an interrupted run; release held tenants (all, or --tenant) after fixing credentials',
    )
    .option('--tenant <id...>', 'release only these held tenants')
    .option('--report <path>', 'report path (default reports/<run-id>.csv)')
    .addOption(new Option('--report-format <format>', 'csv or jsonl').choices(['csv', 'jsonl']))
    .option('--quiet', 'no progress output')
    .action(
      wrap((runId: string, o: Record<string, unknown>) => resumeCommand(runId, flagsOf(o), io)),
    );

  program
    .command('emulator')
    .description('run the local RTC API emulator until SIGINT/SIGTERM')
    .option('--port <port>', 'port (default 8080; 0 = any free one)')
    .option('--host <host>', 'address (default 127.0.0.1)')
    .option('--tenants <file>', 'tenants file: the emulator accepts exactly these credentials')
    .option('--state <file>', 'apps that already exist: {"tenants": {"acme": ["name", …]}}')
    .option('--rate <n/window>', 'sliding-window limit per tenant (default 60/60s; "off" for none)')
    .option('--quota <n>', 'apps per tenant (default 20)')
    .option('--faults <spec>', 'e.g. 500=0.05,ambiguous=0.02,latency=5-20,seed=7')
    .action(wrap((o: Record<string, string>) => emulatorCommand(o, io)));
  program
    .command('dashboard')
    .description(
      'web dashboard: run pages, bull-board at /queues, /metrics, /healthz, /readyz (127.0.0.1; elsewhere needs DASHBOARD_TOKEN)',
    )
    .option('--port <port>', 'port (env DASHBOARD_PORT, default 3000; 0 = any free one)')
    .option('--host <host>', 'address (env DASHBOARD_HOST, default 127.0.0.1)')
    .option('--redis <url>', 'Redis URL (env REDIS_URL)')
    .option('--prefix <prefix>', 'key prefix of the queue and the runs (env RTC_PREFIX)')
    .option('--read-only', 'no write actions, even with a token')
    .action(
      wrap((o: Record<string, unknown>) =>
        dashboardCommand({ ...(o as object), ...flagsOf(o) }, io),
      ),
    );
  return program;
}
