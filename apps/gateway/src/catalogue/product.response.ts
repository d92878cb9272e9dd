import { ApiProperty } from '@nestjs/swagger';
import type { ProductView } from '@zhongtai/contracts';

export class ProductResponse implements ProductView {
  @ApiProperty({ example: 'TEA-001' }) sku!: string;
  @ApiProperty({ example: 'Longjing green tea, 250 g' }) name!: string;
  @ApiProperty({ example: 12800, description: 'Unit price in fen' }) priceCents!: number;
  @ApiProperty({ enum: ['CNY'] }) currency!: 'CNY';
  @ApiProperty({ example: 42, description: 'Stock on hand not held by a reservation' }) available!: number;
}
