import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChaosCluster } from './servers/cluster';

/** nats-server lines that say a node threw its replicated state away and rebuilt it. */
const RESET_LINES = /Resetting stream cluster state|Error applying entries|stream store EOF|first sequence mismatch/;

/** How often each NATS node's log says it reset a stream's cluster state (or failed to apply entries). */
export function natsResets(logDir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of readdirSync(logDir).filter((f) => /^nats(-\d+)?\.log$/.test(f))) {
    const lines = readFileSync(join(logDir, file), 'utf8').split('\n');
    counts[file.replace('.log', '')] = lines.filter((line) => RESET_LINES.test(line)).length;
  }
  return counts;
}

/**
 * The evidence a run that did not come to rest leaves behind, in `<results>/open-sagas.json`:
 * every saga still open with its timeline, and every durable consumer's delivery state next to
 * its stream's, so that a lost message can be told from a stuck consumer or a slow deadline.
 */
export async function recordOpenSagas(cluster: ChaosCluster, resultsDir: string): Promise<number> {
  const sagas = await cluster.query<{ id: string; status: string; current_step: number; attempt: number }>(
    'order',
    `SELECT i.id, i.status, i.current_step, i.attempt, i.deadline_at, i.version,
            (SELECT json_agg(json_build_object('step', t.step, 'phase', t.phase, 'attempt', t.attempt,
                    'outcome', t.outcome, 'reason', t.reason, 'at', t.at) ORDER BY t.id)
             FROM saga_timeline t WHERE t.saga_id = i.id) AS timeline
     FROM saga_instance i WHERE i.status IN ('RUNNING', 'COMPENSATING')`,
  );
  const ids = sagas.map((s) => s.id);
  const outbox: Record<string, unknown[]> = {};
  const barriers: Record<string, unknown[]> = {};
  for (const service of ['order', 'inventory', 'coupon', 'payment'] as const) {
    outbox[service] = await cluster.query(
      service,
      `SELECT id, subject, created_at, sent_at, headers->>'Saga-Step' AS step, headers->>'Saga-Phase' AS phase,
              headers->>'Saga-Attempt' AS attempt
       FROM saga_outbox WHERE split_part(id, '.', 1) = ANY($1::text[]) OR headers->>'Saga-Id' = ANY($1::text[])
       ORDER BY created_at`,
      [ids],
    );
    if (service !== 'order') {
      barriers[service] = await cluster
        .query(
          service,
          `SELECT saga_id, step, phase, reply, created_at FROM saga_barrier WHERE saga_id::text = ANY($1::text[])`,
          [ids],
        )
        .catch((error: unknown) => [String(error)]);
    }
  }
  const consumers = cluster.natsCluster
    ? await cluster.natsCluster
        .withJetStream(async (jsm) => {
          const found: unknown[] = [];
          for await (const stream of jsm.streams.list()) {
            for await (const consumer of jsm.consumers.list(stream.config.name)) {
              found.push({
                stream: stream.config.name,
                streamState: stream.state,
                streamCluster: stream.cluster,
                consumer: consumer.name,
                delivered: consumer.delivered,
                ackFloor: consumer.ack_floor,
                numPending: consumer.num_pending,
                numAckPending: consumer.num_ack_pending,
                numRedelivered: consumer.num_redelivered,
                numWaiting: consumer.num_waiting,
                cluster: consumer.cluster,
              });
            }
          }
          return found;
        })
        .catch((error: unknown) => [String(error)])
    : [];
  writeFileSync(join(resultsDir, 'open-sagas.json'), JSON.stringify({ sagas, outbox, barriers, consumers }, null, 2));
  return sagas.length;
}
