/**
 * Where benchmark results go: a JSON file in bench/results (git-ignored, for the one who ran
 * it: the section does not name it) and a markdown section prepended to docs/benchmarks.md
 * (newest first), headed by the machine facts.
 *
 *   BENCH_RESULTS_DIR=bench/results   where the JSON goes
 *   BENCH_DOCS=0                      do not touch docs/benchmarks.md (trial runs)
 *   BENCH_DOCS_FILE=docs/benchmarks.md
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ServerFacts } from './stack';

export function resultsDir(): string {
  return path.resolve(process.env.BENCH_RESULTS_DIR ?? path.join(process.cwd(), 'bench/results'));
}

export function timestampForFile(date: Date): string {
  return date.toISOString().replace(/:/g, '-');
}

/** Writes `bench/results/<name>.json`; returns its path relative to the working directory. */
export function writeResults(name: string, value: unknown): string {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
  return path.relative(process.cwd(), file);
}

const MARKER = '<!-- new runs are inserted below this line, newest first -->';

const HEADER = `# Benchmarks

Figures measured by \`npm run bench\` (all three benchmarks in one run) or by one of
\`npm run bench:checkout\`, \`npm run bench:saga\`, \`npm run bench:flash\`. Each run starts its
own stack in production mode on the machine named in its section, warms up, measures and
reports; nothing here is asserted. How each figure is measured: bench/checkout/README.md,
bench/flash/README.md and, for the saga library, bench/README.md. \`rest of machine\` in the CPU
tables is load from other users of the host during the window: where it is high, every figure
of that run is depressed.

${MARKER}
`;

/** Prepends a section under the header of docs/benchmarks.md (created if missing). */
export function prependToDocs(section: string): string | undefined {
  if (process.env.BENCH_DOCS === '0') return undefined;
  const file = path.resolve(process.env.BENCH_DOCS_FILE ?? path.join(process.cwd(), 'docs/benchmarks.md'));
  mkdirSync(path.dirname(file), { recursive: true });
  const current = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const withMarker = current.includes(MARKER) ? current : `${HEADER}\n${current}`;
  const at = withMarker.indexOf(MARKER) + MARKER.length;
  const body = section.trim().replace(/^\|[-:|]+\|$/gm, prettierRule);
  const updated = `${withMarker.slice(0, at)}\n\n${body}\n${withMarker.slice(at).replace(/^\n*/, '\n')}`;
  writeFileSync(file, updated.replace(/\n{3,}/g, '\n\n'));
  return path.relative(process.cwd(), file);
}

/** formatTable's rule line (`|------|-----:|`) as Prettier writes it (`| ---- | ---: |`), so the docs stay formatted. */
function prettierRule(rule: string): string {
  const cells = rule.slice(1, -1).split('|');
  return `|${cells.map((c) => (c.endsWith(':') ? ` ${'-'.repeat(c.length - 3)}: ` : ` ${'-'.repeat(c.length - 2)} `)).join('|')}|`;
}

export function factsMarkdown(facts: ServerFacts): string {
  const pg = facts.postgresSettings ?? {};
  return [
    `- Machine: ${facts.cores} cores (${facts.cpuModel}), ${facts.memoryGiB} GiB memory, ${facts.os}; the load generator runs on the same machine.`,
    `- Software: Node ${facts.node}, PostgreSQL ${facts.postgres ?? '?'} (${Object.entries(pg)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}), nats-server ${facts.natsServer ?? '?'}, Redis ${facts.redis ?? '?'}.`,
    ...(facts.machineBusyBeforeRun === undefined
      ? []
      : [
          `- Other work on the machine: ${facts.machineBusyBeforeRun}% busy in the 3 s before the stack started (see also \`rest of machine\` below).`,
        ]),
  ].join('\n');
}

/** `0.83` -> `83%`. */
export function percent(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '-' : `${Math.round(ratio * 100)}%`;
}

/** Where the CPU of a run went: services, PostgreSQL, NATS, Redis, load generator, in % of the total. */
export function cpuShares(cpuMs: Record<string, number>): string {
  const shares = { 'Node services': 0, PostgreSQL: 0, 'nats-server': 0, 'redis-server': 0, 'load generator': 0 };
  let total = 0;
  for (const [group, ms] of Object.entries(cpuMs)) {
    if (group === 'total' || !Number.isFinite(ms)) continue;
    total += ms;
    if (group.startsWith('pg ')) shares.PostgreSQL += ms;
    else if (group in shares) shares[group as keyof typeof shares] += ms;
    else shares['Node services'] += ms;
  }
  const top = Object.entries(cpuMs)
    .filter(([g]) => g !== 'total')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([g, ms]) => `${g} ${ms} ms`)
    .join(', ');
  return (
    Object.entries(shares)
      .map(([name, ms]) => `${name} ${Math.round((ms / total) * 100)}%`)
      .join(', ') + `; largest: ${top}`
  );
}
