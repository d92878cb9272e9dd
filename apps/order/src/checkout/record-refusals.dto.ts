import type { GateRefusal, RecordRefusalsRequest } from '@zhongtai/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

class RefusedItemDto {
  @IsString() @MaxLength(64) sku!: string;
  @IsString() @MaxLength(200) name!: string;
  @IsInt() @Min(1) quantity!: number;
  @IsInt() @Min(0) unitPriceCents!: number;
  @IsInt() @Min(0) lineTotalCents!: number;
}

class GateRefusalDto implements GateRefusal {
  @IsUUID() orderId!: string;
  @IsUUID() customerId!: string;
  @IsString() @MaxLength(255) idempotencyKey!: string;
  @IsString() @MaxLength(128) requestHash!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RefusedItemDto)
  items!: RefusedItemDto[];
  @IsInt() @Min(0) subtotalCents!: number;
  @IsOptional() @IsString() @MaxLength(64) couponCode!: string | null;
  @IsISO8601() createdAt!: string;
}

export class RecordRefusalsDto implements RecordRefusalsRequest {
  @IsArray()
  @ArrayMaxSize(1_000)
  @ValidateNested({ each: true })
  @Type(() => GateRefusalDto)
  refusals!: GateRefusalDto[];
}
