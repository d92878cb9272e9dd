import { defineCommand, failure, success } from './command';

describe('commands', () => {
  it('names a command participant.name', () => {
    expect(defineCommand('inventory', 'reserve')).toStrictEqual({
      participant: 'inventory',
      name: 'reserve',
      type: 'inventory.reserve',
    });
    expect(defineCommand('a', 'b').type).toBe('a.b');
    expect(defineCommand('order2', 'releaseAll-v2').type).toBe('order2.releaseAll-v2');
  });

  it.each([
    ['an upper-case first letter', 'Inventory'],
    ['a digit first', '2inventory'],
    ['a dash first', '-inventory'],
    ['nothing', ''],
    ['a dot', 'stock.reserve'],
    ['an underscore', 'stock_reserve'],
    ['a leading space', ' stock'],
    ['a trailing space', 'stock '],
    ['a trailing character outside the set', 'stock!'],
  ])('refuses %s, as the participant or as the command', (_case, bad) => {
    const message = `command ${bad}.reserve: names are lower camel case letters and digits`;
    expect(() => defineCommand(bad, 'reserve')).toThrow(message);
    expect(() => defineCommand('stock', bad)).toThrow(
      `command stock.${bad}: names are lower camel case letters and digits`,
    );
  });

  it('makes a success with its output, and one without', () => {
    expect(success({ id: 1 })).toStrictEqual({ ok: true, output: { id: 1 } });
    expect(success()).toStrictEqual({ ok: true, output: undefined });
  });

  it('makes a failure with its reason, and its detail only when there is one', () => {
    expect(failure('OUT_OF_STOCK')).toStrictEqual({ ok: false, reason: 'OUT_OF_STOCK' });
    expect(Object.keys(failure('OUT_OF_STOCK'))).toEqual(['ok', 'reason']);
    expect(failure('OUT_OF_STOCK', 'sku A')).toStrictEqual({ ok: false, reason: 'OUT_OF_STOCK', detail: 'sku A' });
    expect(failure('OUT_OF_STOCK', '')).toStrictEqual({ ok: false, reason: 'OUT_OF_STOCK', detail: '' });
  });
});
