import { reservationLines } from './reservation-lines';

describe('reservationLines', () => {
  it('sorts lines by sku so that products are always locked in the same order', () => {
    expect(
      reservationLines([
        { sku: 'b', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'a', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'B', quantity: 2 },
      { sku: 'a', quantity: 3 },
      { sku: 'b', quantity: 1 },
    ]);
  });

  it('adds up the quantities of a sku that appears twice', () => {
    expect(
      reservationLines([
        { sku: 'tea', quantity: 2 },
        { sku: 'cup', quantity: 1 },
        { sku: 'tea', quantity: 5 },
      ]),
    ).toEqual([
      { sku: 'cup', quantity: 1 },
      { sku: 'tea', quantity: 7 },
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a quantity of %p as a bug, not an outcome', (quantity) => {
    expect(() => reservationLines([{ sku: 'tea', quantity }])).toThrow('invalid order line');
  });
});
