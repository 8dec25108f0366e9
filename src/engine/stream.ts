/**
 * Streaming as an async iterator: `for await (const e of summarizeStream(model, text, opts))`.
 * Leaving the loop early cancels the summary.
 */
import {
  summarize,
  type ProgressEvent,
  type SummarizeOptions,
  type SummaryResult,
  type TokenEvent,
} from './summarize';

export type StreamEvent =
  | { type: 'token'; token: TokenEvent }
  | { type: 'progress'; progress: ProgressEvent }
  | { type: 'done'; result: SummaryResult };

export async function* summarizeStream(
  model: Parameters<typeof summarize>[0],
  text: string,
  options: SummarizeOptions = {},
): AsyncGenerator<StreamEvent, void, undefined> {
  const controller = new AbortController();
  const outer = options.signal;
  const forward = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  outer?.addEventListener('abort', forward, { once: true });

  const queue: StreamEvent[] = [];
  let wake: (() => void) | null = null;
  let failure: { error: unknown } | null = null;
  let finished = false;
  const push = (e: StreamEvent): void => {
    queue.push(e);
    wake?.();
  };

  void summarize(model, text, {
    ...options,
    signal: controller.signal,
    onToken: (token) => {
      options.onToken?.(token);
      push({ type: 'token', token });
    },
    onProgress: (progress) => {
      options.onProgress?.(progress);
      push({ type: 'progress', progress });
    },
  })
    .then((result) => push({ type: 'done', result }))
    .catch((error: unknown) => {
      failure = { error };
    })
    .finally(() => {
      finished = true;
      wake?.();
    });

  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield next;
        if (next.type === 'done') return;
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    outer?.removeEventListener('abort', forward);
    if (!finished) controller.abort();
  }
}
