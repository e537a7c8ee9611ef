// The TLS flags are read before anything connects: a missing or non-PEM file, or half a client
// key pair, is one error naming its flag; --ca is taken out of the arguments commander sees.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { takeCaOption } from '../src/ca';
import { gatewayTlsFromFlags, temporalTlsFromFlags } from '../src/tls-options';

const dir = mkdtempSync(join(tmpdir(), 'slab-tlsopt-'));
const pem = join(dir, 'a.pem');
const notPem = join(dir, 'b.txt');
writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
writeFileSync(notPem, 'hello');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--ca', () => {
  it('is taken out of argv in either form, resolved, and checked readable', () => {
    const argv = ['node', 'main', 'status', '--ca', pem, 'abc'];
    expect(takeCaOption(argv, {})).toBe(pem);
    expect(argv).toEqual(['node', 'main', 'status', 'abc']);
    const eq = ['node', 'main', `--ca=${pem}`, 'ls'];
    expect(takeCaOption(eq, {})).toBe(pem);
    expect(eq).toEqual(['node', 'main', 'ls']);
    expect(takeCaOption(['node', 'main', 'ls'], { SLAB_CA: pem })).toBe(pem);
    expect(takeCaOption(['node', 'main', 'ls'], {})).toBeUndefined();
    expect(() => takeCaOption(['node', 'main', '--ca'], {})).toThrow(/^--ca: expected the PEM file/);
    expect(() => takeCaOption(['node', 'main', 'ls'], { SLAB_CA: join(dir, 'missing.pem') })).toThrow(/^SLAB_CA: cannot read .*missing\.pem/);
  });
});

describe('TLS flags', () => {
  it('read PEM files and name the flag of a missing, non-PEM or unpaired one', () => {
    expect(temporalTlsFromFlags({}, {})).toBeUndefined();
    expect(gatewayTlsFromFlags({}, {})).toBeUndefined();
    const tls = temporalTlsFromFlags({ temporalTlsCert: pem, temporalTlsKey: pem, temporalCa: pem, temporalServerName: 'temporal.internal' }, {});
    expect(tls?.clientCertPair?.crt.toString()).toContain('BEGIN CERTIFICATE');
    expect(tls?.serverRootCACertificate).toBeInstanceOf(Buffer);
    expect(tls?.serverNameOverride).toBe('temporal.internal');
    expect(temporalTlsFromFlags({}, { TEMPORAL_TLS_CA: pem })?.serverRootCACertificate).toBeInstanceOf(Buffer);
    expect(() => temporalTlsFromFlags({ temporalTlsCert: pem }, {})).toThrow(/^--temporal-tls-key: expected a PEM file/);
    expect(() => temporalTlsFromFlags({ temporalCa: notPem }, {})).toThrow(/^--temporal-ca: .*b\.txt is not PEM/);
    expect(() => gatewayTlsFromFlags({ tlsKey: pem }, {})).toThrow(/^--tls-cert: expected a PEM file/);
    expect(() => gatewayTlsFromFlags({ tlsCert: join(dir, 'nope.pem'), tlsKey: pem }, {})).toThrow(/^--tls-cert: cannot read .*nope\.pem: ENOENT/);
  });
});
