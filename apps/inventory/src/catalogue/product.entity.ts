import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A sellable item and its stock: on hand, and how much of that reservations hold. */
@Entity('products')
export class Product {
  @PrimaryColumn({ type: 'text' })
  sku!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'price_cents', type: 'integer' })
  priceCents!: number;

  @Column({ name: 'stock_on_hand', type: 'integer' })
  stockOnHand!: number;

  @Column({ type: 'integer' })
  reserved!: number;

  @Column({ type: 'integer' })
  sold!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
