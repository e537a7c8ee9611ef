import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  type ClientFrame,
  decodeClientFrame,
  decodeServerFrame,
  descriptor,
  encodeClientFrame,
  encodeServerFrame,
  FrameError,
  protoTypes,
  type ServerFrame,
} from '../src/index';

const metrics: ClientFrame = {
  kind: 'metrics',
  metrics: {
    sweepId: 'sw1',
    trialId: 'sw1-t0001',
    seq: 7,
    points: [
      { step: 10, name: 'train_loss', value: 2.5, wallTime: 1_700_000_000.25 },
      { step: 11, name: 'train_loss', value: Number.NaN, wallTime: 1_700_000_001 },
      { step: 12, name: 'train_loss', value: Number.POSITIVE_INFINITY, wallTime: 1_700_000_002 },
      { step: 13, name: 'train_loss', value: Number.NEGATIVE_INFINITY, wallTime: 1_700_000_003 },
    ],
  },
};

/** Encode bypassing our validation, to build frames a buggy peer could send. */
function rawClient(obj: Record<string, unknown>): Uint8Array {
  return protoTypes.ClientFrame.encode(protoTypes.ClientFrame.fromObject(obj)).finish();
}

function expectFrameError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(FrameError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('client frames', () => {
  it('round-trips metrics, keeping NaN and ±inf values', () => {
    const back = decodeClientFrame(encodeClientFrame(metrics));
    expect(back).toEqual(metrics);
    if (back.kind !== 'metrics') throw new Error('kind');
    expect(Number.isNaN(back.metrics.points[1].value)).toBe(true);
    expect(back.metrics.points[2].value).toBe(Infinity);
    expect(back.metrics.points[3].value).toBe(-Infinity);
  });

  it('round-trips every other kind', () => {
    const frames: ClientFrame[] = [
      { kind: 'hello', hello: { token: 'secret', workerId: 'w1' } },
      { kind: 'open', open: { sweepId: 's', trialId: 't' } },
      { kind: 'subscribe', subscribe: { sweepId: '' } },
      {
        kind: 'event',
        event: { sweepId: 's', trialId: 't', seq: 1, status: 'running', infoJson: '{"backend":"cpu"}', wallTime: 5 },
      },
    ];
    for (const f of frames) expect(decodeClientFrame(encodeClientFrame(f))).toEqual(f);
  });

  it('keeps large safe integers for step and seq', () => {
    const big: ClientFrame = {
      kind: 'metrics',
      metrics: { sweepId: 's', trialId: 't', seq: 2 ** 40, points: [{ step: 2 ** 52, name: 'x', value: 1, wallTime: 0 }] },
    };
    expect(decodeClientFrame(encodeClientFrame(big))).toEqual(big);
  });

  it('rejects a truncated buffer', () => {
    const bytes = encodeClientFrame(metrics);
    expectFrameError(() => decodeClientFrame(bytes.subarray(0, bytes.length - 5)), /truncated/);
  });

  it('rejects a wrong wire type on a known field', () => {
    // field 2 (metrics, a message) sent as a varint
    expectFrameError(() => decodeClientFrame(Uint8Array.from([0x10, 0x05])), /ClientFrame\.metrics: wrong wire type 0, expected 2/);
    // nested: MetricFrame.seq (varint) sent as fixed64
    const nested = Uint8Array.from([0x12, 0x09, 0x19, 1, 0, 0, 0, 0, 0, 0, 0]);
    expectFrameError(() => decodeClientFrame(nested), /ClientFrame\.metrics\.seq: wrong wire type 1, expected 0/);
  });

  it('rejects an invalid wire type and an empty buffer', () => {
    expectFrameError(() => decodeClientFrame(Uint8Array.from([0x0f])), /wire type 7/);
    expectFrameError(() => decodeClientFrame(new Uint8Array(0)), /empty buffer/);
  });

  it('rejects a frame without a body', () => {
    // only an unknown field 9
    expectFrameError(() => decodeClientFrame(Uint8Array.from([0x48, 0x01])), /ClientFrame\.body: expected one of hello/);
  });

  it('rejects empty ids, seq 0, no points and bad info JSON', () => {
    const point = { step: 1, name: 'l', value: 1, wallTime: 0 };
    expectFrameError(
      () => decodeClientFrame(rawClient({ metrics: { sweepId: 's', trialId: '', seq: 1, points: [point] } })),
      /ClientFrame\.metrics\.trialId: expected a non-empty string/,
    );
    expectFrameError(
      () => decodeClientFrame(rawClient({ metrics: { sweepId: 's', trialId: 't', seq: 0, points: [point] } })),
      /ClientFrame\.metrics\.seq: expected an integer >= 1, got 0/,
    );
    expectFrameError(
      () => decodeClientFrame(rawClient({ metrics: { sweepId: 's', trialId: 't', seq: 1, points: [] } })),
      /points: expected at least one point/,
    );
    expectFrameError(
      () => decodeClientFrame(rawClient({ metrics: { sweepId: 's', trialId: 't', seq: 1, points: [{ ...point, name: '' }] } })),
      /points\[0\]\.name/,
    );
    expectFrameError(
      () => decodeClientFrame(rawClient({ open: { sweepId: '', trialId: 't' } })),
      /ClientFrame\.open\.sweepId/,
    );
    expectFrameError(
      () => decodeClientFrame(rawClient({ event: { sweepId: 's', trialId: 't', seq: 1, status: 'x', infoJson: '{nope' } })),
      /infoJson: expected JSON object text/,
    );
  });

  it('rejects a seq beyond 2^53 instead of rounding it', () => {
    const bytes = rawClient({ metrics: { sweepId: 's', trialId: 't', seq: '18446744073709551615', points: [{ step: 1, name: 'l', value: 1 }] } });
    expectFrameError(() => decodeClientFrame(bytes), /seq: expected an integer >= 1/);
  });

  it('refuses to encode an invalid frame', () => {
    expectFrameError(() => encodeClientFrame({ kind: 'open', open: { sweepId: 's', trialId: '' } }), /open\.trialId/);
    expectFrameError(() => encodeClientFrame({} as ClientFrame), /ClientFrame\.body/);
  });
});

describe('server frames', () => {
  it('round-trips ack (including seq 0), error and every live update kind', () => {
    const frames: ServerFrame[] = [
      { kind: 'ack', ack: { trialId: 't', seq: 0 } },
      { kind: 'ack', ack: { trialId: 't', seq: 42 } },
      { kind: 'error', error: { message: 'bad token' } },
      { kind: 'update', update: { sweepId: 'sw1', kind: 'fitJson', fitJson: '{"a":1}' } },
      { kind: 'update', update: { sweepId: 'sw1', kind: 'sweepJson', sweepJson: '{"b":2}' } },
      { kind: 'update', update: { sweepId: 'sw1', kind: 'metrics', metrics: metrics.kind === 'metrics' ? metrics.metrics : (undefined as never) } },
      {
        kind: 'update',
        update: { sweepId: 'sw1', kind: 'event', event: { sweepId: 'sw1', trialId: 't', seq: 3, status: 'completed', infoJson: '', wallTime: 1 } },
      },
    ];
    for (const f of frames) expect(decodeServerFrame(encodeServerFrame(f))).toEqual(f);
  });

  it('rejects an update without a body and a truncated buffer', () => {
    const raw = protoTypes.ServerFrame.encode(protoTypes.ServerFrame.fromObject({ update: { sweepId: 's' } })).finish();
    expectFrameError(() => decodeServerFrame(raw), /ServerFrame\.update\.body: expected one of metrics/);
    const ok = encodeServerFrame({ kind: 'error', error: { message: 'something long enough' } });
    expectFrameError(() => decodeServerFrame(ok.subarray(0, 4)), /truncated/);
  });
});

describe('descriptor', () => {
  it('matches proto/metrics.proto (run `npm run generate` after editing the .proto)', () => {
    const protoPath = fileURLToPath(new URL('../proto/metrics.proto', import.meta.url));
    const parsed = protobuf.parse(readFileSync(protoPath, 'utf8'), { keepCase: false }).root.toJSON();
    expect(descriptor).toEqual(JSON.parse(JSON.stringify(parsed)));
  });
});
