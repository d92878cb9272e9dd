import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A storefront account, created by the operator; the gateway authenticates it. */
@Entity('customers')
export class Customer {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  email!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
