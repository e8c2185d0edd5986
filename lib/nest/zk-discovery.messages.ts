/** Every message the Nest layer shows a user: each names the value at fault and the fix. */

export function endpointerOptionsConflict(path: string): string {
  return (
    `@InjectEndpointer('${path}', options) is used with different options in two places. ` +
    'An endpointer is shared per path: pass the same options object (declare it once and import it), ' +
    'or set defaults in ZkDiscoveryModule.forRoot({ endpointer }).'
  );
}

export function forRootTwice(): string {
  return (
    'ZkDiscoveryModule.forRoot()/forRootAsync() is imported more than once in this application. ' +
    'Import it once, in the root module (its providers are global), and use ZkDiscoveryModule.forFeature([...paths]) elsewhere.'
  );
}

export function unknownOption(where: string, key: string, known: readonly string[]): string {
  return `Unknown ZkDiscoveryModule option \`${where}${key}\`. Known options: ${known.join(', ')}. Check its spelling.`;
}

export function invalidOption(where: string, value: unknown, fix: string): string {
  return `Invalid ZkDiscoveryModule option \`${where}\`: ${JSON.stringify(value)}. ${fix}`;
}

export function missingPort(path: string): string {
  return (
    `Cannot register ${path}: registration.mode is 'bootstrap' but no registration.port is set. ` +
    'Give the port this instance serves on, e.g. registration: { ..., mode: "bootstrap", port: 3001 }.'
  );
}

export function noHttpServer(path: string): string {
  return (
    `Cannot register ${path} on listen: this application has no HTTP server. For a microservice use ` +
    "registration.mode 'bootstrap' with an explicit registration.port, or 'manual'."
  );
}

export function unboundPort(path: string): string {
  return (
    `Cannot register ${path}: the HTTP server is listening without a port (a pipe?). ` +
    'Set registration.port to the port consumers should call.'
  );
}

export function listenFailed(path: string, error: Error): string {
  return (
    `The HTTP server failed to listen (${error.message}): ${path} is not registered and the ` +
    'ZooKeeper session is closed, so this process can exit. Free the port or choose another one.'
  );
}

export function shutdownHooksMissing(path: string, sessionTimeoutMs: number): string {
  return (
    `SIGTERM will not deregister ${path}: nothing in this process handles it (shutdown hooks are ` +
    'not enabled). Call app.enableShutdownHooks() before app.listen(), or handle SIGTERM and call ' +
    `app.close(); otherwise consumers keep calling this instance for up to ${Math.round(sessionTimeoutMs / 1000)} s ` +
    '(the session timeout) after the process is stopped.'
  );
}

export function noRegistrationOption(): string {
  return (
    'ZkDiscoveryService.register(): no `registration` option was given to ' +
    'ZkDiscoveryModule.forRoot(). Add registration: { path, name } to register this app.'
  );
}

export function noAnswerAtStartup(
  path: string,
  waitMs: number,
  state: string,
  error: Error | undefined,
): string {
  const why =
    state !== 'connected'
      ? `the ZooKeeper client is ${state} (see the connection warnings)`
      : error
        ? `reading it failed (${error.message})`
        : 'ZooKeeper did not answer the read';
  return (
    `${path}: not read at startup, ${why}; the app starts without its instances and calls to ` +
    `it answer 503 until ZooKeeper answers (waited ${waitMs} ms)`
  );
}

export function noInstanceAtStartup(
  path: string,
  registered: number,
  exists: boolean | undefined,
): string {
  if (registered > 0) {
    return (
      `${path}: ${registered} registered, none usable (the warnings above say why each was ` +
      'skipped, e.g. its data is not an http(s) URL or lacks the named port)'
    );
  }
  const what = exists === false ? 'the path does not exist' : 'no instance is registered';
  return (
    `${path}: ${what}. Check that the service runs and registers under this exact path ` +
    '(a go-kit or Nest service under `<registration.path>/<registration.name>`, Spring under ' +
    '`/services/<name>`); `npx zk-discovery --servers <servers> ls` lists what is registered'
  );
}
