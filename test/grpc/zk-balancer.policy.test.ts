import { connectivityState, experimental, Metadata, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOLUTION_ATTRIBUTE, type ZkResolution } from '../../lib/grpc/grpc-addresses.js';
import { registerZkResolver } from '../../lib/grpc/index.js';
import { ZkBalancerPolicy } from '../../lib/grpc/zk-balancer.policy.js';
import { ZkBalancingConfig } from '../../lib/grpc/zk-balancing.config.js';
import type { ServiceInstance } from '../../lib/sd/index.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';

// Pure logic with fakes: the policy's side of grpc-js (helper, subchannels) replaced by records.

type Listener = (
  subchannel: unknown,
  previous: connectivityState,
  next: connectivityState,
  keepalive: number,
  error?: string,
) => void;

class FakeSubchannel {
  state = connectivityState.IDLE;
  refs = 0;
  connects = 0;
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly address: string,
    readonly args: Record<string, unknown>,
  ) {}

  set(next: connectivityState, error?: string): void {
    const previous = this.state;
    this.state = next;
    for (const listener of [...this.listeners]) listener(this, previous, next, 0, error);
  }

  getConnectivityState = () => this.state;
  addConnectivityStateListener = (listener: Listener) => this.listeners.add(listener);
  removeConnectivityStateListener = (listener: Listener) => this.listeners.delete(listener);
  startConnecting = () => {
    this.connects++;
  };
  getAddress = () => this.address;
  ref = () => {
    this.refs++;
  };
  unref = () => {
    this.refs--;
  };
  getChannelzRef = () => ({ kind: 'subchannel', id: 0, name: this.address });
}

function fakeHelper() {
  const subchannels = new Map<string, FakeSubchannel>();
  const states: { state: connectivityState; picker: experimental.Picker; error: string | null }[] =
    [];
  const helper = {
    createSubchannel: (address: { host: string; port: number }, args: Record<string, unknown>) => {
      const key = `${address.host}:${address.port}`;
      const subchannel = new FakeSubchannel(key, args);
      subchannels.set(key, subchannel);
      return subchannel as unknown as experimental.SubchannelInterface;
    },
    updateState: (state: connectivityState, picker: experimental.Picker, error: string | null) => {
      states.push({ state, picker, error });
    },
    requestReresolution: () => {},
    addChannelzChild: () => {},
    removeChannelzChild: () => {},
  };
  return {
    helper: helper as unknown as experimental.ChannelControlHelper,
    subchannels,
    states,
    last: () => states[states.length - 1]!,
  };
}

function instance(port: number, traits: Partial<ServiceInstance> = {}): ServiceInstance {
  return {
    id: `_c_${port}`,
    path: `/services/hello/grpc/_c_${port}`,
    address: '127.0.0.1',
    port,
    url: `grpc://127.0.0.1:${port}`,
    metadata: {},
    raw: Buffer.from(`grpc://127.0.0.1:${port}`),
    ...traits,
  };
}

/** What the zk: resolver hands the policy for `instances`. */
function resolved(instances: readonly ServiceInstance[]) {
  const endpoints = instances.map((i) => ({ addresses: [{ host: i.address, port: i.port! }] }));
  const resolution: ZkResolution = {
    path: '/services/hello/grpc',
    instances: new Map(instances.map((i) => [`${i.address}:${i.port}`, i])),
  };
  return { endpoints, attributes: { [RESOLUTION_ATTRIBUTE]: resolution } };
}

/** Picks `count` times, reporting each call's end with `code`; returns the addresses picked. */
function pickMany(picker: experimental.Picker, count: number, code = status.OK): string[] {
  const picked: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = picker.pick({ metadata: new Metadata(), extraPickInfo: {} });
    expect(result.pickResultType).toBe(experimental.PickResultType.COMPLETE);
    picked.push(result.subchannel!.getAddress());
    result.onCallStarted?.();
    result.onCallEnded?.(code, '', new Metadata());
  }
  return picked;
}

const tally = (picked: readonly string[]) =>
  picked.reduce<Record<string, number>>((counts, address) => {
    counts[address] = (counts[address] ?? 0) + 1;
    return counts;
  }, {});

const logger = new RecordingLogger();
let unregister: () => void;
beforeAll(() => {
  unregister = registerZkResolver({ logger });
});
afterAll(() => unregister());

describe('the zk_discovery policy', () => {
  it('takes the arguments of grpc-js before 1.13 (options to the constructor, an array, attributes)', () => {
    const { helper, subchannels, last } = fakeHelper();
    const policy = new ZkBalancerPolicy(helper, { 'grpc.keepalive_time_ms': 1000 });
    const { endpoints, attributes } = resolved([instance(5001), instance(5002)]);

    expect(policy.updateAddressList(endpoints, new ZkBalancingConfig(), attributes)).toBe(true);

    expect([...subchannels.keys()]).toEqual(['127.0.0.1:5001', '127.0.0.1:5002']);
    for (const subchannel of subchannels.values()) {
      expect(subchannel.args).toEqual({ 'grpc.keepalive_time_ms': 1000 });
      expect(subchannel.refs).toBe(1);
      expect(subchannel.connects).toBe(1);
    }
    expect(last().state).toBe(connectivityState.CONNECTING);
    expect(last().picker.pick({ metadata: new Metadata(), extraPickInfo: {} }).pickResultType).toBe(
      experimental.PickResultType.QUEUE,
    );

    for (const subchannel of subchannels.values()) subchannel.set(connectivityState.READY);
    expect(last().state).toBe(connectivityState.READY);
    expect(tally(pickMany(last().picker, 10))).toEqual({
      '127.0.0.1:5001': 5,
      '127.0.0.1:5002': 5,
    });
  });

  it('ejects an instance whose calls fail, from the outcomes the picks report', () => {
    const { helper, subchannels, last } = fakeHelper();
    const policy = new ZkBalancerPolicy(helper);
    const { endpoints, attributes } = resolved([instance(5001), instance(5002), instance(5003)]);
    policy.updateAddressList(
      { ok: true, value: endpoints },
      new ZkBalancingConfig(),
      attributes,
      '',
    );
    for (const subchannel of subchannels.values()) subchannel.set(connectivityState.READY);

    // 5001's calls fail twice in a row (picks go in turn: 5001 is first and fourth).
    const picker = last().picker;
    for (let i = 0; i < 6; i++) {
      const result = picker.pick({ metadata: new Metadata(), extraPickInfo: {} });
      const failing = result.subchannel!.getAddress() === '127.0.0.1:5001';
      result.onCallStarted?.();
      result.onCallEnded?.(failing ? status.UNAVAILABLE : status.OK, 'down', new Metadata());
    }

    expect(tally(pickMany(last().picker, 10))).toEqual({
      '127.0.0.1:5002': 5,
      '127.0.0.1:5003': 5,
    });
  });

  it('does not count answers of the service (NOT_FOUND) against an instance', () => {
    const { helper, subchannels, last } = fakeHelper();
    const policy = new ZkBalancerPolicy(helper);
    const { endpoints, attributes } = resolved([instance(5001), instance(5002)]);
    policy.updateAddressList(
      { ok: true, value: endpoints },
      new ZkBalancingConfig(),
      attributes,
      '',
    );
    for (const subchannel of subchannels.values()) subchannel.set(connectivityState.READY);

    pickMany(last().picker, 10, status.NOT_FOUND);

    expect(tally(pickMany(last().picker, 4))).toEqual({ '127.0.0.1:5001': 2, '127.0.0.1:5002': 2 });
  });

  it('follows weights, and keeps calls in its zone until the zone is down', () => {
    const { helper, subchannels, last } = fakeHelper();
    const policy = new ZkBalancerPolicy(helper);
    const { endpoints, attributes } = resolved([
      instance(5001, { zone: 'a', weight: 3 }),
      instance(5002, { zone: 'a', weight: 1 }),
      instance(5003, { zone: 'b' }),
    ]);
    const config = new ZkBalancingConfig({ zone: 'a' });
    policy.updateAddressList({ ok: true, value: endpoints }, config, attributes, '');
    subchannels.get('127.0.0.1:5003')!.set(connectivityState.READY);

    // Zone a is still connecting: calls wait for it rather than leave the zone.
    const waiting = last().picker.pick({ metadata: new Metadata(), extraPickInfo: {} });
    expect(waiting.pickResultType).toBe(experimental.PickResultType.QUEUE);

    subchannels.get('127.0.0.1:5001')!.set(connectivityState.READY);
    subchannels.get('127.0.0.1:5002')!.set(connectivityState.READY);
    expect(tally(pickMany(last().picker, 8))).toEqual({ '127.0.0.1:5001': 6, '127.0.0.1:5002': 2 });

    subchannels.get('127.0.0.1:5001')!.set(connectivityState.TRANSIENT_FAILURE, 'refused');
    subchannels.get('127.0.0.1:5002')!.set(connectivityState.TRANSIENT_FAILURE, 'refused');
    expect(tally(pickMany(last().picker, 3))).toEqual({ '127.0.0.1:5003': 3 });
  });

  it('fails picks with the reason when there is nothing to call', () => {
    const { helper, last } = fakeHelper();
    const policy = new ZkBalancerPolicy(helper);
    const config = new ZkBalancingConfig();

    const error = {
      code: status.UNAVAILABLE,
      details: 'path unreadable',
      metadata: new Metadata(),
    };
    policy.updateAddressList({ ok: false, error }, config, {}, '');
    expect(last().state).toBe(connectivityState.TRANSIENT_FAILURE);
    expect(
      last().picker.pick({ metadata: new Metadata(), extraPickInfo: {} }).status?.details,
    ).toBe('path unreadable');

    const none = resolved([]);
    policy.updateAddressList({ ok: true, value: [] }, config, none.attributes, 'none registered');
    const pick = last().picker.pick({ metadata: new Metadata(), extraPickInfo: {} });
    expect(pick.pickResultType).toBe(experimental.PickResultType.TRANSIENT_FAILURE);
    expect(pick.status?.details).toBe(
      'zk_discovery /services/hello/grpc: no instance to call (none registered)',
    );
  });

  it('keeps the subchannels of instances that stay, and lets the others go', () => {
    const { helper, subchannels } = fakeHelper();
    const policy = new ZkBalancerPolicy(helper);
    const config = new ZkBalancingConfig();
    const first = resolved([instance(5001), instance(5002)]);
    policy.updateAddressList({ ok: true, value: first.endpoints }, config, first.attributes, '');
    const kept = subchannels.get('127.0.0.1:5001')!;

    const next = resolved([instance(5001), instance(5003)]);
    policy.updateAddressList({ ok: true, value: next.endpoints }, config, next.attributes, '');

    expect(subchannels.get('127.0.0.1:5001')).toBe(kept);
    expect(kept.refs).toBe(1);
    expect(subchannels.get('127.0.0.1:5002')!.refs).toBe(0);
    expect(subchannels.get('127.0.0.1:5003')!.refs).toBe(1);

    policy.destroy();
    for (const subchannel of subchannels.values()) expect(subchannel.refs).toBe(0);
  });
});
