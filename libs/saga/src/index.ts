/**
 * libs/saga: durable, typed, orchestrated sagas over NATS JetStream and PostgreSQL.
 * See libs/saga/README.md for the guarantees and a complete example.
 *
 * @module @zhongtai/saga
 */
export { AfterCommit } from './after-commit';
export { defineCommand, failure, success } from './definition/command';
export type { AnyCommand, Command, OutputOf, PayloadOf, ReasonOf, StepResult } from './definition/command';
export { defineSaga, reviseSaga, SagaBuilder } from './definition/saga-definition';
export type {
  AnySagaDefinition,
  SagaDefinition,
  SagaEnd,
  SagaFailure,
  StepDefinition,
  StepKind,
  StepSucceeded,
} from './definition/saga-definition';
export { FORWARD_RETRY, MUST_SUCCEED_RETRY } from './definition/retry-policy';
export type { RetryPolicy } from './definition/retry-policy';
export type { Phase, SagaStatus, TimelineEntry, TimelineOutcome } from './engine/saga-state';
export { CRASH_POINTS } from './crash-points';
export type { CrashPoint } from './crash-points';
export { GroupCommit, outcomeOf } from './group-commit';
export type { GroupOutcome } from './group-commit';
export { writeOutbox } from './outbox/outbox';
export type { OutboxMessage } from './outbox/outbox';
export { SagaOrchestrator } from './orchestrator/saga-orchestrator';
export type { StartOptions } from './orchestrator/saga-orchestrator';
export { decodeCursor, encodeCursor } from './orchestrator/keyset-cursor';
export { SagaQueries } from './orchestrator/saga-queries';
export type { LiveSagas, SagaDetail, SagaFilter, SagaPage, SagaSummary } from './orchestrator/saga-queries';
export { BLOCKED_BY_COMPENSATION } from './participant/barrier';
export { deliverLateReply, replyLater } from './participant/late-reply';
export type { LateReplyOutcome, LaterOr, LateStep, ReplyLater } from './participant/late-reply';
export type {
  CommandHandler,
  HandlerOptions,
  ParticipantContext,
  ParticipantRuntime,
  PropagationHooks,
} from './participant/participant-runtime';
export type { RelayOptions } from './outbox/outbox-relay';
export type { SagaMetrics } from './saga-metrics';
export { deleteExpired } from './retention';
export type { RetentionOptions } from './retention';
export { SagaCommandHandler, SagaModule } from './saga.module';
export type { SagaModuleAsyncOptions } from './saga.module';
export { SagaRuntime } from './saga-runtime';
export type { SagaRuntimeOptions } from './saga-runtime';
export { DEFAULT_TOPOLOGY, SagaSubjects } from './transport/topology';
export type { TopologyOptions } from './transport/topology';
export { sagaMigrations } from './migrations';
