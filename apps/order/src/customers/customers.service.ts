import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { ProblemException } from '@zhongtai/platform';
import { QueryFailedError, Repository } from 'typeorm';
import { Customer } from './customer.entity';
import { DECOY_HASH, hashPassword, verifyPassword } from './password';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class CustomersService {
  constructor(@InjectRepository(Customer) private readonly customers: Repository<Customer>) {}

  async createCustomer(email: string, password: string, name: string): Promise<{ id: string }> {
    const customer = this.customers.create({
      id: randomUUID(),
      email: email.trim(),
      name: name.trim(),
      passwordHash: await hashPassword(password),
    });
    try {
      await this.customers.insert(customer);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ProblemException(HttpStatus.CONFLICT, 'EMAIL_EXISTS', 'A customer with this email exists');
      }
      throw error;
    }
    return { id: customer.id };
  }

  /** The customer's id if the credentials match; null otherwise, in the same time either way. */
  async authenticate(email: string, password: string): Promise<{ customerId: string } | null> {
    const customer = await this.customers
      .createQueryBuilder('c')
      .where('lower(c.email) = lower(:email)', { email: email.trim() })
      .getOne();
    const matches = await verifyPassword(password, customer?.passwordHash ?? DECOY_HASH);
    return customer && matches ? { customerId: customer.id } : null;
  }

  async exists(customerId: string): Promise<boolean> {
    return this.customers.existsBy({ id: customerId });
  }
}
