import type { QuoteRequest } from '@zhongtai/contracts';
import { ArrayMaxSize, IsArray, IsString } from 'class-validator';

/** The skus of an order's lines (an order has at most 50). */
export class QuoteDto implements QuoteRequest {
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  skus!: string[];
}
