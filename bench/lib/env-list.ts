/** A comma-separated setting of a benchmark (`BENCH_CONCURRENCY=1,16,64`), `fallback` when unset. */
export function envList(value: string | undefined, fallback: string): string[] {
  return (value ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
