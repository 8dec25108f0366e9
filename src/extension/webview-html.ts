/**
 * The HTML shell of Steer's webviews: a strict Content-Security-Policy (no inline script or style, scripts
 * only with this load's nonce, resources only from the extension), and local resource URIs.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewAssets {
  title: string;
  /** Paths relative to the extension root. */
  script: string;
  styles: string[];
}

/** The folders a webview may load from; nothing else of the disk is reachable. */
export function localRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'webview')];
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function webviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  assets: WebviewAssets,
): string {
  const nonce = randomBytes(18).toString('base64');
  const uri = (path: string) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path.split('/'))).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const styles = assets.styles.map((s) => `<link rel="stylesheet" href="${uri(s)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(assets.title)}</title>
  </head>
  <body>
    <main id="app" aria-live="off"></main>
    <script nonce="${nonce}" src="${uri(assets.script)}"></script>
  </body>
</html>`;
}
