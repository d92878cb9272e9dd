import { context, trace } from '@opentelemetry/api';
import { ConfigError, loadTracingConfig, startTracing } from '@zhongtai/platform';
import { OtlpReceiver } from './otlp-receiver';

describe('tracing configuration', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT and keeps every trace by default', () => {
    expect(loadTracingConfig({})).toEqual({ endpoint: undefined, sampleRatio: 1 });
  });

  it('reads the endpoint without a trailing slash and the share of traces to keep', () => {
    const config = loadTracingConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
    expect(config).toEqual({ endpoint: 'http://jaeger:4318', sampleRatio: 0.1 });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT is invalid'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://jaeger:4317' }, 'OTEL_EXPORTER_OTLP_ENDPOINT is invalid'],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG is invalid'],
    [{ OTEL_TRACES_SAMPLER_ARG: '10%' }, 'OTEL_TRACES_SAMPLER_ARG is invalid'],
  ])('refuses %j', (source, message) => {
    expect(() => loadTracingConfig(source)).toThrow(ConfigError);
    expect(() => loadTracingConfig(source)).toThrow(message);
  });
});

describe('tracing off', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(() => receiver.stop());

  it('starts no SDK: the API hands out spans that record nothing and nothing is exported', async () => {
    const tracing = startTracing('order', loadTracingConfig({}));
    expect(tracing.enabled).toBe(false);

    const span = trace.getTracer('test').startSpan('checkout');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    span.end();
    context.with(trace.setSpan(context.active(), span), () => {
      expect(trace.getActiveSpan()).toBeUndefined();
    });
    await tracing.shutdown();
    expect(receiver.requests).toEqual([]);
  });
});
