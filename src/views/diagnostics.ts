// Publishes every SpecIssue of every open spec to the Problems view at its exact range (owner
// 'lstm'), updated as the user types (the session re-parses on each debounced edit).

import * as vscode from 'vscode';
import type { SpecIssue } from '../engine/types';
import type { Session } from '../session/session';
import type { SessionManager } from '../session/sessionManager';

/** The issue's range in the document: from its offset and length when the document is at hand, else from line:column (1-based). */
export function issueRange(issue: SpecIssue, document?: vscode.TextDocument): vscode.Range {
  if (document) return new vscode.Range(document.positionAt(issue.range.offset), document.positionAt(issue.range.offset + issue.range.length));
  return new vscode.Range(
    new vscode.Position(Math.max(0, issue.range.line - 1), Math.max(0, issue.range.column - 1)),
    new vscode.Position(Math.max(0, issue.range.endLine - 1), Math.max(0, issue.range.endColumn - 1)),
  );
}

export function issueToDiagnostic(issue: SpecIssue, document?: vscode.TextDocument): vscode.Diagnostic {
  const range = issueRange(issue, document);
  const diagnostic = new vscode.Diagnostic(range, issue.message,
    issue.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'lstm';
  if (issue.path) diagnostic.code = issue.path;
  return diagnostic;
}

export function registerDiagnostics(context: vscode.ExtensionContext, sessions: SessionManager): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('lstm');
  const publish = (session: Session) => {
    const key = session.uri.toString();
    const document = vscode.workspace.textDocuments.find(d => d.uri.toString() === key);
    collection.set(session.uri, session.issues.map(issue => issueToDiagnostic(issue, document)));
  };
  context.subscriptions.push(
    collection,
    sessions.onDidChangeSession(({ session, change }) => { if (change.issues) publish(session); }),
    sessions.onDidCloseSession(session => collection.delete(session.uri)),
  );
  for (const session of sessions.sessions) publish(session);
  return collection;
}
