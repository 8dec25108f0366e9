/**
 * `npm run bench -- --lengths`: do summary lengths follow the concise weight? Runs the real CLI
 * (`steer summarize FILE --weights W --json`) on examples/article.txt for a row of weightings from
 * complete=1 to concise=1, with the model's own decoding defaults, and reports the generated token counts.
 * Only meaningful on a trained model; on a warm-up model the lengths need not move.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/shared/paths';

export interface LengthsOptions {
  modelDir: string;
  inputFile: string | null;
  device: string;
  graph: string | null;
  threads: number | null;
  maxNewTokens: number | null;
  log: (line: string) => void;
}

export interface LengthRow {
  weights: string;
  generatedTokens: number;
  words: number;
  finishReason: string;
  summary: string;
}

export interface LengthsResult {
  date: string;
  modelDir: string;
  input: string;
  rows: LengthRow[];
  /** Tokens at concise=1 divided by tokens at complete=1. */
  conciseOverComplete: number;
  /** Whether the lengths do not increase as the concise weight rises (concise=1 strictly shortest of the ends). */
  followsConcise: boolean;
}

export const LENGTH_WEIGHTINGS = [
  'complete=1',
  'concise=0.25,complete=0.75',
  'concise=0.5,complete=0.5',
  'concise=0.75,complete=0.25',
  'concise=1',
];

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = join(packageRoot(__dirname), 'dist', 'cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function runLengths(o: LengthsOptions): Promise<LengthsResult> {
  const input = o.inputFile ?? join(packageRoot(__dirname), 'examples', 'article.txt');
  const rows: LengthRow[] = [];
  for (const weights of LENGTH_WEIGHTINGS) {
    const args = ['summarize', input, '--model', o.modelDir, '--weights', weights, '--json', '--quiet'];
    args.push('--device', o.device);
    if (o.graph) args.push('--graph', o.graph);
    if (o.threads) args.push('--threads', String(o.threads));
    if (o.maxNewTokens) args.push('--max-new-tokens', String(o.maxNewTokens));
    const r = await runCli(args);
    if (r.code !== 0)
      throw new Error(`steer summarize --weights ${weights} failed (${r.code}): ${r.stderr.trim()}`);
    const out = JSON.parse(r.stdout) as {
      summary: string;
      finishReason: string;
      timings: { generatedTokens: number };
    };
    const row: LengthRow = {
      weights,
      generatedTokens: out.timings.generatedTokens,
      words: out.summary.split(/\s+/).filter((w) => w.length > 0).length,
      finishReason: out.finishReason,
      summary: out.summary,
    };
    o.log(`${weights}: ${row.generatedTokens} tokens, ${row.words} words (${row.finishReason})`);
    rows.push(row);
  }
  const first = rows[0]!.generatedTokens;
  const last = rows[rows.length - 1]!.generatedTokens;
  const monotone = rows.every((r, i) => i === 0 || r.generatedTokens <= rows[i - 1]!.generatedTokens);
  return {
    date: new Date().toISOString(),
    modelDir: o.modelDir,
    input,
    rows,
    conciseOverComplete: first > 0 ? last / first : 0,
    followsConcise: monotone && last < first,
  };
}

export function formatLengths(r: LengthsResult): string {
  return [
    `Summary lengths on ${r.input} (model ${r.modelDir}, ${r.date}; the model's own decoding defaults):`,
    '',
    '| weights | tokens | words | finish |',
    '|---|---|---|---|',
    ...r.rows.map(
      (row) => `| ${row.weights} | ${row.generatedTokens} | ${row.words} | ${row.finishReason} |`,
    ),
    '',
    `concise=1 / complete=1 tokens: ${r.conciseOverComplete.toFixed(2)}; lengths ${r.followsConcise ? 'follow' : 'do NOT follow'} the concise weight ` +
      '(non-increasing as concise rises, concise=1 shorter than complete=1).',
  ].join('\n');
}

export function writeLengths(r: LengthsResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'lengths.json');
  const md = join(dir, 'lengths.md');
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, `# Summary length against the concise weight\n\n${formatLengths(r)}\n`);
  return [json, md];
}
