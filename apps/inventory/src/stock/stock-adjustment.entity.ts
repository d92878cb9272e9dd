import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An operator's change of stock on hand, kept under its reference so that a retry applies it once. */
@Entity('stock_adjustments')
export class StockAdjustment {
  @PrimaryColumn({ type: 'text' })
  reference!: string;

  @Column({ type: 'text' })
  sku!: string;

  @Column({ type: 'integer' })
  delta!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
