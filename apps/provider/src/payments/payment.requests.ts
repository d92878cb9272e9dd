import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  Min,
  MaxLength,
} from 'class-validator';
import type { CreateProviderPayment, CreateProviderRefund } from '@zhongtai/contracts';

/** The largest payment: ten million yuan. */
export const MAX_PAYMENT_CENTS = 1_000_000_000;

const REFERENCE = /^[A-Za-z0-9_.:-]{1,64}$/;

export class CreatePaymentRequest implements CreateProviderPayment {
  @Matches(REFERENCE, { message: 'merchantOrderId must be 1 to 64 letters, digits, _, ., : or -' })
  merchantOrderId!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_PAYMENT_CENTS)
  amountCents!: number;

  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency!: string;

  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  @MaxLength(2000)
  notifyUrl!: string;

  @IsISO8601({ strict: true })
  expiresAt!: string;
}

export class PaymentIdParams {
  @IsUUID()
  id!: string;
}

export class PaymentLookupQuery {
  @Matches(REFERENCE, { message: 'merchantOrderId must be 1 to 64 letters, digits, _, ., : or -' })
  merchantOrderId!: string;
}

export const PAY_OUTCOMES = ['succeed', 'fail'] as const;

/** The customer's payment, as the pay page submits it; `outcome` lets a test decline it. */
export class PayRequest {
  @IsString()
  @MaxLength(200)
  payToken!: string;

  @IsOptional()
  @IsIn(PAY_OUTCOMES)
  outcome?: (typeof PAY_OUTCOMES)[number];
}

export class CreateRefundRequest implements CreateProviderRefund {
  @Matches(REFERENCE, { message: 'refundId must be 1 to 64 letters, digits, _, ., : or -' })
  refundId!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAYMENT_CENTS)
  amountCents?: number;
}
