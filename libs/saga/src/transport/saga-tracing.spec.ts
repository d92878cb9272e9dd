import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { childTraceparent } from './message-headers';
import { contextOfTraceparent, inSagaSpan, traceparentOf } from './saga-tracing';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const dispatch = {
  name: 'saga.dispatch action inventory.reserve',
  facts: { sagaId: 's-1', sagaType: 'checkout', step: 0 },
};

describe('saga spans with a tracer provider registered', () => {
  const exporter = new tracing.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register());
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it("puts the sending span's own context on the message, a child of the trace it names", () => {
    const traceparent = childTraceparent(PARENT, dispatch);
    const [span] = exporter.getFinishedSpans();
    expect(traceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-01`);
    expect(span.name).toBe('saga.dispatch action inventory.reserve');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span.attributes).toMatchObject({ 'saga.id': 's-1', 'saga.type': 'checkout', 'saga.step': 0 });
  });

  it('hangs a message sent while handling one of the same saga from the handling span', async () => {
    let handling = '';
    let sent = '';
    await inSagaSpan('saga.apply-reply action', { parent: contextOfTraceparent(PARENT, ROOT_CONTEXT) }, (span) => {
      handling = span!.spanContext().spanId;
      sent = childTraceparent(PARENT, dispatch);
      return Promise.resolve();
    });
    const dispatched = exporter.getFinishedSpans().find((s) => s.name === dispatch.name)!;
    expect(dispatched.parentSpanContext?.spanId).toBe(handling);
    expect(sent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${dispatched.spanContext().spanId}-01`);
  });

  it("keeps a message in its own saga's trace while another saga's span is active (grouped work)", async () => {
    await inSagaSpan('saga.group-commit actions', {}, async (other) => {
      expect(traceparentOf(other!).slice(3, 35)).not.toBe(PARENT.slice(3, 35));
      expect(childTraceparent(PARENT, dispatch).slice(3, 35)).toBe(PARENT.slice(3, 35));
    });
  });

  it('records a failure of the work in its span, and passes it on', async () => {
    await expect(
      inSagaSpan('saga.group-commit transitions', {}, () => Promise.reject(new Error('deadlock'))),
    ).rejects.toThrow('deadlock');
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toMatchObject({ code: 2, message: 'deadlock' });
  });

  it('follows an unsampled parent: the message says so, and nothing is recorded', () => {
    const traceparent = childTraceparent(PARENT.replace(/-01$/, '-00'), dispatch);
    expect(traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    expect(traceparent).not.toContain('b7ad6b7169203331');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
