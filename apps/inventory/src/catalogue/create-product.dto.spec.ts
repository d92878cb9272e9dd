import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateProductDto } from './create-product.dto';

function invalidFields(body: object): string[] {
  const errors = validateSync(plainToInstance(CreateProductDto, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((error) => error.property);
}

const valid = { sku: 'green-tea_1.0', name: 'Green tea', priceCents: 3800, stock: 12 };

describe('CreateProductDto', () => {
  it('accepts a product within the limits', () => {
    expect(invalidFields(valid)).toEqual([]);
    expect(invalidFields({ ...valid, sku: 'x'.repeat(64), priceCents: 100_000_000, stock: 10_000_000 })).toEqual([]);
    expect(invalidFields({ ...valid, priceCents: 0, stock: 0 })).toEqual([]);
  });

  it.each([
    ['sku', { sku: 'green tea' }],
    ['sku', { sku: '' }],
    ['sku', { sku: 'x'.repeat(65) }],
    ['name', { name: '' }],
    ['name', { name: 'n'.repeat(201) }],
    ['priceCents', { priceCents: -1 }],
    ['priceCents', { priceCents: 100_000_001 }],
    ['priceCents', { priceCents: 9.99 }],
    ['stock', { stock: 10_000_001 }],
    ['stock', { stock: '5' }],
    ['reserved', { reserved: 3 }],
  ])('refuses an invalid %s', (field, change) => {
    expect(invalidFields({ ...valid, ...change })).toEqual([field]);
  });
});
