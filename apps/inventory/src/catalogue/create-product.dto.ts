import type { CreateProductRequest } from '@zhongtai/contracts';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';

/** A new product; the limits are the database's CHECK constraints, said early and per field. */
export class CreateProductDto implements CreateProductRequest {
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'sku must be 1 to 64 letters, digits, ".", "_" or "-"' })
  sku!: string;

  @IsString()
  @Length(1, 200)
  name!: string;

  @IsInt()
  @Min(0)
  @Max(100_000_000)
  priceCents!: number;

  @IsInt()
  @Min(0)
  @Max(10_000_000)
  stock!: number;
}
