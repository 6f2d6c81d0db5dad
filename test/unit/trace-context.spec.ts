import { formatTraceparent, parseTraceparent } from '../../lib/trace/trace-context';
import { loadActiveSpanReader } from '../../lib/trace/active-span';
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceparent (W3C trace-context, level 1)', () => {
  it('reads a valid version-00 header', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({ traceId: TRACE, spanId: SPAN, flags: 1 });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)).toEqual({ traceId: TRACE, spanId: SPAN, flags: 0 });
  });

  it('accepts a later version with extra fields, and ignores them', () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-holds`)).toEqual({ traceId: TRACE, spanId: SPAN, flags: 1 });
  });

  it.each([
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['version 00 with a fifth field', `00-${TRACE}-${SPAN}-01-extra`],
    ['a short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['a short span id', `00-${TRACE}-${SPAN.slice(1)}-01`],
    ['non-hex flags', `00-${TRACE}-${SPAN}-zz`],
    ['non-hex version', `0x-${TRACE}-${SPAN}-01`],
    ['a header sent twice (array)', [`00-${TRACE}-${SPAN}-01`, `00-${TRACE}-${SPAN}-01`]],
    ['a number', 42],
    ['nothing', undefined],
    ['an empty string', ''],
    ['a huge value', `00-${TRACE}-${SPAN}-01-${'a'.repeat(10_000)}`],
  ])('rejects %s', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('writes the header a child span sends on', () => {
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, flags: 1 })).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, flags: 0 }, 'b7ad6b7169203331')).toBe(`00-${TRACE}-b7ad6b7169203331-00`);
  });
});

describe('loadActiveSpanReader', () => {
  // The SDK as an app registers it: an AsyncLocalStorage context manager and a global tracer provider.
  const provider = new NodeTracerProvider();

  beforeAll(() => provider.register());

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('reads the span active in the current async context of the real SDK, and nothing outside one', async () => {
    const read = loadActiveSpanReader()!;
    expect(read).toBeDefined();
    expect(read()).toBeUndefined();
    const tracer = trace.getTracer('test');
    const seen = await tracer.startActiveSpan('work', async (span) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inside = read();
      span.end();
      return { inside, expected: span.spanContext() };
    });
    expect(seen.inside).toEqual({ traceId: seen.expected.traceId, spanId: seen.expected.spanId, flags: seen.expected.traceFlags });
    expect(read()).toBeUndefined();
  });

  it('is undefined when @opentelemetry/api cannot be loaded (an app without it pays nothing)', () => {
    expect(
      loadActiveSpanReader(() => {
        throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
      }),
    ).toBeUndefined();
    expect(loadActiveSpanReader(() => ({}))).toBeUndefined();
  });

  it('never throws into the request when the context manager does', () => {
    const read = loadActiveSpanReader(() => ({
      context: {
        active() {
          throw new Error('broken context manager');
        },
      },
      trace: { getSpanContext: () => undefined },
      isSpanContextValid: () => true,
    }))!;
    expect(read()).toBeUndefined();
  });
});
