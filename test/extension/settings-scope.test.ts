/** A workspace (its .vscode/settings.json) must not choose where the model is loaded from or force edits. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/helpers';

test('model path, output mode, device and threads are machine settings, out of a workspace’s reach', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };
  const props = pkg.contributes.configuration.properties;
  for (const key of ['steer.modelPath', 'steer.outputMode', 'steer.device', 'steer.threads'])
    assert.equal(props[key]?.scope, 'machine', key);
});
