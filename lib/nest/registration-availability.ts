import type { ZkLogger } from '../client/zk-logger.js';
import { HealthGate, type RegistrationHealthOptions } from '../sd/registrar/health-gate.js';
import type { Registrar, RegistrationState } from '../sd/registrar/registrar.js';

/** This app's registration as `registration$` reports it: the registrar's, or out of service. */
export type AppRegistrationState = RegistrationState | 'out-of-service';

/** Why the app is out of discovery while it keeps running. */
export interface OutOfService {
  /** `maintenance`: `setOutOfService()`; `health`: the registration's health check failed. */
  readonly by: 'maintenance' | 'health';
  readonly reason: string;
  /** Epoch ms. */
  readonly since: number;
}

/** What the availability needs of the discovery service. */
export interface AvailabilityHost {
  registrar(): Registrar | undefined;
  /**
   * The node data with this Spring status (`OUT_OF_SERVICE`, or the configured one), or undefined
   * for formats that have no status: their node is deleted while out of service.
   */
  dataWithStatus(outOfService: boolean): Buffer | string | undefined;
  shuttingDown(): boolean;
  publish(state: AppRegistrationState): void;
  readonly logger: ZkLogger;
  readonly deregisterTimeoutMs: number;
}

/**
 * Takes the app out of discovery and puts it back while it keeps running, for maintenance (by
 * hand) or while its health check fails. Out of service, a go-kit or Curator node is deleted (and
 * created again on return); a Spring node stays with `instance_status: OUT_OF_SERVICE`, which
 * Spring consumers and ours leave out. Changes are applied one at a time, in order.
 */
export class RegistrationAvailability {
  private maintenance: OutOfService | undefined;
  private unhealthy: OutOfService | undefined;
  private gate: HealthGate | undefined;
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly host: AvailabilityHost) {}

  /** Why the app is out of service now (maintenance first), or undefined. */
  get outOfService(): OutOfService | undefined {
    return this.maintenance ?? this.unhealthy;
  }

  /** The state to report for the registrar's `state`. */
  stateOf(state: RegistrationState): AppRegistrationState {
    if (!this.outOfService || this.host.shuttingDown()) return state;
    return state === 'registering' ? state : 'out-of-service';
  }

  /** Out of service for maintenance (with `reason`), or back (`undefined`). */
  setMaintenance(reason: string | undefined): Promise<void> {
    this.maintenance = reason === undefined ? undefined : this.entry('maintenance', reason);
    return this.apply();
  }

  /** Starts the registration's health check (once). */
  startHealthCheck(options: RegistrationHealthOptions): void {
    if (this.gate) return;
    this.gate = new HealthGate(
      options,
      (failing) => {
        this.unhealthy = failing === undefined ? undefined : this.entry('health', failing);
        void this.apply();
      },
      this.host.logger,
    );
    this.gate.start();
  }

  stop(): void {
    this.gate?.stop();
  }

  /** Makes the node follow `outOfService`, after any change still being applied. */
  apply(): Promise<void> {
    this.applying = this.applying
      .then(() => this.applyNow())
      .catch((error: Error) => {
        this.host.logger.warn(`Could not change this instance's availability: ${error.message}`);
      });
    return this.applying;
  }

  private async applyNow(): Promise<void> {
    const registrar = this.host.registrar();
    if (!registrar || this.host.shuttingDown()) return;
    const out = this.outOfService;
    const data = this.host.dataWithStatus(out !== undefined);
    if (data !== undefined) {
      await registrar.update(data);
    } else if (out) {
      const node = registrar.nodePath;
      await registrar.deregister(this.host.deregisterTimeoutMs);
      if (node)
        this.host.logger.log(`Out of service (${out.by}: ${out.reason}): deregistered ${node}`);
    } else if (registrar.state !== 'registered') {
      // ZooKeeper may be unreachable just now: the registrar goes on trying until it works (or
      // the app leaves again, which stops it).
      const node = await registrar.registerRetrying();
      if (node) this.host.logger.log(`Back in service: registered ${node}`);
    }
    this.host.publish(this.stateOf(registrar.state));
  }

  private entry(by: OutOfService['by'], reason: string): OutOfService {
    return { by, reason, since: Date.now() };
  }
}
