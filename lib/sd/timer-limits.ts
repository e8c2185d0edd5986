/** The longest delay a Node timer takes (a longer one fires at once): about 24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
