/**
 * Places in the services (outside libs/saga, which has its own) where a test can make the
 * process die (SIGKILL) to prove that what a crash leaves behind is recovered: set CRASH_AT
 * to one of these in a child process. Unset, this costs one comparison.
 */
export const SERVICE_CRASH_POINTS = [
  /** The gateway claimed a checkout's Idempotency-Key; it has not asked for the order to be placed. */
  'checkout.after-claim',
  /** The order service placed the checkout's order; the gateway has not answered. */
  'checkout.after-placement',
] as const;

export type ServiceCrashPoint = (typeof SERVICE_CRASH_POINTS)[number];

const armed = process.env.CRASH_AT;

export function serviceCrashPoint(name: ServiceCrashPoint): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}
