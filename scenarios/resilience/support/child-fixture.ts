import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildScript, startChildScript } from '../../../test/support/child-script.js';

/** The library compiled by `tsc -p tsconfig.json` (`.build/lib`, with its `index.js`). */
export const COMPILED_LIB = fileURLToPath(new URL('../../../lib', import.meta.url));
/** Where the compiled `startChildScript` looks: tsc copies no `.mjs` there. */
const COMPILED_CHILDREN = fileURLToPath(new URL('../../../test/support/children', import.meta.url));
/** The fixtures themselves, in the source tree. */
const SOURCE_CHILDREN = fileURLToPath(
  new URL('../../../../test/support/children', import.meta.url),
);

/**
 * Starts the test fixture `test/support/children/<name>` (from the source tree: the scenarios run
 * from `.build`) with `args`; pass {@link COMPILED_LIB} where the fixture wants a compiled lib.
 */
export function startFixture(name: string, args: readonly string[]): ChildScript {
  return startChildScript(relative(COMPILED_CHILDREN, join(SOURCE_CHILDREN, name)), args);
}
