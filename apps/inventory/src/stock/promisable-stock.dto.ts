import type { PromisableStockRequest } from '@zhongtai/contracts';
import { ArrayMaxSize, IsArray, IsString, IsUUID } from 'class-validator';

/** The gate asks for its skus and the orders it promised stock to, in chunks that fit a NATS message. */
export class PromisableStockDto implements PromisableStockRequest {
  @IsArray()
  @ArrayMaxSize(1_000)
  @IsString({ each: true })
  skus!: string[];

  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  orderIds!: string[];
}
