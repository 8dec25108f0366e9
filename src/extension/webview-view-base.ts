/**
 * A webview view with typed messages both ways: subclasses say how to validate what the webview sends
 * (`parse`, null drops the message) and what to do with it (`onMessage`).
 */
import * as vscode from 'vscode';
import { localRoots, webviewHtml, type WebviewAssets } from './webview-html';

export abstract class WebviewViewBase<ToView, FromView>
  implements vscode.WebviewViewProvider, vscode.Disposable
{
  protected view: vscode.WebviewView | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    protected readonly extensionUri: vscode.Uri,
    private readonly assets: WebviewAssets,
    private readonly log: (line: string) => void,
  ) {}

  protected abstract parse(message: unknown): FromView | null;
  protected abstract onMessage(message: FromView): void | Promise<void>;

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: localRoots(this.extensionUri) };
    view.webview.html = webviewHtml(view.webview, this.extensionUri, this.assets);
    this.subscriptions.push(
      view.webview.onDidReceiveMessage(async (raw: unknown) => {
        const message = this.parse(raw);
        if (message === null) {
          this.log(`dropped an invalid message from the ${this.assets.title} view`);
          return;
        }
        try {
          await this.onMessage(message);
        } catch (e) {
          this.log(`${this.assets.title} view: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
      view.onDidDispose(() => {
        this.view = undefined;
      }),
    );
  }

  protected post(message: ToView): void {
    void this.view?.webview.postMessage(message);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
