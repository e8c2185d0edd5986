/**
 * The order in which the sides of trial `trial` run: every order of `sides` in turn, so over
 * `n!` trials each side runs in each position equally often and of any two sides each goes
 * first half the time (two sides alternate; three cycle through six orders). Machine noise and
 * the cost of going first or after another side then fall on every side alike.
 */
export function nthOrder<T>(sides: readonly T[], trial: number): T[] {
  const orders = permutations(sides);
  return orders[trial % orders.length]!;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const all: T[][] = [];
  for (const [i, first] of items.entries()) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) all.push([first, ...tail]);
  }
  // Lexicographic order groups the orders by their first side (a.., a.., b.., b..); take one of
  // each group in turn (a.., b.., c.., a.., ...) so that any stretch of trials has each side
  // first about equally often.
  const perFirst = all.length / items.length;
  const interleaved: T[][] = [];
  for (let k = 0; k < perFirst; k++) {
    for (let group = 0; group < items.length; group++) interleaved.push(all[group * perFirst + k]!);
  }
  return interleaved;
}
