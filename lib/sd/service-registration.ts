/** go-kit's `zk.Service`: instances of `name` live under `path/name`. */
export interface ServiceRegistration {
  /** Parent of the service node, e.g. `/services/hello`. */
  path: string;
  /** The service node under `path`, e.g. `abc`: instances are `path/name/_c_<guid>-<seq>`. */
  name: string;
  /** The instance's data, conventionally its base URL (`http://10.0.0.5:8080`). */
  data: Buffer | string;
}
