import type { ServiceProcess } from './harness';

/** How many NATS requests on `subject` (without the prefix) a service has handled, from its own `/metrics`. */
export async function handledRequests(service: ServiceProcess, subject: string): Promise<number> {
  const metrics = await (await fetch(`${service.internalUrl}/metrics`)).text();
  const escaped = subject.replace(/\./g, '\\.');
  const line = new RegExp(`^rpc_handler_duration_seconds_count\\{.*subject="[^"]*\\.${escaped}"`);
  return metrics
    .split('\n')
    .filter((l) => line.test(l))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}
