import type { FaultRecord } from '../faults/inject';
import type { ReplicaWork } from '../metrics';
import { Check, CheckResult } from './check';

/**
 * The clustered topology's own checks: both replicas of each service did work, every service
 * was ready again within the settle bound after each fault, and the saga streams were
 * replicated on every NATS node.
 */
export function replicaChecks(inputs: {
  work: readonly ReplicaWork[];
  faults: readonly FaultRecord[];
  settleBoundMs: number;
  streams: readonly { name: string; replicas: number }[];
  natsNodes: number;
}): CheckResult[] {
  return [
    replicasWorked(inputs.work),
    readyWithinBound(inputs.faults, inputs.settleBoundMs),
    streamsReplicated(inputs.streams, inputs.natsNodes),
  ];
}

export function replicasWorked(work: readonly ReplicaWork[]): CheckResult {
  const check = new Check(
    'replicas-worked',
    'every replica of every service did work: HTTP requests (gateway), NATS requests or saga messages (the others)',
  );
  for (const w of work) {
    check.examine();
    const done = w.service === 'gateway' ? w.http : w.rpc + w.saga;
    check.notes[`${w.service}-${w.replica}`] =
      w.service === 'gateway' ? `http ${w.http}` : `rpc ${w.rpc}, saga ${w.saga}`;
    check.expect(done > 0, () => `${w.service} replica ${w.replica} did no work (${w.processes} processes scraped)`);
  }
  if (work.length === 0) check.violation('no replica was scraped');
  return check.result();
}

export function readyWithinBound(faults: readonly FaultRecord[], boundMs: number): CheckResult {
  const check = new Check(
    'ready-within-bound',
    `after each fault, every replica of every service is ready again within the settle bound (${(boundMs / 1000).toFixed(1)} s)`,
  );
  let slowest = 0;
  for (const fault of faults) {
    check.examine();
    const ms = fault.recoveredMs - fault.endMs;
    slowest = Math.max(slowest, ms);
    check.expect(
      fault.recoveredMs >= 0 && ms <= boundMs,
      () =>
        `${fault.faultClass} on ${fault.target}: ${fault.recoveredMs < 0 ? 'never ready again' : `ready after ${ms} ms`}`,
    );
  }
  check.notes.slowestMs = slowest;
  return check.result();
}

export function streamsReplicated(streams: readonly { name: string; replicas: number }[], nodes: number): CheckResult {
  const check = new Check('streams-replicated', `every JetStream stream of the run has ${nodes} replicas`);
  for (const stream of streams) {
    check.examine();
    check.expect(stream.replicas === nodes, () => `${stream.name} has ${stream.replicas} replicas`);
  }
  if (streams.length === 0) check.violation('no stream found');
  return check.result();
}
