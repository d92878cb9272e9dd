/**
 * The one harness of test/, chaos/ and bench/: how they start, restart and stop Zhongtai's
 * processes and the servers they run of their own. It lives under test/support because every
 * tier already compiles that folder (the e2e global setup, `npm run chaos`, `npm run bench*`),
 * and chaos/ and bench/ import from test/support, never the other way round.
 *
 * - service-process.ts: a service as a child process, with the options each tier needs: output
 *   in memory (tests), to a file (chaos) or counted by message (bench); supervision with
 *   restart on an unplanned exit and crash points (chaos); the orphan guard (bench).
 * - service-launch.ts: no port race: the service reports the port it bound over IPC, moves to
 *   a free one if its port was taken, and is trusted only once `/health/live` names its pid.
 * - own-server.ts: the same for nats-server, redis-server and PostgreSQL, which cannot report
 *   a port: retry on a new one until the server on it proves ours; server-process.ts runs
 *   nats-server and redis-server that way (PostgreSQL is chaos/servers/postgres.ts, pg_ctl).
 * - stack.ts: what TestPlatform, ChaosCluster and BenchStack share (environment defaults,
 *   starting a set of services, removing a run's streams and keys).
 * - nats-cluster.ts: three nats-server nodes as one JetStream cluster on loopback routes
 *   (deploy/nats/cluster.conf), for the clustered chaos topology.
 * - load-balancer.ts: a round-robin TCP balancer over the ready replicas of a service.
 */
export { natsServerName, redisProcessId, startOnOwnPort } from './own-server';
export type { OwnServerAttempt } from './own-server';
export { ownServiceReady, pidAnswering } from './service-launch';
export { FileOutput, MemoryOutput, SummaryOutput } from './service-output';
export type { LogLine, LogSummary, ServiceOutput } from './service-output';
export { ServiceProcess } from './service-process';
export type { ExitCause, ExitRecord, ServiceProcessOptions } from './service-process';
export { exampleDefaults, removeRedisKeys, removeStreams, startServices } from './stack';
export { natsServer, ServerProcess } from './server-process';
export type { ServerBinary, ServerProcessOptions } from './server-process';
export { NatsCluster, NatsClusterNode } from './nats-cluster';
export type { NatsClusterOptions } from './nats-cluster';
export { LoadBalancer } from './load-balancer';
export type { Backend } from './load-balancer';
