export {
  INSTANCE_FORMATS,
  type InstanceFormat,
  READ_FORMATS,
  READ_ONLY_FORMATS,
  type ReadFormat,
} from '../instance-format.js';
export {
  CURATOR_FIELDS,
  type CuratorInstanceData,
  type CuratorPayload,
  decodeCuratorInstance,
  encodeCuratorInstance,
  isCuratorInstanceJson,
} from './curator.format.js';
export { curatorNodeFormat } from './curator-node.format.js';
export {
  type CuratorRegistration,
  type CuratorRegistrationSpec,
  curatorRegistration,
} from './curator-registration.js';
export {
  type DetectedInstanceFormat,
  detectInstanceFormat,
} from './detect-instance-format.js';
export {
  DUBBO_DEFAULT_WEIGHT,
  decodeDubboProvider,
  dubboStatus,
  isDubboUrlName,
} from './dubbo.format.js';
export { decodeFinagleMember, isFinagleServersetJson } from './finagle.format.js';
export { goKitNodeFormat } from './gokit.format.js';
export type { InstanceNodeAcls, InstanceNodeFormat } from './instance-node-format.js';
export { instanceStatus, isTakingTraffic } from './instance-status.js';
export { type InstanceTraits, MAX_WEIGHT } from './instance-traits.js';
export {
  type AdvertisedAddress,
  type RegistrationInFormatSpec,
  registrationInFormat,
} from './registration-in-format.js';
export { SPRING_INSTANCE_CLASS, SPRING_STATUS_KEY, SPRING_STATUS_UP } from './spring.constants.js';
export { encodeSpringInstance, type SpringInstanceData } from './spring.format.js';
export {
  parseUriSpec,
  resolveUriSpec,
  SPRING_URI_SPEC,
  type UriSpec,
  type UriSpecInstance,
  type UriSpecPart,
} from './uri-spec.js';
