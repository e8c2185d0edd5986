/** The longest delay a Node timer takes (a longer one fires at once): about 24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a number option must be. */
export interface NumberRule {
  /** The lowest value allowed. @default 0 */
  min?: number;
  /** `min` itself is refused: the value must be above it. @default false */
  aboveMin?: boolean;
  /** The highest value allowed. @default Infinity */
  max?: number;
  /** Whole numbers only. @default false */
  integer?: boolean;
  /** `Infinity` is allowed too (meaning "no limit"), whatever `max` says. @default false */
  orInfinity?: boolean;
  /** Said in the error, e.g. `'of milliseconds'`. */
  unit?: string;
  /** Said in the error when given. */
  defaultValue?: number;
}

/**
 * The one check of every number option (times, counts, shares) in the library: `value` if it
 * obeys `rule`, else a RangeError naming the option, the value and what to give instead. NaN,
 * strings and `Infinity` (unless `orInfinity`) never pass.
 */
export function checkNumber(name: string, value: unknown, rule: NumberRule): number {
  const { min = 0, aboveMin = false, max = Number.POSITIVE_INFINITY, integer = false } = rule;
  const infinite = value === Number.POSITIVE_INFINITY;
  const ok =
    typeof value === 'number' &&
    ((infinite && rule.orInfinity === true) ||
      (Number.isFinite(value) &&
        (aboveMin ? value > min : value >= min) &&
        value <= max &&
        (!integer || Number.isInteger(value))));
  if (ok) return value;
  throw new RangeError(
    `Invalid option \`${name}\`: ${shown(value)}. Give ${describe(rule, min, aboveMin, max)}` +
      (rule.defaultValue === undefined ? '.' : ` (default ${rule.defaultValue}).`),
  );
}

/**
 * A delay given to a timer, in ms: above 0 (or from 0 with `zero`) and at most `MAX_TIMER_MS`,
 * since Node fires a longer timer at once.
 */
export function checkTimerMs(
  name: string,
  value: unknown,
  rule: { zero?: boolean; orInfinity?: boolean; min?: number; defaultValue?: number } = {},
): number {
  return checkNumber(name, value, {
    min: rule.min ?? 0,
    aboveMin: rule.min === undefined && rule.zero !== true,
    max: MAX_TIMER_MS,
    orInfinity: rule.orInfinity,
    unit: 'of milliseconds',
    defaultValue: rule.defaultValue,
  });
}

function describe(rule: NumberRule, min: number, aboveMin: boolean, max: number): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  const unit = rule.unit ? ` ${rule.unit}` : '';
  const low = aboveMin ? `above ${min}` : `from ${min}`;
  const high = max === Number.POSITIVE_INFINITY ? '' : ` to ${max}`;
  const infinity = rule.orInfinity ? ', or Infinity for no limit' : '';
  return `${kind}${unit} ${low}${high}${infinity}`;
}

function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  return value === null ? 'null' : typeof value;
}
