import { describe, expect, it } from 'vitest';
import { ZonePreference } from '../../lib/sd/lb/zone-preference.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import {
  RecordingLogger,
  settableInstances,
  type TraitSpec,
} from '../support/fixed-instance-source.js';

/**
 * Every instance, and those not ejected: what the endpointer and the outlier detector give. The
 * eligible lists are new arrays only when something changed, as the detector's are.
 */
function fleet(specs: readonly TraitSpec[]) {
  const all = settableInstances(specs);
  const ejected = new Set<string>();
  let version = 0;
  let built:
    | {
        from: readonly string[];
        version: number;
        endpoints: string[];
        instances: ServiceInstance[];
      }
    | undefined;
  const current = () => {
    if (built?.from !== all.endpoints() || built.version !== version) {
      const keep = all.endpoints().map((id) => !ejected.has(id));
      built = {
        from: all.endpoints(),
        version,
        endpoints: all.endpoints().filter((_, i) => keep[i]),
        instances: all.instances().filter((_, i) => keep[i]),
      };
    }
    return built;
  };
  return {
    all,
    eligible: {
      name: all.name,
      endpoints: () => current().endpoints,
      instances: () => current().instances,
    },
    eject(...ids: string[]) {
      for (const id of ids) ejected.add(id);
      version++;
    },
    readmit(...ids: string[]) {
      for (const id of ids) ejected.delete(id);
      version++;
    },
  };
}

const specs: TraitSpec[] = [
  { id: 'a1', zone: 'eu-1' },
  { id: 'a2', zone: 'eu-1' },
  { id: 'a3', zone: 'eu-1' },
  { id: 'b1', zone: 'eu-2' },
  { id: 'b2', zone: 'eu-2' },
  { id: 'n1' },
];

describe('zone preference', () => {
  it("picks only the caller's zone while enough of it is healthy, and spills over below that", () => {
    const paths = fleet(specs);
    const logger = new RecordingLogger();
    const zone = new ZonePreference(paths.all, paths.eligible, { zone: 'eu-1' }, logger);
    expect(zone.endpoints()).toEqual(['a1', 'a2', 'a3']);
    expect(zone.instances().map((instance) => instance.id)).toEqual(['a1', 'a2', 'a3']);
    paths.eject('a1');
    // 2 of 3 healthy: over the default 0.5.
    expect(zone.endpoints()).toEqual(['a2', 'a3']);
    paths.eject('a2');
    // 1 of 3: under it, every eligible instance of any zone.
    expect(zone.endpoints()).toEqual(['a3', 'b1', 'b2', 'n1']);
    expect(zone.routing()).toEqual({ zone: 'eu-1', healthy: 1, registered: 3, spilling: true });
    expect(logger.matching('spill over')).toEqual([
      '/services/hello: 1 of 3 instance(s) of zone eu-1 may be called (under 0.5 of them); calls spill over to every zone',
    ]);
    paths.readmit('a1', 'a2');
    expect(zone.endpoints()).toEqual(['a1', 'a2', 'a3']);
    expect(zone.routing().spilling).toBe(false);
    expect(logger.matching('stay in zone')).toHaveLength(1);
  });

  it('spills over when the zone has no instance, and comes back when one registers', () => {
    const paths = fleet(specs);
    const zone = new ZonePreference(
      paths.all,
      paths.eligible,
      { zone: 'us-1' },
      new RecordingLogger(),
    );
    expect(zone.endpoints()).toHaveLength(6);
    paths.all.set([...specs, { id: 'u1', zone: 'us-1' }]);
    expect(zone.endpoints()).toEqual(['u1']);
  });

  it('stays quiet on a path whose instances name no zone (go-kit services): nothing to prefer', () => {
    const paths = fleet([{ id: 'g1' }, { id: 'g2' }]);
    const logger = new RecordingLogger();
    const zone = new ZonePreference(paths.all, paths.eligible, { zone: 'eu-1' }, logger);
    expect(zone.endpoints()).toEqual(['g1', 'g2']);
    expect(zone.routing()).toEqual({ zone: 'eu-1', healthy: 0, registered: 0, spilling: false });
    expect(logger.lines).toEqual([]);
  });

  it('takes its threshold from minHealthyShare: 1 spills at the first ejection, 0 never', () => {
    const strict = fleet(specs);
    const one = new ZonePreference(
      strict.all,
      strict.eligible,
      { zone: 'eu-1', minHealthyShare: 1 },
      new RecordingLogger(),
    );
    strict.eject('a3');
    expect(one.endpoints()).toHaveLength(5);
    const lax = fleet(specs);
    const zero = new ZonePreference(
      lax.all,
      lax.eligible,
      { zone: 'eu-1', minHealthyShare: 0 },
      new RecordingLogger(),
    );
    lax.eject('a1', 'a2');
    expect(zero.endpoints()).toEqual(['a3']);
    lax.eject('a3');
    // None left in the zone: spill over whatever the threshold.
    expect(zero.endpoints()).toEqual(['b1', 'b2', 'n1']);
  });

  it('hands back the eligible arrays themselves when every eligible instance is local', () => {
    const paths = fleet([
      { id: 'a1', zone: 'eu-1' },
      { id: 'a2', zone: 'eu-1' },
    ]);
    const zone = new ZonePreference(
      paths.all,
      paths.eligible,
      { zone: 'eu-1' },
      new RecordingLogger(),
    );
    expect(zone.endpoints()).toBe(paths.eligible.endpoints());
    expect(zone.endpoints()).toBe(zone.endpoints());
  });

  it('refuses an empty zone and a share outside [0, 1], naming them', () => {
    const paths = fleet(specs);
    const make = (options: { zone: string; minHealthyShare?: number }) => () =>
      new ZonePreference(paths.all, paths.eligible, options, new RecordingLogger());
    expect(make({ zone: ' ' })).toThrow(
      /Invalid option `zone`: " ". Name the caller's zone, e.g. "eu-1a"/,
    );
    expect(make({ zone: 'eu-1', minHealthyShare: 1.5 })).toThrow(
      'Invalid option `zone.minHealthyShare`: 1.5. Give a number from 0 to 1 (default 0.5).',
    );
  });
});
