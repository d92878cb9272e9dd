import { IsInt, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import type { CreditRequest } from '@zhongtai/contracts';

/** The largest single credit: one million yuan. */
export const MAX_CREDIT_CENTS = 100_000_000;

export class CreditRequestDto implements CreditRequest {
  @IsUUID()
  customerId!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_CREDIT_CENTS)
  amountCents!: number;

  /** The operator's reference: the same one again is the same credit, never a second one. */
  @IsString()
  @Length(1, 200)
  reference!: string;
}
