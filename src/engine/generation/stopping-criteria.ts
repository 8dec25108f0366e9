/**
 * Stopping criteria: decide per row whether generation has ended.
 */

export interface StoppingCriterion {
  isDone(generated: readonly number[]): boolean;
}

export class StoppingCriteriaList implements StoppingCriterion {
  constructor(readonly criteria: readonly StoppingCriterion[] = []) {}

  isDone(generated: readonly number[]): boolean {
    return this.criteria.some((c) => c.isDone(generated));
  }
}

/** Stops after an end-of-sequence token. */
export class EosCriterion implements StoppingCriterion {
  private readonly eos: Set<number>;

  constructor(eos: readonly number[]) {
    this.eos = new Set(eos);
  }

  isDone(generated: readonly number[]): boolean {
    const last = generated[generated.length - 1];
    return last !== undefined && this.eos.has(last);
  }
}

/** Stops after `max` generated tokens. */
export class MaxNewTokensCriterion implements StoppingCriterion {
  constructor(readonly max: number) {}

  isDone(generated: readonly number[]): boolean {
    return generated.length >= this.max;
  }
}
