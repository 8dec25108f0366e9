/** The status bar item: the engine's state and device; a click picks the device. */
import * as vscode from 'vscode';
import type { ClientState, EngineClient } from './engine-client';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'steer.status',
    vscode.StatusBarAlignment.Right,
    100,
  );
  private busy = 0;

  constructor(private readonly client: EngineClient) {
    this.item.name = 'Steer';
    this.item.command = 'steer.selectDevice';
    this.render();
    this.item.show();
  }

  /** Shows "summarizing" while the promise runs. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.busy++;
    this.render();
    try {
      return await work;
    } finally {
      this.busy--;
      this.render();
    }
  }

  render(): void {
    const state: ClientState = this.client.state;
    const info = this.client.info;
    const device = info ? info.device.toUpperCase() : 'not loaded';
    const text: Record<ClientState, string> = {
      stopped: '$(sparkle) Steer',
      starting: '$(sync~spin) Steer: starting',
      loading: '$(sync~spin) Steer: loading model',
      ready: this.busy > 0 ? `$(sync~spin) Steer: summarizing (${device})` : `$(sparkle) Steer: ${device}`,
      failed: '$(error) Steer',
    };
    this.item.text = text[state];
    const lines = [
      info
        ? `Model ${info.id} (${info.graph} graph) on ${info.device}`
        : 'The model loads on the first summary.',
      ...(info?.deviceNote ? [info.deviceNote] : []),
      ...(state === 'failed' ? ['The engine failed; see the "Steer" output.'] : []),
      'Click to choose the device.',
    ];
    this.item.tooltip = lines.join('\n');
    this.item.accessibilityInformation = { label: lines[0]!, role: 'button' };
  }

  dispose(): void {
    this.item.dispose();
  }
}
