/**
 * Preloaded (`node --require`) into the service processes a benchmark spawns
 * (ServiceProcess's `orphanGuard`): when the benchmark goes away (its IPC channel closes, even after a SIGKILL), the service is asked to
 * stop the way an operator would (SIGTERM, graceful shutdown). It changes nothing else: the
 * channel is unreferenced, so it never keeps the process alive.
 */
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
