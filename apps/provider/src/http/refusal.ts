import { HttpStatus } from '@nestjs/common';
import { ProblemException } from '@zhongtai/platform';

/** An expected refusal (a closed payment, a wrong token): a value until the controller answers it. */
export interface Refusal {
  refused: true;
  status: HttpStatus;
  code: string;
  detail: string;
}

export type Outcome<T> = { refused: false; value: T } | Refusal;

export const accepted = <T>(value: T): Outcome<T> => ({ refused: false, value });

export const refusal = (status: HttpStatus, code: string, detail: string): Refusal => ({
  refused: true,
  status,
  code,
  detail,
});

/** The one place a refusal becomes problem+json. */
export function answer<T>(outcome: Outcome<T>): T {
  if (outcome.refused) throw new ProblemException(outcome.status, outcome.code, outcome.detail);
  return outcome.value;
}
