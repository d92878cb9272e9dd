import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { centsTransformer } from './cents.transformer';

export type PostingKind = 'CREDIT' | 'CHARGE' | 'REFUND';

/**
 * One business movement of money, made of ledger entries that sum to zero. Unique per
 * (kind, reference): the reference is the order for a charge or a refund, and the operator's
 * reference for a credit.
 */
@Entity('postings')
export class Posting {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: PostingKind;

  @Column({ type: 'text' })
  reference!: string;

  /** The customer whose wallet the posting moves money in or out of. */
  @Column({ name: 'customer_id', type: 'uuid' })
  customerId!: string;

  /** What the posting moves: the sum of its positive entries. */
  @Column({ name: 'amount_cents', type: 'bigint', transformer: centsTransformer })
  amountCents!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
