import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AdjustStockDto } from './adjust-stock.dto';

function invalidFields(body: object): string[] {
  const errors = validateSync(plainToInstance(AdjustStockDto, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((error) => error.property);
}

const valid = { sku: 'green-tea', delta: -3, reference: 'receipt-42' };

describe('AdjustStockDto', () => {
  it('accepts additions and removals up to ten million units', () => {
    expect(invalidFields(valid)).toEqual([]);
    expect(invalidFields({ ...valid, delta: 10_000_000 })).toEqual([]);
    expect(invalidFields({ ...valid, delta: -10_000_000 })).toEqual([]);
  });

  it.each([
    ['delta', { delta: 0 }],
    ['delta', { delta: 10_000_001 }],
    ['delta', { delta: -10_000_001 }],
    ['delta', { delta: 1.5 }],
    ['reference', { reference: '' }],
    ['reference', { reference: 'r'.repeat(201) }],
    ['sku', { sku: 42 }],
    ['stockOnHand', { stockOnHand: 100 }],
  ])('refuses an invalid %s', (field, change) => {
    expect(invalidFields({ ...valid, ...change })).toEqual([field]);
  });
});
