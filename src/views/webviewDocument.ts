// The one HTML shell of the extension's webviews (the chart panel, the model-file viewer): a strict
// Content-Security-Policy with a fresh nonce, the bundle's script and its stylesheet, and the static
// body markup the caller gives. No data ever goes into this HTML: it arrives later by postMessage
// and the webview sets it as text.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewDocument {
  /** dist/<script>: the webview's bundle */
  script: string;
  /** media/<stylesheet> */
  stylesheet: string;
  title: string;
  /** static markup only (ids and labels), never data */
  body: string;
  /** extra CSP sources, e.g. `img-src ${webview.cspSource} data:` for a PNG export */
  extraCsp?: (webview: vscode.Webview) => string;
}

/** 128 random bits from the OS's CSPRNG, base64 (what a CSP nonce-source allows). */
function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function webviewDocument(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewDocument): string {
  const nonce = makeNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', page.script));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.stylesheet));
  const extra = page.extraCsp ? ` ${page.extraCsp(webview)};` : '';
  const csp = `default-src 'none';${extra} style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
<title>${page.title}</title>
</head>
<body>
${page.body}
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
