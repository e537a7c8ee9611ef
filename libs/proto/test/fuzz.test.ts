// Property-based tests of the frame codec: whatever bytes arrive, decoding either yields a frame
// that passes validation or throws a FrameError whose message starts with the path of the field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClientFrame, decodeClientFrame, decodeServerFrame, encodeClientFrame, FrameError, type MetricPoint } from '../src/index';

/** A decode attempt: undefined on success, else the FrameError's message (anything else fails the property). */
function decodeOutcome(decode: () => unknown): string | undefined {
  try {
    decode();
    return undefined;
  } catch (err) {
    if (!(err instanceof FrameError)) throw new Error(`expected a FrameError, got ${String(err)}`);
    return err.message;
  }
}

const id = fc.stringMatching(/^[a-z0-9-]{1,24}$/);
const point: fc.Arbitrary<MetricPoint> = fc.record({
  step: fc.nat({ max: 2 ** 40 }),
  name: fc.stringMatching(/^[a-z_]{1,16}$/),
  value: fc.double(),
  wallTime: fc.double({ noNaN: true }),
});
const attempt = fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { nil: undefined });
const clientFrame: fc.Arbitrary<ClientFrame> = fc.oneof(
  fc.record({ kind: fc.constant('hello' as const), hello: fc.record({ token: fc.string({ maxLength: 40 }), workerId: id }) }),
  fc.record({ kind: fc.constant('subscribe' as const), subscribe: fc.record({ sweepId: fc.oneof(fc.constant(''), id) }) }),
  fc.record({ kind: fc.constant('open' as const), open: fc.record({ sweepId: id, trialId: id, attempt }, { requiredKeys: ['sweepId', 'trialId'] }) }),
  fc.record({
    kind: fc.constant('metrics' as const),
    metrics: fc.record(
      { sweepId: id, trialId: id, seq: fc.integer({ min: 1, max: 2 ** 40 }), points: fc.array(point, { minLength: 1, maxLength: 8 }), attempt },
      { requiredKeys: ['sweepId', 'trialId', 'seq', 'points'] },
    ),
  }),
  fc.record({
    kind: fc.constant('event' as const),
    event: fc.record(
      {
        sweepId: id,
        trialId: id,
        seq: fc.integer({ min: 1, max: 2 ** 40 }),
        status: fc.constantFrom('running', 'completed', 'failed'),
        infoJson: fc.oneof(fc.constant(''), fc.dictionary(fc.string({ maxLength: 8 }), fc.integer()).map((o) => JSON.stringify(o))),
        wallTime: fc.double({ noNaN: true }),
        attempt,
      },
      { requiredKeys: ['sweepId', 'trialId', 'seq', 'status', 'infoJson', 'wallTime'] },
    ),
  }),
);

const namesField = (message: string, root: string): boolean => message.startsWith(`${root}`) && /^[A-Za-z]+[\w.[\]]*: /.test(message);

describe('frame decoder, fuzzed', () => {
  it('any bytes: a valid frame or a FrameError naming the field', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        const client = decodeOutcome(() => decodeClientFrame(bytes));
        if (client !== undefined) expect(namesField(client, 'ClientFrame'), client).toBe(true);
        const server = decodeOutcome(() => decodeServerFrame(bytes));
        if (server !== undefined) expect(namesField(server, 'ServerFrame'), server).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('valid frames round-trip exactly', () => {
    fc.assert(
      fc.property(clientFrame, (frame) => {
        expect(decodeClientFrame(encodeClientFrame(frame))).toEqual(frame);
      }),
      { numRuns: 500 },
    );
  });

  it('truncated or corrupted valid frames never decode into something invalid', () => {
    fc.assert(
      fc.property(clientFrame, fc.nat(), fc.nat({ max: 255 }), fc.boolean(), (frame, at, byte, truncate) => {
        const bytes = encodeClientFrame(frame).slice();
        const i = at % bytes.length;
        const mutated = truncate ? bytes.subarray(0, i) : (bytes.set([byte], i), bytes);
        const outcome = decodeOutcome(() => {
          const back = decodeClientFrame(mutated);
          encodeClientFrame(back); // a decoded frame is always re-encodable (passed validation)
        });
        if (outcome !== undefined) expect(namesField(outcome, 'ClientFrame'), outcome).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('frame limits', () => {
  it('refuse long ids, control characters, too many points and out-of-range attempts, naming the field', () => {
    const p = { step: 1, name: 'loss', value: 1, wallTime: 0 };
    const cases: [ClientFrame, RegExp][] = [
      [{ kind: 'open', open: { sweepId: 's'.repeat(201), trialId: 't' } }, /^ClientFrame\.open\.sweepId: expected at most 200 characters, got 201$/],
      [{ kind: 'open', open: { sweepId: 's', trialId: 't\u001b[2J' } }, /^ClientFrame\.open\.trialId: expected no control characters/],
      [{ kind: 'open', open: { sweepId: 's', trialId: 't', attempt: -1 } }, /^ClientFrame\.open\.attempt: expected an attempt number 0\.\.2147483647, got -1$/],
      [{ kind: 'metrics', metrics: { sweepId: 's', trialId: 't', seq: 1, points: [{ ...p, name: 'n'.repeat(129) }] } }, /points\[0\]\.name: expected at most 128/],
      [{ kind: 'metrics', metrics: { sweepId: 's', trialId: 't', seq: 1, points: Array(10_001).fill(p) } }, /metrics\.points: expected at most 10000 points, got 10001$/],
      [{ kind: 'subscribe', subscribe: { sweepId: 'x\u0000' } }, /^ClientFrame\.subscribe\.sweepId: expected no control characters/],
      [{ kind: 'hello', hello: { token: 't'.repeat(1025), workerId: 'w' } }, /^ClientFrame\.hello\.token: expected at most 1024 characters/],
    ];
    for (const [frame, pattern] of cases) expect(() => encodeClientFrame(frame)).toThrow(pattern);
  });
});
