import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { success } from '../definition/command';
import type { AnyCommand, OutputOf, PayloadOf, ReasonOf, StepResult } from '../definition/command';
import { crashPoint } from '../crash-points';
import { GroupCommit, GroupOutcome, outcomeOf } from '../group-commit';
import { writeOutbox } from '../outbox/outbox';
import type { OutboxMessage } from '../outbox/outbox';
import { ACK, Settlement } from '../transport/durable-consumer';
import {
  addressHeaders,
  childTraceparent,
  CommandAddress,
  readAddress,
  SagaHeader,
} from '../transport/message-headers';
import { claimedReply, claimWithReply, runBehindBarrier, storedReply } from './barrier';
import { claimForLateReply, isAwaitedReply, isReplyLater } from './late-reply';
import type { LaterOr } from './late-reply';

type Handler = (manager: EntityManager) => Promise<LaterOr<StepResult<unknown>>>;

/** How a handler's actions are committed. */
export interface HandlerOptions {
  /**
   * Each action in a transaction of its own, never in a group: for a handler that waits on
   * something outside the database (a provider's HTTP API), which would otherwise hold the
   * group's row locks, and every action waiting behind the group, for as long as it waits.
   */
  alone?: boolean;
}

/** An action command waiting for its turn: what to run, where it came from, how to reply. */
interface PendingAction {
  address: CommandAddress;
  run: Handler;
  reply: (result: StepResult<unknown>) => OutboxMessage;
  carried: Record<string, string>;
}

/**
 * Actions in one transaction at a time per process, and up to this many in it. One group in
 * flight because the handlers of a group lock their rows in no common order: two groups at once
 * could deadlock each other, where one action at a time, as before, takes its locks in order.
 */
const ACTION_GROUPS_IN_FLIGHT = 1;
const ACTIONS_PER_GROUP = 32;
/** Groups retried without the action that could not share them, before each runs alone. */
const GROUP_ATTEMPTS = 3;

/** Unwinds the action's transaction: its writes must not stay (a refusal, or a duplicate). */
class RollBack extends Error {
  constructor(readonly refusal?: StepResult<unknown>) {
    super('roll back');
  }
}

/** What a handler knows besides its payload: its transaction and which saga step it serves. */
export interface ParticipantContext {
  /** The local transaction: write through it, and the reply commits with your changes. */
  manager: EntityManager;
  sagaId: string;
  step: number;
  attempt: number;
}

export type CommandHandler<C extends AnyCommand> = (
  payload: PayloadOf<C>,
  context: ParticipantContext,
) => Promise<LaterOr<StepResult<OutputOf<C>, ReasonOf<C>>>>;

/** How the service's request context (correlation id, trace state) travels with a saga's messages. */
export interface PropagationHooks {
  /** The context of the current request, captured when a saga starts. */
  inject(): Record<string, string>;
  /** Runs a handler inside the context a message carries. */
  run<T>(headers: Record<string, string>, work: () => Promise<T>): Promise<T>;
}

/**
 * Executes the commands addressed to one participant: each in a local transaction behind the
 * barrier, its reply written to the participant's outbox in the same transaction, and the
 * message acknowledged only after that transaction committed.
 */
export class ParticipantRuntime {
  private readonly logger: Logger;
  private readonly handlers = new Map<string, CommandHandler<AnyCommand>>();
  /** The command types whose actions run alone (`HandlerOptions.alone`). */
  private readonly alone = new Set<string>();
  private readonly actions = new GroupCommit<PendingAction, void>(
    (action) => `${action.address.sagaId}.${action.address.step}`,
    (group) => this.commitActions(group),
    ACTION_GROUPS_IN_FLIGHT,
    ACTIONS_PER_GROUP,
    'actions',
  );

  constructor(
    readonly participant: string,
    private readonly dataSource: DataSource,
    private readonly propagation: PropagationHooks,
  ) {
    this.logger = new Logger(`SagaParticipant:${participant}`);
  }

  register<C extends AnyCommand>(command: C, handler: CommandHandler<C>, options: HandlerOptions = {}): void {
    if (command.participant !== this.participant) {
      throw new Error(`${command.type} belongs to ${command.participant}, not ${this.participant}`);
    }
    if (this.handlers.has(command.type)) throw new Error(`${command.type} has two handlers`);
    this.handlers.set(command.type, handler as CommandHandler<AnyCommand>);
    if (options.alone) this.alone.add(command.type);
  }

  get commandTypes(): string[] {
    return [...this.handlers.keys()];
  }

  readonly handleMessage = async (message: JsMsg): Promise<Settlement> => {
    const get = (name: string) => message.headers?.get(name) || undefined;
    const address = readAddress(get);
    const commandType = get(SagaHeader.command);
    const replyTo = get(SagaHeader.replyTo);
    const handler = commandType ? this.handlers.get(commandType) : undefined;
    if (!address || !replyTo || !handler) return { term: `no handler or malformed headers for ${message.subject}` };

    const carried = carriedHeaders(message);
    const payload = message.json<unknown>();
    const reply = (result: StepResult<unknown>) => this.reply(address, replyTo, result, carried);
    const run = (manager: EntityManager) =>
      handler(payload, { manager, sagaId: address.sagaId, step: address.step, attempt: address.attempt });

    if (address.phase === 'compensation') {
      await this.propagation.run(carried, () => this.runCompensation(address, run, reply));
    } else if (this.alone.has(commandType!)) {
      await this.propagation.run(carried, () => this.runAction({ address, run, reply, carried }));
    } else {
      await this.actions.submit({ address, run, reply, carried });
    }
    crashPoint('participant.after-commit-before-ack');
    return ACK;
  };

  /**
   * Group commit of actions: the actions waiting together run in one transaction, each
   * handler followed by the statement that claims its barrier and writes its reply, so that
   * under load one BEGIN, one COMMIT and one flush of acks serve many sagas. An action that
   * cannot share the transaction (its handler refused, so its writes must go, or its barrier
   * row exists: a duplicate, or its compensation came first) rolls the group back and leaves
   * it; the rest try again. If a group fails for any other reason, or keeps failing, each of
   * its actions runs alone, and its own error decides whether it is redelivered.
   */
  private async commitActions(group: PendingAction[]): Promise<GroupOutcome<void>[]> {
    const committed = new Set<PendingAction>();
    let together = group;
    for (let attempt = 0; attempt < GROUP_ATTEMPTS && together.length > 1; attempt++) {
      const stray = await this.runTogether(together).catch((error: unknown) => {
        this.logger.debug(`group of ${together.length} actions failed, each runs alone: ${String(error)}`);
        return null;
      });
      if (stray === undefined) together.forEach((action) => committed.add(action));
      if (!stray) break;
      together = together.filter((action) => action !== stray);
    }
    const outcomes: GroupOutcome<void>[] = [];
    for (const action of group) {
      outcomes.push(
        committed.has(action)
          ? { ok: true, value: undefined }
          : await outcomeOf(() => this.propagation.run(action.carried, () => this.runAction(action))),
      );
    }
    return outcomes;
  }

  /** Commits every action in one transaction; otherwise returns the first that could not share it. */
  private async runTogether(actions: PendingAction[]): Promise<PendingAction | undefined> {
    let stray: PendingAction | undefined;
    try {
      await this.dataSource.transaction(async (manager) => {
        for (const action of actions) {
          const result = await this.propagation.run(action.carried, () => action.run(manager));
          if (isReplyLater(result)) {
            if (await claimForLateReply(manager, action.address, action.reply(success(null)))) continue;
            stray = action;
            throw new RollBack();
          }
          if (!result.ok || !(await claimWithReply(manager, action.address, result, action.reply(result)))) {
            stray = action;
            throw new RollBack();
          }
        }
      });
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
    }
    return stray;
  }

  /**
   * One action alone, in one transaction and few round trips: the handler runs, then one
   * statement claims the barrier with the reply and writes the reply to the outbox. If the
   * barrier was already claimed (a duplicate, or a compensation came first: anti-hanging), or
   * the handler refused, everything it wrote is rolled back; a second transaction then records
   * the refusal or answers with the reply stored earlier.
   */
  private async runAction({ address, run, reply }: PendingAction) {
    let refusal: StepResult<unknown> | undefined;
    try {
      await this.dataSource.transaction(async (manager) => {
        const result = await run(manager);
        if (isReplyLater(result)) {
          // The reply comes later (deliverLateReply); its subject and headers wait in the barrier.
          if (!(await claimForLateReply(manager, address, reply(success(null))))) throw new RollBack();
          return;
        }
        if (!result.ok) throw new RollBack(result);
        if (!(await claimWithReply(manager, address, result, reply(result)))) throw new RollBack();
      });
      return;
    } catch (error) {
      if (!(error instanceof RollBack)) {
        if (await this.answeredByBarrier(address, reply)) return;
        throw error;
      }
      refusal = error.refusal;
    }
    await this.dataSource.transaction(async (manager) => {
      if (refusal && (await claimWithReply(manager, address, refusal, reply(refusal)))) return;
      this.logger.debug(`duplicate action for saga ${address.sagaId} step ${address.step}`);
      const stored = await storedReply(manager, address, 'action');
      // A step whose reply comes later is answered by deliverLateReply, not by a redelivery.
      if (!isAwaitedReply(stored)) await writeOutbox(manager, [reply(stored)]);
    });
  }

  /**
   * A handler that threw on business state its compensation (or an earlier delivery of it)
   * left behind, a reservation already released, say, would otherwise be redelivered again and
   * again: the barrier row, if there is one, is the answer the action gets, as it would have had
   * the handler not thrown. Read only on that error path; true if it answered.
   */
  private async answeredByBarrier(address: CommandAddress, reply: (r: StepResult<unknown>) => OutboxMessage) {
    return this.dataSource.transaction(async (manager) => {
      const stored = await claimedReply(manager, address, 'action');
      if (!stored) return false;
      if (isAwaitedReply(stored)) return true;
      this.logger.debug(`action for saga ${address.sagaId} step ${address.step} threw behind a claimed barrier`);
      await writeOutbox(manager, [reply(stored)]);
      return true;
    });
  }

  private async runCompensation(
    address: CommandAddress,
    run: Handler,
    reply: (r: StepResult<unknown>) => OutboxMessage,
  ) {
    await this.dataSource.transaction(async (manager) => {
      const { result } = await runBehindBarrier(manager, address, async () => {
        const result = await run(manager);
        if (isReplyLater(result))
          throw new Error(`${address.sagaId} step ${address.step}: a compensation cannot reply later`);
        return result;
      });
      await writeOutbox(manager, [reply(result)]);
    });
  }

  private reply(
    address: CommandAddress,
    replyTo: string,
    result: StepResult<unknown>,
    carried: Record<string, string>,
  ) {
    const headers = {
      ...carried,
      ...addressHeaders(address),
      [SagaHeader.traceparent]: childTraceparent(carried.traceparent, {
        name: `saga.reply ${address.phase}`,
        facts: { ...address, outcome: result.ok ? 'succeeded' : 'failed' },
      }),
    };
    return { id: randomUUID(), subject: replyTo, payload: result, headers };
  }
}

/** The context headers (correlation id, trace state) a message carries, without transport or saga headers. */
export function carriedHeaders(message: JsMsg): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const [name, values] of message.headers ?? []) {
    if (/^(nats-|saga-)/i.test(name) || values[0] === undefined) continue;
    carried[name] = values[0];
  }
  return carried;
}
