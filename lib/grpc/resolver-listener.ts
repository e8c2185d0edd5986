import type { experimental, ServiceConfig, StatusObject, status } from '@grpc/grpc-js';
import { grpc } from './grpc-peer.js';

type Endpoint = experimental.Endpoint;

/**
 * The listener of grpc-js before 1.14: an object told of a result or of an error. 1.14 made it
 * one function taking `StatusOr` values (`experimental.ResolverListener`).
 */
export interface LegacyResolverListener {
  onSuccessfulResolution(
    endpointList: Endpoint[],
    serviceConfig: ServiceConfig | null,
    serviceConfigError: StatusObject | null,
    configSelector: null,
    attributes: { [key: string]: unknown },
  ): void;
  onError(error: StatusObject): void;
}

/** Either shape of the listener a resolver is constructed with. */
export type AnyResolverListener = experimental.ResolverListener | LegacyResolverListener;

/** What a resolver tells its channel, whichever grpc-js it runs in. */
export interface ResolutionReporter {
  /** New endpoints, the service config (null: the channel's own) and attributes for the policy. */
  resolved(
    endpoints: Endpoint[],
    serviceConfig: ServiceConfig | null,
    attributes: { [key: string]: unknown },
    note: string,
  ): void;
  /** Resolution failed; `details` says why and what to do. */
  failed(code: status, details: string): void;
}

/**
 * Speaks to either listener shape: grpc-js 1.14's function `(endpoints: StatusOr, attributes,
 * serviceConfig: StatusOr | null, note) => boolean`, or the object with `onSuccessfulResolution`
 * and `onError` of 1.10 to 1.13.
 */
export function resolutionReporter(listener: AnyResolverListener): ResolutionReporter {
  if (typeof listener === 'function') {
    return {
      resolved: (endpoints, serviceConfig, attributes, note) => {
        listener(
          { ok: true, value: endpoints },
          attributes,
          serviceConfig === null ? null : { ok: true, value: serviceConfig },
          note,
        );
      },
      failed: (code, details) => {
        listener({ ok: false, error: errorStatus(code, details) }, {}, null, details);
      },
    };
  }
  if (
    typeof listener?.onSuccessfulResolution !== 'function' ||
    typeof listener.onError !== 'function'
  ) {
    throw new TypeError(
      'The zk: resolver was given a listener of an unknown shape: this @grpc/grpc-js is not one ' +
        'it supports (1.10 or later)',
    );
  }
  return {
    resolved: (endpoints, serviceConfig, attributes) => {
      listener.onSuccessfulResolution(endpoints, serviceConfig, null, null, attributes);
    },
    failed: (code, details) => listener.onError(errorStatus(code, details)),
  };
}

function errorStatus(code: status, details: string): StatusObject {
  return { code, details, metadata: new grpc.Metadata() };
}
