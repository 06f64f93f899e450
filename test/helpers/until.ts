/**
 * Waiting for something another thread or process does: polls `condition` every `stepMs` until it
 * holds or `timeoutMs` has passed. It never fails by itself: the assertion after it says what
 * was expected (a bound, not a speed requirement).
 */
export async function until(condition: () => boolean | Promise<boolean>, { timeoutMs = 20_000, stepMs = 50 } = {}): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition()) && Date.now() < end) await new Promise((r) => setTimeout(r, stepMs));
}
