/** Binary search over ascending arrays (sorted words, word positions). */

/** The first index of ascending `xs` whose value is at least `v` (`xs.length` when none is). */
export function lowerBound<T extends string | number>(xs: readonly T[], v: T): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
