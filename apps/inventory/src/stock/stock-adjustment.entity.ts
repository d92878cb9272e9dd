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

  /** Stock on hand once applied; null for adjustments recorded before it was kept. */
  @Column({ name: 'stock_on_hand_after', type: 'integer', nullable: true })
  stockOnHandAfter!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
