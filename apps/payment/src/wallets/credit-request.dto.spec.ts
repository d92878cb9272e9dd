import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreditRequestDto } from './credit-request.dto';

async function invalidFields(body: object): Promise<string[]> {
  const errors = await validate(plainToInstance(CreditRequestDto, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return errors.map((error) => error.property);
}

const valid = { customerId: '7d1c2d4e-1f0a-4c55-9a51-4c0f3a9b2e10', amountCents: 100, reference: 'top-up-1' };

describe('a credit request', () => {
  it('accepts a whole amount from 1 cent to one million yuan with a reference of 1 to 200 characters', async () => {
    expect(await invalidFields(valid)).toEqual([]);
    expect(await invalidFields({ ...valid, amountCents: 1, reference: 'r' })).toEqual([]);
    expect(await invalidFields({ ...valid, amountCents: 100_000_000, reference: 'r'.repeat(200) })).toEqual([]);
  });

  it.each([0, -5, 1.5, 100_000_001, '100'])('refuses an amount of %p', async (amountCents) => {
    expect(await invalidFields({ ...valid, amountCents })).toEqual(['amountCents']);
  });

  it.each(['', 'r'.repeat(201), 42])('refuses the reference %p', async (reference) => {
    expect(await invalidFields({ ...valid, reference })).toEqual(['reference']);
  });

  it('refuses a customer id that is not a UUID and any field it does not know', async () => {
    expect(await invalidFields({ ...valid, customerId: 'alice' })).toEqual(['customerId']);
    expect(await invalidFields({ ...valid, currency: 'CNY' })).toEqual(['currency']);
  });
});
