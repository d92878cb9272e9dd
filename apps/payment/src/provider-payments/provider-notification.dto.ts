import { IsString, MaxLength } from 'class-validator';
import type { ProviderNotificationDelivery } from '@zhongtai/contracts';
import { IsIn, IsInt, IsISO8601, Min } from 'class-validator';

/** What the gateway passes on of a notification: the body exactly as received, and the signing headers. */
export class ProviderNotificationDeliveryDto implements ProviderNotificationDelivery {
  @IsString()
  @MaxLength(16_384)
  rawBody!: string;

  @IsString()
  @MaxLength(20)
  timestamp!: string;

  @IsString()
  @MaxLength(128)
  nonce!: string;

  @IsString()
  @MaxLength(128)
  signature!: string;
}

/** The notification's body, checked once its signature is: the provider's word, still validated. */
export class ProviderNotificationBody {
  @IsString() @MaxLength(64) notificationId!: string;
  @IsString() @MaxLength(64) paymentId!: string;
  @IsString() @MaxLength(64) merchantOrderId!: string;
  @IsIn(['SUCCEEDED', 'FAILED', 'REFUNDED']) status!: 'SUCCEEDED' | 'FAILED' | 'REFUNDED';
  @IsInt() @Min(1) amountCents!: number;
  @IsISO8601() occurredAt!: string;
}
