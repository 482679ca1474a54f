// Publishes every SpecIssue of every open spec to the Problems view at its exact range (owner
// 'lstm'), updated as the user types (the session re-parses on each debounced edit). Issues are
// positioned against the document only when they were parsed from its current version: a parse
// that finished after a newer edit (a large text parsed in the worker) is dropped, and the
// newer text's parse publishes instead.

import * as vscode from 'vscode';
import type { SpecIssue } from '../engine/types';
import type { DocumentSessions, SpecSession } from './documentSessions';
import { offsetRange } from './specDocument';

/** The issue's range in the document: from its offset and length when the document is at hand, else from line:column (1-based). */
export function issueRange(issue: SpecIssue, document?: vscode.TextDocument): vscode.Range {
  if (document) return offsetRange(document, issue.range.offset, issue.range.length);
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

export function registerDiagnostics(context: vscode.ExtensionContext, sessions: DocumentSessions): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('lstm');
  /** the document version each session's diagnostics were published for */
  const publishedVersion = new WeakMap<SpecSession, number | undefined>();
  const publish = (session: SpecSession) => {
    const document = sessions.documentOf(session);
    const issues = session.issuesFor(document?.version);
    if (!issues) return; // parsed from an older text: its offsets do not fit this document
    publishedVersion.set(session, document?.version);
    collection.set(session.uri, issues.map(issue => issueToDiagnostic(issue, document)));
  };
  context.subscriptions.push(
    collection,
    sessions.onDidChangeSession(({ session, change }) => {
      if (change.issues || (change.parsed && publishedVersion.get(session) !== sessions.documentOf(session)?.version)) publish(session);
    }),
    sessions.onDidCloseSession(session => collection.delete(session.uri)),
  );
  for (const session of sessions.sessions) publish(session);
  return collection;
}
