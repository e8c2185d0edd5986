import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CuratorRegistrationSpec } from '../../lib/sd/formats/curator-registration.js';
import type { ReadFormat } from '../../lib/sd/instance-format.js';
import type { NamedPort } from '../../lib/sd/service-instance.js';

/** The decoded fields a read fixture expects. */
export interface ExpectedInstance {
  format: ReadFormat;
  address: string;
  port: number | null;
  url: string | null;
  metadata: Record<string, string>;
  sslPort?: number;
  /** Weight, zone and named ports, where the fixture states them (compared on their own). */
  traits?: ExpectedTraits;
}

/** The traits a read fixture expects; a missing one must be undefined. */
export interface ExpectedTraits {
  weight?: number;
  zone?: string;
  ports?: Record<string, NamedPort>;
}

/** One node as a go-kit, Curator, Spring, Dubbo or Finagle service writes it, and what reading it gives. */
export interface ReadCase {
  name: string;
  /** The node's name (its instance id; a Dubbo provider's whole registration). */
  node: string;
  /** Dubbo only: the URL the name encodes (documentation of the fixture). */
  url?: string;
  /** The node's exact bytes as UTF-8 text... */
  data?: string;
  /** ...or as base64 where they are not text. */
  dataBase64?: string;
  /** The instance it decodes to. */
  expect?: ExpectedInstance;
  /** Takes no traffic (Spring not UP, Finagle not ALIVE, Dubbo disabled): left out unless `includeNotUp`. */
  notUp?: boolean;
  /** Undecodable: skipped, with a message containing this. */
  skipped?: string;
}

/** A registration and the exact bytes it writes. */
export interface WriteCase {
  name: string;
  input: CuratorRegistrationSpec;
  bytes: string;
}

/** A registration refused before anything is written. */
export interface RejectedCase {
  name: string;
  input: CuratorRegistrationSpec;
  error: string;
}

const dir = join(import.meta.dirname, 'fixtures');

/** The read cases of `fixtures/<format>.json`. */
export function readCases(format: ReadFormat): ReadCase[] {
  return (JSON.parse(readFileSync(join(dir, `${format}.json`), 'utf8')) as { cases: ReadCase[] })
    .cases;
}

/** `fixtures/written.json`. */
export function writeFixtures(): { cases: WriteCase[]; rejected: RejectedCase[] } {
  return JSON.parse(readFileSync(join(dir, 'written.json'), 'utf8')) as {
    cases: WriteCase[];
    rejected: RejectedCase[];
  };
}

/** The bytes of a read case. */
export function bytesOf(testCase: ReadCase): Buffer {
  return testCase.dataBase64 !== undefined
    ? Buffer.from(testCase.dataBase64, 'base64')
    : Buffer.from(testCase.data ?? '', 'utf8');
}

/** The fields of an instance that fixtures describe, in the fixtures' shape. */
export function describedFields(instance: {
  format?: ReadFormat;
  address: string;
  port: number | undefined;
  url: string | undefined;
  metadata: Readonly<Record<string, string>>;
  sslPort?: number;
}): ExpectedInstance {
  const fields: ExpectedInstance = {
    format: instance.format!,
    address: instance.address,
    port: instance.port ?? null,
    url: instance.url ?? null,
    metadata: { ...instance.metadata },
  };
  if (instance.sslPort !== undefined) fields.sslPort = instance.sslPort;
  return fields;
}
