import { randomBytes } from 'node:crypto';
import type { Phase } from '../engine/saga-state';
import { messageSpanTraceparent, SagaSpanFacts, tracingEnabled } from './saga-tracing';

/** The span that marks a message leaving; a function where describing it costs something. */
export interface MessageSpan {
  name: string;
  facts: SagaSpanFacts;
}

/** Headers every saga command carries; a reply echoes the first four. */
export const SagaHeader = {
  id: 'Saga-Id',
  step: 'Saga-Step',
  phase: 'Saga-Phase',
  attempt: 'Saga-Attempt',
  command: 'Saga-Command',
  replyTo: 'Saga-Reply-To',
  traceparent: 'traceparent',
} as const;

export interface CommandAddress {
  sagaId: string;
  step: number;
  phase: Phase;
  attempt: number;
}

export function addressHeaders(address: CommandAddress): Record<string, string> {
  return {
    [SagaHeader.id]: address.sagaId,
    [SagaHeader.step]: String(address.step),
    [SagaHeader.phase]: address.phase,
    [SagaHeader.attempt]: String(address.attempt),
  };
}

/** Reads the address of a command or reply from its headers; undefined if any is malformed. */
export function readAddress(get: (name: string) => string | undefined): CommandAddress | undefined {
  const sagaId = get(SagaHeader.id);
  const step = Number(get(SagaHeader.step));
  const phase = get(SagaHeader.phase);
  const attempt = Number(get(SagaHeader.attempt));
  if (!sagaId || !Number.isInteger(step) || !Number.isInteger(attempt)) return undefined;
  if (phase !== 'action' && phase !== 'compensation') return undefined;
  return { sagaId, step, phase, attempt };
}

/**
 * W3C trace context: one trace per saga, a new span for every message it sends.
 * https://www.w3.org/TR/trace-context/#traceparent-header
 * With a tracer, the span is a real one (`span` names it; see saga-tracing.ts); without, only
 * its id is minted here, so that the messages of a saga still share one trace id.
 */
export function childTraceparent(parent: string | undefined, span?: MessageSpan | (() => MessageSpan)): string {
  const described = span && tracingEnabled() ? (typeof span === 'function' ? span() : span) : undefined;
  const traced = described && messageSpanTraceparent(described.name, parent, described.facts);
  if (traced) return traced;
  const match = parent && /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(parent);
  const traceId = match ? match[1] : randomHex(16);
  const flags = match ? match[2] : '01';
  return `00-${traceId}-${randomHex(8)}-${flags}`;
}

/**
 * Random bytes as hex, cut from a pool filled 4 KiB at a time: ids need to be unique, not
 * secret, and a call into the system's generator for every message showed in the profile.
 */
const pool = { bytes: Buffer.alloc(0), offset: 0 };
function randomHex(length: number): string {
  if (pool.offset + length > pool.bytes.length) {
    pool.bytes = randomBytes(4096);
    pool.offset = 0;
  }
  pool.offset += length;
  return pool.bytes.toString('hex', pool.offset - length, pool.offset);
}
