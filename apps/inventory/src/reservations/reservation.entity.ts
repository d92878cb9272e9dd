import type { OrderLine } from '@zhongtai/contracts';
import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Where an order's stock is: held (`RESERVED`), sold (`COMMITTED`) or given back (`RELEASED`,
 * after a compensation or a restock). One per order.
 */
export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED';

export const RESERVATION_STATUSES: readonly ReservationStatus[] = ['RESERVED', 'COMMITTED', 'RELEASED'];

/** The stock one order holds, line by line, and where it stands. */
@Entity('reservations')
export class Reservation {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'order_id', type: 'uuid', unique: true })
  orderId!: string;

  @Column({ type: 'text' })
  status!: ReservationStatus;

  /** The order's lines as held: one per sku, sorted by sku. */
  @Column({ type: 'jsonb' })
  lines!: OrderLine[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
