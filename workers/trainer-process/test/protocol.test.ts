import { describe, expect, it } from 'vitest';
import { LineSplitter, parseMessage, ProtocolError } from '../src/index';

const enc = (s: string) => new TextEncoder().encode(s);

describe('protocol lines', () => {
  it('parses every message type', () => {
    expect(parseMessage('{"type":"metrics","step":3,"values":{"train_loss":0.5,"acc":1}}', 1)).toEqual({ type: 'metrics', step: 3, values: { train_loss: 0.5, acc: 1 } });
    expect(parseMessage('{"type":"progress","step":0}', 1)).toEqual({ type: 'progress', step: 0 });
    expect(parseMessage('{"type":"checkpoint","step":50,"path":"ckpt-50.npz"}', 1)).toEqual({ type: 'checkpoint', step: 50, path: 'ckpt-50.npz' });
    expect(parseMessage('{"type":"checkpoint","step":50}', 1)).toEqual({ type: 'checkpoint', step: 50 });
    expect(parseMessage('{"type":"counts","params":101770,"flops":1.2e12}', 1)).toEqual({ type: 'counts', params: 101770, flops: 1.2e12 });
    expect(parseMessage('{"type":"result","final":{"eval_loss":0.41},"params":7}', 1)).toEqual({ type: 'result', status: 'completed', final: { eval_loss: 0.41 }, params: 7 });
    expect(parseMessage('{"type":"invalid_config","reason":"no GPU"}', 1)).toEqual({ type: 'invalid_config', reason: 'no GPU' });
  });

  it('reads non-finite values written as null or strings (JSON has no NaN)', () => {
    const m = parseMessage('{"type":"metrics","step":1,"values":{"a":null,"b":"NaN","c":"Infinity","d":"-Infinity"}}', 1);
    expect(m.type === 'metrics' && m.values).toEqual({ a: NaN, b: NaN, c: Infinity, d: -Infinity });
  });

  it('names the line and the field of a mistake', () => {
    const cases: [string, string][] = [
      ['garbage', 'line 7: expected a JSON object, got "garbage"'],
      ['[1,2]', 'line 7: expected a JSON object, got "[1,2]"'],
      ['{"type":"metric","step":1}', 'line 7: type: expected one of metrics, progress, checkpoint, counts, result, invalid_config, got "metric"'],
      ['{"type":"metrics","step":-1,"values":{}}', 'line 7: step: expected an integer ≥ 0, got -1'],
      ['{"type":"metrics","step":1.5,"values":{}}', 'line 7: step: expected an integer ≥ 0, got 1.5'],
      ['{"type":"metrics","step":1}', 'line 7: values: expected an object of metric name → number, got nothing'],
      ['{"type":"metrics","step":1,"values":{"loss":"low"}}', 'line 7: values.loss: expected a number (or null, "NaN", "Infinity", "-Infinity"), got "low"'],
      ['{"type":"counts","params":-3}', 'line 7: params: expected a finite number ≥ 0, got -3'],
      ['{"type":"result","status":"ok"}', 'line 7: status: expected "completed" or "diverged", got "ok"'],
    ];
    for (const [line, message] of cases) {
      expect(() => parseMessage(line, 7), line).toThrow(ProtocolError);
      expect(() => parseMessage(line, 7), line).toThrow(`trainer protocol error on fd 3, ${message}`);
    }
  });

  it('splits chunks into numbered lines and keeps an unterminated tail apart', () => {
    const s = new LineSplitter();
    expect(s.push(enc('{"a":1}\n{"b"'))).toEqual([{ line: 1, text: '{"a":1}' }]);
    expect(s.push(enc(':2}\r\n\n{"c":'))).toEqual([
      { line: 2, text: '{"b":2}' },
      { line: 3, text: '' },
    ]);
    expect(s.rest()).toEqual({ line: 4, text: '{"c":' });
    expect(s.rest()).toBeUndefined();
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const s = new LineSplitter();
    const bytes = enc('{"name":"λ"}\n');
    expect(s.push(bytes.slice(0, 10))).toEqual([]);
    expect(s.push(bytes.slice(10))).toEqual([{ line: 1, text: '{"name":"λ"}' }]);
  });
});
