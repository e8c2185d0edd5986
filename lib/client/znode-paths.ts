/** `parent/name`, for any parent including the root (`/` + `a` is `/a`, not `//a`). */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}
