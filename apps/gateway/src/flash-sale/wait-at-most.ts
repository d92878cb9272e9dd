/** Waits for `work`, or `ms` at most; either way it resolves (a failure of `work` included). */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work.catch(() => undefined), waited]);
  clearTimeout(timer);
}
