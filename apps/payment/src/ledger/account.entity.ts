import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { centsTransformer } from './cents.transformer';

export type AccountKind = 'WALLET' | 'FUNDING' | 'MERCHANT';

/**
 * A ledger account and its running balance: one wallet per customer, the merchant that charges
 * are paid to, and the funding account that every credit comes from (so it goes negative).
 */
@Entity('accounts')
export class Account {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  kind!: AccountKind;

  @Column({ name: 'customer_id', type: 'uuid', nullable: true })
  customerId!: string | null;

  @Column({ name: 'balance_cents', type: 'bigint', transformer: centsTransformer })
  balanceCents!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
