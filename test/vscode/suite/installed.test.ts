/**
 * Run against an extension installed from its VSIX (the runner's --install-vsix sets STEER_EXPECT_VSIX):
 * the package carries the engine, its onnxruntime binary and the quantized model, and summarizes offline.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SummaryView } from '../../../src/common/messages';
import type { SteerApi } from '../../../src/extension/main';

const TEXT =
  'The town council approved a plan on Tuesday to rebuild the old stone bridge over the river, which was ' +
  'closed last winter after engineers found cracks in two of its arches. The work will cost 12 million ' +
  'dollars and take about two years. During the work, a free ferry will carry people across the river ' +
  'every twenty minutes. Shop owners near the bridge said they hoped the ferry would bring back customers.';

describe('the extension installed from its VSIX', function () {
  before(function () {
    if (!process.env.STEER_EXPECT_VSIX) this.skip();
  });

  it('is the packaged copy, with the fused 4-bit model only', () => {
    const ext = vscode.extensions.getExtension<SteerApi>('steer-dev.steer');
    assert.ok(ext);
    assert.ok(!existsSync(join(ext.extensionPath, 'src')), `installed without sources: ${ext.extensionPath}`);
    const model = join(ext.extensionPath, 'models', 'clp-smollm2-135m');
    assert.ok(existsSync(join(model, 'onnx', 'model_fast.onnx')));
    assert.ok(!existsSync(join(model, 'onnx', 'model.onnx')));
    assert.ok(!existsSync(join(model, 'onnx', 'model_quantized.onnx')));
  });

  it('summarizes with the packaged engine and model', async () => {
    const ext = vscode.extensions.getExtension<SteerApi>('steer-dev.steer')!;
    const api = await ext.activate();
    await vscode.workspace
      .getConfiguration('steer')
      .update('outputMode', 'clipboard', vscode.ConfigurationTarget.Global);
    const doc = await vscode.workspace.openTextDocument({ content: TEXT, language: 'plaintext' });
    await vscode.window.showTextDocument(doc);
    const summary = (await vscode.commands.executeCommand('steer.summarizeFile')) as SummaryView;
    assert.ok(summary.words >= 3 && summary.words < 70, summary.text);
    assert.match(summary.text, /bridge|council|ferry|river/i);
    assert.ok(api.device(), 'the model is loaded on a device');
    assert.equal(await vscode.env.clipboard.readText(), summary.text);
  });
});
