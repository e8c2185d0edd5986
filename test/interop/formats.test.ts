import { describe, expect, it } from 'vitest';
import { InstanceDecodeError } from '../../lib/sd/errors/instance-decode.error.js';
import { InvalidServiceError } from '../../lib/sd/errors/invalid-service.error.js';
import { curatorRegistration } from '../../lib/sd/formats/curator-registration.js';
import { detectInstanceFormat } from '../../lib/sd/formats/detect-instance-format.js';
import { decodeInstance, instanceDecoder } from '../../lib/sd/formats/instance-decoder.js';
import { registrationInFormat } from '../../lib/sd/formats/registration-in-format.js';
import { READ_FORMATS } from '../../lib/sd/instance-format.js';
import { bytesOf, describedFields, readCases, writeFixtures } from './fixtures.js';

const includeNotUp = instanceDecoder({ includeNotUp: true });

describe.each(READ_FORMATS)('reading %s nodes (fixtures/%s.json)', (format) => {
  it.each(readCases(format))('$name', (testCase) => {
    const node = {
      name: testCase.node,
      path: `/services/hello/${testCase.node}`,
      data: bytesOf(testCase),
    };
    if (testCase.skipped !== undefined) {
      expect(() => decodeInstance(node)).toThrow(InstanceDecodeError);
      expect(() => decodeInstance(node)).toThrow(testCase.skipped);
      expect(() => decodeInstance(node)).toThrow(node.path);
      return;
    }
    const { traits, ...fields } = testCase.expect!;
    expect(detectInstanceFormat(node.data, node.name).format).toBe(fields.format);
    // Read by name exactly when the format is Dubbo's: an instancer reads no data for it.
    expect(decodeInstance.decodesFromName?.(node.name)).toBe(fields.format === 'dubbo');
    const decoded = testCase.notUp ? includeNotUp(node) : decodeInstance(node);
    expect(decoded).toBeDefined();
    expect(describedFields(decoded!)).toEqual(fields);
    if (traits) {
      const { weight, zone, ports } = decoded!;
      expect({ weight, zone, ports }).toEqual({
        weight: traits.weight,
        zone: traits.zone,
        ports: traits.ports,
      });
    }
    expect(decoded!.id).toBe(testCase.node);
    expect(decoded!.path).toBe(node.path);
    expect(decoded!.raw.equals(node.data)).toBe(true);
    if (testCase.notUp) expect(decodeInstance(node)).toBeUndefined();
  });
});

describe('writing Curator and Spring nodes (fixtures/written.json)', () => {
  const { cases, rejected } = writeFixtures();

  it.each(cases)('$name: exact bytes, and they read back', (testCase) => {
    const written = curatorRegistration(testCase.input);
    expect(Buffer.from(written.service.data).toString('utf8')).toBe(testCase.bytes);
    expect(written.service).toMatchObject({ path: '/services', name: 'hello' });
    expect(written.id).toBe(testCase.input.id);
    expect(written.format.format).toBe(testCase.input.format);
    const node = {
      name: written.id,
      path: `/services/hello/${written.id}`,
      data: Buffer.from(written.service.data),
    };
    const read = includeNotUp(node)!;
    expect(read.format).toBe(testCase.input.format);
    expect(read.address).toBe(testCase.input.address);
    expect(read.port).toBe(testCase.input.port);
    expect(read.sslPort).toBe(testCase.input.sslPort);
    if (testCase.input.format === 'spring') {
      expect(read.metadata).toEqual({
        instance_status: testCase.input.status ?? 'UP',
        ...testCase.input.metadata,
      });
    }
  });

  it.each(rejected)('refuses $name with a clear error', (testCase) => {
    expect(() => curatorRegistration(testCase.input)).toThrow(InvalidServiceError);
    expect(() => curatorRegistration(testCase.input)).toThrow(testCase.error);
  });

  it('gives each registration a fresh UUID and the current time unless told', () => {
    const input = {
      format: 'curator' as const,
      basePath: '/services',
      name: 'hello',
      address: '127.0.0.1',
      port: 8080,
    };
    const before = Date.now();
    const a = curatorRegistration(input);
    const b = curatorRegistration(input);
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.id).not.toBe(a.id);
    const json = JSON.parse(Buffer.from(a.service.data).toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(json.id).toBe(a.id);
    expect(json.registrationTimeUTC).toBeGreaterThanOrEqual(before);
    expect(json.registrationTimeUTC).toBeLessThanOrEqual(Date.now());
  });
});

describe('read-only formats', () => {
  it.each(['dubbo', 'finagle'])(
    'refuses a registration in %s, saying it is read but never written',
    (format) => {
      const spec = {
        format: format as 'gokit',
        path: '/services',
        name: 'hello',
        address: { scheme: 'http', host: '127.0.0.1', port: 8080 },
        data: 'http://127.0.0.1:8080',
      };
      expect(() => registrationInFormat(spec)).toThrow(InvalidServiceError);
      expect(() => registrationInFormat(spec)).toThrow(
        `Invalid registration format "${format}" for "hello": "${format}" is read (dubbo, finagle) but never written. Use one of gokit, curator, spring.`,
      );
    },
  );
});
