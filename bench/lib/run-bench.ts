/**
 * The one ending of every benchmark entry point: run, report, exit code. A failure is printed
 * and sets exit code 1; a bench node (a child of a benchmark) exits at once instead, since
 * nothing of it is worth waiting for.
 */
import { factsMarkdown, prependToDocs, timestampForFile, writeResults } from './report';
import type { ServerFacts } from './stack';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** What a service-stack benchmark (checkout, flash) reports besides its own figures. */
export interface PublishableReport {
  benchmark: string;
  startedAt: string;
  machine: ServerFacts;
  logs: Record<string, unknown>;
}

/** The warn-and-above log summary of each process, by message. */
export function printProcessLogs(report: PublishableReport, label = ''): void {
  const entries = Object.entries(report.logs);
  if (!entries.length) return;
  log(`process logs${label ? ` of ${label}` : ''} (warn and above), by message:`);
  for (const [name, summary] of entries) log(`  ${name}: ${JSON.stringify(summary)}`);
}

/** Prints a benchmark's report, keeps it in the results directory and adds its section to the docs. */
export function publishReport(report: PublishableReport, markdown: string): void {
  printProcessLogs(report);
  process.stdout.write(`\n${markdown}\n`);
  const file = writeResults(`${report.benchmark}-${timestampForFile(new Date(report.startedAt))}`, report);
  const docs = prependToDocs(
    [
      `## ${report.startedAt}: \`npm run bench:${report.benchmark}\``,
      '',
      factsMarkdown(report.machine),
      '',
      markdown,
    ].join('\n'),
  );
  process.stdout.write(`results: ${file}${docs ? `; section added to ${docs}` : ''}\n`);
}

/** Runs `main` as the process's entry point (only when `entry` is the main module, if given). */
export function runBenchmark(
  what: string,
  main: () => Promise<void>,
  { entry, exitAtOnce = false }: { entry?: NodeJS.Module; exitAtOnce?: boolean } = {},
): void {
  if (entry && require.main !== entry) return;
  main()
    .catch((error: unknown) => {
      console.error(`${what} failed:`, error);
      if (exitAtOnce) process.exit(1);
      process.exitCode = 1;
    })
    // A benchmark is a command: it ends once its report is written and its processes are
    // stopped, even if a client library keeps a socket open (bench:peers left three idle
    // PostgreSQL connections that kept `npm run bench` waiting after its report). A bench
    // node (exitAtOnce) serves until it is stopped, so its main's end is not its own.
    .then(() => {
      if (!exitAtOnce) process.exit();
    });
}
