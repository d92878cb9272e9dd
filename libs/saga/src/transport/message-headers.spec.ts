import { addressHeaders, childTraceparent, readAddress } from './message-headers';

const address = { sagaId: 'saga-1', step: 2, phase: 'compensation' as const, attempt: 3 };

describe('saga message headers', () => {
  it('writes an address as the four headers and reads it back', () => {
    const headers = addressHeaders(address);
    expect(headers).toEqual({
      'Saga-Id': 'saga-1',
      'Saga-Step': '2',
      'Saga-Phase': 'compensation',
      'Saga-Attempt': '3',
    });
    expect(readAddress((name) => headers[name])).toEqual(address);
    expect(readAddress((name) => ({ ...headers, 'Saga-Phase': 'action' })[name])).toEqual({
      ...address,
      phase: 'action',
    });
  });

  it.each([
    ['no saga id', { 'Saga-Id': undefined }],
    ['a step that is not an integer', { 'Saga-Step': '1.5' }],
    ['a missing step', { 'Saga-Step': undefined }],
    ['an attempt that is not a number', { 'Saga-Attempt': 'x' }],
    ['an unknown phase', { 'Saga-Phase': 'undo' }],
    ['no phase', { 'Saga-Phase': undefined }],
  ])('reads no address from headers with %s', (_case, change) => {
    const headers: Record<string, string | undefined> = { ...addressHeaders(address), ...change };
    expect(readAddress((name) => headers[name])).toBeUndefined();
  });

  it('continues the trace of its parent with a new span, and starts a sampled trace without one', () => {
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const child = childTraceparent(parent);
    expect(child).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    expect(child).not.toBe(parent);
    for (const missing of [undefined, 'not a traceparent']) {
      const root = childTraceparent(missing);
      expect(root).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(root.slice(3, 35)).not.toBe('0af7651916cd43dd8448eb211c80319c');
    }
    expect(childTraceparent(undefined).slice(3, 35)).not.toBe(childTraceparent(undefined).slice(3, 35));
  });

  it.each([
    ['text before it', 'x00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00'],
    ['text after it', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00x'],
    ['another version', '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00'],
    ['upper-case hex', '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-00'],
    ['a short span id', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-00'],
    ['one-digit flags', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0'],
    ['nothing', ''],
  ])('starts a new trace from a parent with %s', (_case, parent) => {
    const root = childTraceparent(parent);
    expect(root).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(root.slice(3, 35).toLowerCase()).not.toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('keeps the flags of its parent', () => {
    expect(childTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toMatch(/-01$/);
    expect(childTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-a3')).toMatch(
      /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-a3$/,
    );
  });

  it('reads step 0 and attempt 1 as they are, and a saga id whatever its text', () => {
    const headers = addressHeaders({ sagaId: 's', step: 0, phase: 'action', attempt: 1 });
    expect(readAddress((name) => headers[name])).toStrictEqual({ sagaId: 's', step: 0, phase: 'action', attempt: 1 });
    const empty: Record<string, string> = { ...headers, 'Saga-Id': '' };
    expect(readAddress((name) => empty[name])).toBeUndefined();
    const noAttempt: Record<string, string | undefined> = { ...headers, 'Saga-Attempt': undefined };
    expect(readAddress((name) => noAttempt[name])).toBeUndefined();
  });

  it('works out no span without a tracer registered: the description of the span is never called', () => {
    const describe = jest.fn(() => ({ name: 'saga.dispatch action inventory.reserve', facts: { sagaId: 's-1' } }));
    const child = childTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', describe);
    expect(child).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(describe).not.toHaveBeenCalled();
  });
});
