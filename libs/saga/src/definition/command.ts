/**
 * A command one participant carries out for a saga: its name, the payload it takes, the
 * output it returns on success and the business reasons it may refuse with. Declared once
 * (in a contracts library) and used by both the saga definition and the participant.
 */
export interface Command<Payload, Output = void, Reason extends string = never> {
  /** The service that carries the command out, e.g. `inventory`. */
  readonly participant: string;
  /** The command within that service, imperative, e.g. `reserve`. */
  readonly name: string;
  /** `participant.name`, e.g. `inventory.reserve`. */
  readonly type: string;
  /** Type-level only: never set at run time. */
  readonly __types?: { payload: Payload; output: Output; reason: Reason };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = Command<any, any, any>;
export type PayloadOf<C> = C extends Command<infer P, unknown, string> ? P : never;
export type OutputOf<C> = C extends Command<unknown, infer O, string> ? O : never;
export type ReasonOf<C> = C extends Command<unknown, unknown, infer R> ? R : never;

const NAME = /^[a-z][a-zA-Z0-9-]*$/;

export function defineCommand<Payload, Output = void, Reason extends string = never>(
  participant: string,
  name: string,
): Command<Payload, Output, Reason> {
  if (!NAME.test(participant) || !NAME.test(name)) {
    throw new Error(`command ${participant}.${name}: names are lower camel case letters and digits`);
  }
  return { participant, name, type: `${participant}.${name}` };
}

/**
 * What a participant's handler returns. Expected business outcomes are values: a success with
 * its output, or a failure with a stable reason code. A thrown error is transient and retried.
 */
export type StepResult<Output, Reason extends string = string> =
  | { readonly ok: true; readonly output: Output }
  | { readonly ok: false; readonly reason: Reason; readonly detail?: string };

export function success<Output>(output: Output): StepResult<Output, never>;
export function success(): StepResult<void, never>;
export function success<Output>(output?: Output): StepResult<Output | undefined, never> {
  return { ok: true, output };
}

export function failure<Reason extends string>(reason: Reason, detail?: string): StepResult<never, Reason> {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}
