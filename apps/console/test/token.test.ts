import { describe, expect, it } from 'vitest';
import { tokenFromUrl, urlWithoutToken } from '../web/token';

describe('console token in the address', () => {
  it('is found in the query or in the hash route, and removed from both', () => {
    expect(tokenFromUrl('http://127.0.0.1:7300/?token=abc#/sweeps/s1')).toBe('abc');
    expect(tokenFromUrl('http://127.0.0.1:7300/#/sweeps/s1?token=xyz&tab=fits')).toBe('xyz');
    expect(tokenFromUrl('http://127.0.0.1:7300/#/sweeps/s1')).toBeUndefined();
    expect(urlWithoutToken('http://127.0.0.1:7300/?token=abc&x=1#/sweeps/s1')).toBe('http://127.0.0.1:7300/?x=1#/sweeps/s1');
    expect(urlWithoutToken('http://127.0.0.1:7300/?token=abc#/sweeps/s1')).toBe('http://127.0.0.1:7300/#/sweeps/s1');
    expect(urlWithoutToken('http://127.0.0.1:7300/#/sweeps/s1?token=xyz&tab=fits')).toBe('http://127.0.0.1:7300/#/sweeps/s1?tab=fits');
    expect(urlWithoutToken('http://127.0.0.1:7300/#/sweeps/s1?token=xyz')).toBe('http://127.0.0.1:7300/#/sweeps/s1');
  });
});
