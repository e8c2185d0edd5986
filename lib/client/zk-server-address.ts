/** One server of a connect string. */
export interface ZkServerAddress {
  host: string;
  port: number;
}

/**
 * The servers of a connect string (`h1:2181,[::1]:2182/chroot`), in order, without the chroot.
 * The string is assumed valid (see `resolveZkClientOptions`).
 */
export function serverAddresses(connectString: string): ZkServerAddress[] {
  const chrootAt = connectString.indexOf('/');
  const hosts = chrootAt === -1 ? connectString : connectString.slice(0, chrootAt);
  return hosts.split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    return {
      host: entry.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
      port: Number(entry.slice(colon + 1)),
    };
  });
}
