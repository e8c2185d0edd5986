/**
 * Loads an optional peer dependency (terminus for the health subpath, prom-client for metrics).
 * When the package is not installed the import fails with an error that says what to install,
 * instead of Node's bare "Cannot find package".
 */
export async function importOptionalPeer<T>(
  packageName: string,
  feature: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw explained(error, packageName, feature);
  }
}

/**
 * The same, synchronously: for what a module needs while it is being evaluated. A top-level
 * `await` there would make the module unloadable with `require()` (CommonJS apps), so such a
 * module loads its peer with a `require` made by `createRequire(import.meta.url)`.
 */
export function requireOptionalPeer<T>(
  packageName: string,
  feature: string,
  require: (id: string) => unknown,
): T {
  try {
    return require(packageName) as T;
  } catch (error) {
    throw explained(error, packageName, feature);
  }
}

function explained(error: unknown, packageName: string, feature: string): unknown {
  return isMissingPackage(error, packageName)
    ? new OptionalPeerMissingError(packageName, feature, error)
    : error;
}

/** An optional peer dependency a feature needs is not installed. */
export class OptionalPeerMissingError extends Error {
  override readonly name = 'OptionalPeerMissingError';

  constructor(
    /** The package to install. */
    readonly packageName: string,
    feature: string,
    cause: unknown,
  ) {
    super(
      `${feature} needs the package ${packageName}, which is not installed. ` +
        `Install it beside nestjs-zk-discovery: npm install ${packageName}`,
      { cause },
    );
  }
}

/**
 * True when `error` says `packageName` itself cannot be found (Node's ERR_MODULE_NOT_FOUND naming
 * it), not one of its own dependencies: a broken install is reported as it is.
 */
function isMissingPackage(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return error.message.includes(`'${packageName}'`) || error.message.includes(`'${packageName}/`);
}
