// The spec file's editor language features from its JSON Schema: completion, the schema's
// documentation on hover, Format Document / Selection, Expand Selection, folding and the outline
// (breadcrumbs, sticky scroll). They come from vscode-json-languageservice, the library behind VS
// Code's own JSON language server, run here in the extension host with the schema the build copies
// to dist/schemas/; only the outline is walked here, because the library's lists every number.
//
// Why not the built-in JSON language server (package.json used to declare `lstm-spec` a
// jsonLanguageParticipant): that server re-parses, re-validates and re-computes the outline of
// every version of a spec, in its own process, on every keystroke. On this 2-core machine it took
// one core away from the extension's own worker and the renderer while a large spec opened or
// changed (its outline of a (512, 256, 1000) spec is about 1 MB, sent twice per edit: breadcrumbs
// and sticky scroll). Its diagnostics also repeated the extension's own, which already say where
// and why (diagnostics.ts). Here the features that answer a request (completion, hover,
// formatting, selection) parse the version they are asked about once, and the two the workbench
// asks for on every change (folding and the outline) are served only up to PER_CHANGE_TEXT_MAX
// characters; above it the editor folds by indentation and the outline is empty.

import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  ClientCapabilities, getLanguageService, InsertTextFormat, TextDocument as LsDocument,
  type CompletionItem as LsCompletionItem, type JSONDocument,
  type LanguageService, type MarkedString, type MarkupContent, type Range as LsRange, type SelectionRange as LsSelectionRange,
} from 'vscode-json-languageservice';
import type { Node as JsonNode } from 'jsonc-parser';
import { reportError } from '../errorReporter';
import { offsetRange, SPEC_SELECTOR } from './specDocument';
import { specTree } from './specTree';

/**
 * Folding and the outline are asked for after every change; above this many characters they are
 * not computed (a (512, 256, 1000) spec without weights is 1.8 MB and takes 120-200 ms to parse
 * on the host, which would run on every keystroke).
 */
export const PER_CHANGE_TEXT_MAX = 1_000_000;
/** at most this many folding ranges and outline entries (the JSON language server's own default, json.maxItemsComputed) */
const RESULT_LIMIT = 5000;
/** the schema's file inside the extension */
const SCHEMA_FILE = path.join('dist', 'schemas', 'lstm-spec.schema.json');

/** A spec document as the language service sees it, at one version. */
interface Parsed { version: number; text: LsDocument; json?: JSONDocument }

/** The language service with the spec's schema, and one parse per document version. */
export class SpecLanguage {
  private service: LanguageService | undefined;
  private readonly parsed = new WeakMap<vscode.TextDocument, Parsed>();
  /** the parses each feature asked for (for the integration tests: completion inside a number parses nothing) */
  readonly parseCounts: Record<'completion' | 'hover' | 'selection', number> = { completion: 0, hover: 0, selection: 0 };
  /** PER_CHANGE_TEXT_MAX, for the integration tests */
  readonly perChangeTextMax = PER_CHANGE_TEXT_MAX;

  constructor(private readonly schemaPath: string) {}

  /** the service, configured with the schema on first use (activation does not read the schema) */
  private languageService(): LanguageService {
    if (this.service) return this.service;
    const schemaText = fs.readFileSync(this.schemaPath, 'utf8');
    const schema = JSON.parse(schemaText) as { $id?: string };
    const schemaUri = schema.$id ?? vscode.Uri.file(this.schemaPath).toString();
    const service = getLanguageService({
      // A spec's own "$schema" is resolved here: this schema when it names it (by its id or its
      // file name), nothing else; nothing is fetched or read from a spec's say-so.
      schemaRequestService: uri => (uri === schemaUri || uri.endsWith('/lstm-spec.schema.json')
        ? Promise.resolve(schemaText)
        : Promise.reject(new Error(`LSTM Stepper uses its own spec schema, not ${uri}`))),
      workspaceContext: { resolveRelativePath: (relativePath, resource) => new URL(relativePath, resource).toString() },
      clientCapabilities: ClientCapabilities.LATEST,
    });
    // validation stays off: the extension's diagnostics report every schema rule with its position
    service.configure({ validate: false, allowComments: true, schemas: [{ uri: schemaUri, fileMatch: ['*'], schema }] });
    this.service = service;
    return service;
  }

  private text(document: vscode.TextDocument): Parsed {
    const cached = this.parsed.get(document);
    if (cached && cached.version === document.version) return cached;
    const fresh: Parsed = { version: document.version, text: LsDocument.create(document.uri.toString(), 'json', document.version, document.getText()) };
    this.parsed.set(document, fresh);
    return fresh;
  }

  private parse(document: vscode.TextDocument, feature: keyof SpecLanguage['parseCounts']): { text: LsDocument; json: JSONDocument } {
    const entry = this.text(document);
    if (!entry.json) {
      entry.json = this.languageService().parseJSONDocument(entry.text);
      this.parseCounts[feature]++;
    }
    return { text: entry.text, json: entry.json };
  }

  async completion(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionList | undefined> {
    // typing a number (an input row, a weight) asks for completion on every digit; the schema has
    // nothing to offer inside a number, and a large spec's parse would run on each one
    if (atNumber(document, position)) return undefined;
    const { text, json } = this.parse(document, 'completion');
    const list = await this.languageService().doComplete(text, toLsPosition(position), json);
    if (!list) return undefined;
    return new vscode.CompletionList(list.items.map(toCompletionItem), list.isIncomplete);
  }

  async hover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    // a number's hover is the engine's (hover.ts: its role, value and gradient)
    if (atNumber(document, position)) return undefined;
    const { text, json } = this.parse(document, 'hover');
    const hover = await this.languageService().doHover(text, toLsPosition(position), json);
    if (!hover) return undefined;
    const contents = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
    return new vscode.Hover(contents.map(toMarkdown), hover.range && toRange(hover.range));
  }

  format(document: vscode.TextDocument, range: vscode.Range | undefined, options: vscode.FormattingOptions): vscode.TextEdit[] {
    const { text } = this.text(document);
    const edits = this.languageService().format(text, range && toLsRange(range), {
      tabSize: options.tabSize, insertSpaces: options.insertSpaces,
      insertFinalNewline: options.insertFinalNewline === true, trimFinalNewlines: options.trimFinalNewlines === true,
    });
    return edits.map(edit => vscode.TextEdit.replace(toRange(edit.range), edit.newText));
  }

  selectionRanges(document: vscode.TextDocument, positions: readonly vscode.Position[]): vscode.SelectionRange[] {
    const { text, json } = this.parse(document, 'selection');
    return this.languageService().getSelectionRanges(text, positions.map(toLsPosition), json).map(toSelectionRange);
  }

  foldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] | undefined {
    // undefined (not []): the editor then folds by indentation
    if (textLength(document) > PER_CHANGE_TEXT_MAX) return undefined;
    return this.languageService().getFoldingRanges(this.text(document).text, { rangeLimit: RESULT_LIMIT })
      .map(range => new vscode.FoldingRange(range.startLine, range.endLine, foldingKind(range.kind)));
  }

  documentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] | undefined {
    if (textLength(document) > PER_CHANGE_TEXT_MAX) return undefined;
    const root = specTree(document);
    if (root?.type !== 'object') return [];
    const budget = { left: RESULT_LIMIT };
    return outlineChildren(document, root, budget);
  }
}

/** Registers the providers over SPEC_SELECTOR; every failure is reported and answers nothing. */
export function registerSpecLanguage(context: vscode.ExtensionContext): SpecLanguage {
  const language = new SpecLanguage(path.join(context.extensionPath, SCHEMA_FILE));
  const guarded = <A extends unknown[], R>(feature: string, run: (...args: A) => R | Promise<R>) => async (...args: A): Promise<R | undefined> => {
    try {
      return await run(...args);
    } catch (error) {
      reportError(`spec ${feature}`, error);
      return undefined;
    }
  };
  context.subscriptions.push(
    // '"' and ':' start a key or a value, as in VS Code's JSON support
    vscode.languages.registerCompletionItemProvider(SPEC_SELECTOR, {
      provideCompletionItems: guarded('completion', (document: vscode.TextDocument, position: vscode.Position) => language.completion(document, position)),
    }, '"', ':'),
    vscode.languages.registerHoverProvider(SPEC_SELECTOR, {
      provideHover: guarded('hover', (document: vscode.TextDocument, position: vscode.Position) => language.hover(document, position)),
    }),
    vscode.languages.registerDocumentFormattingEditProvider(SPEC_SELECTOR, {
      provideDocumentFormattingEdits: guarded('formatting', (document: vscode.TextDocument, options: vscode.FormattingOptions) => language.format(document, undefined, options)),
    }),
    vscode.languages.registerDocumentRangeFormattingEditProvider(SPEC_SELECTOR, {
      provideDocumentRangeFormattingEdits: guarded('formatting', (document: vscode.TextDocument, range: vscode.Range, options: vscode.FormattingOptions) => language.format(document, range, options)),
    }),
    vscode.languages.registerSelectionRangeProvider(SPEC_SELECTOR, {
      provideSelectionRanges: guarded('selection', (document: vscode.TextDocument, positions: readonly vscode.Position[]) => language.selectionRanges(document, positions)),
    }),
    vscode.languages.registerFoldingRangeProvider(SPEC_SELECTOR, {
      provideFoldingRanges: guarded('folding', (document: vscode.TextDocument) => language.foldingRanges(document)),
    }),
    vscode.languages.registerDocumentSymbolProvider(SPEC_SELECTOR, {
      provideDocumentSymbols: guarded('outline', (document: vscode.TextDocument) => language.documentSymbols(document)),
    }, { label: 'LSTM Spec' }),
  );
  return language;
}

// The outline. The language service's own (findDocumentSymbols2) lists every array item, so a
// spec's outline would be its numbers: about 770 KB for (64, 32, 100), sent twice per edit (the
// breadcrumbs and sticky scroll ask separately). This one lists every key, and the items of an
// array only when they are objects (a stack's layers, training samples); an array of numbers or of
// rows of numbers (inputs, a weight matrix) is one entry with its shape as detail. It reads the
// jsonc-parser tree the hover and inline values share (specTree.ts), parsed once per version.

const SYMBOL_KIND: Record<JsonNode['type'], vscode.SymbolKind> = {
  object: vscode.SymbolKind.Module, array: vscode.SymbolKind.Array, property: vscode.SymbolKind.Property,
  string: vscode.SymbolKind.String, number: vscode.SymbolKind.Number, boolean: vscode.SymbolKind.Boolean, null: vscode.SymbolKind.Null,
};

/** The entries of an object's keys, or of an array's object items; at most `budget.left` in all. */
function outlineChildren(document: vscode.TextDocument, node: JsonNode, budget: { left: number }): vscode.DocumentSymbol[] {
  const symbols: vscode.DocumentSymbol[] = [];
  const children = node.children ?? [];
  if (node.type === 'array' && !children.some(item => item.type === 'object')) return symbols;
  children.forEach((child, index) => {
    if (budget.left <= 0) return;
    const [key, value] = node.type === 'object' ? (child.children ?? []) : [undefined, child];
    if (!value || (key && typeof key.value !== 'string')) return;
    budget.left--;
    const range = offsetRange(document, child.offset, child.length);
    const selection = key ? offsetRange(document, key.offset, key.length) : range;
    const symbol = new vscode.DocumentSymbol(key ? String(key.value) : String(index), outlineDetail(value), SYMBOL_KIND[value.type], range, selection);
    if (value.type === 'object' || value.type === 'array') symbol.children = outlineChildren(document, value, budget);
    symbols.push(symbol);
  });
  return symbols;
}

/** A value's detail in the outline: a primitive's text, an array's shape ("100 × 32"). */
function outlineDetail(value: JsonNode): string {
  if (value.type === 'array') {
    const items = value.children ?? [];
    const inner = items[0]?.type === 'array' && items.every(item => item.type === 'array') ? items[0].children?.length : undefined;
    return inner === undefined ? `${items.length}` : `${items.length} × ${inner}`;
  }
  if (value.type === 'object') return '';
  return String(value.value);
}

/** Inside or just after a number literal (not a digit inside a key or a string). */
function atNumber(document: vscode.TextDocument, position: vscode.Position): boolean {
  return document.getWordRangeAtPosition(position, /(?<![\w"])-?\d[\d.eE+-]*/) !== undefined;
}

/** The document's length in characters, without copying its text (offsetAt sums line lengths once per version). */
function textLength(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}

// The language service speaks the language server protocol's types; these convert them to the
// vscode API's. LSP kinds are the vscode enums' values plus one.

function toLsPosition(position: vscode.Position): { line: number; character: number } {
  return { line: position.line, character: position.character };
}

function toLsRange(range: vscode.Range): LsRange {
  return { start: toLsPosition(range.start), end: toLsPosition(range.end) };
}

function toRange(range: LsRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function toMarkdown(content: MarkupContent | MarkedString): vscode.MarkdownString {
  if (typeof content === 'string') return new vscode.MarkdownString(content);
  if ('language' in content) return new vscode.MarkdownString().appendCodeblock(content.value, content.language);
  return content.kind === 'markdown' ? new vscode.MarkdownString(content.value) : new vscode.MarkdownString().appendText(content.value);
}

function toCompletionItem(item: LsCompletionItem): vscode.CompletionItem {
  const result = new vscode.CompletionItem(item.label, item.kind === undefined ? undefined : item.kind - 1);
  result.detail = item.detail;
  result.sortText = item.sortText;
  result.filterText = item.filterText;
  if (item.documentation !== undefined) result.documentation = typeof item.documentation === 'string' ? item.documentation : toMarkdown(item.documentation);
  const edit = item.textEdit;
  const newText = edit?.newText ?? item.insertText ?? item.label;
  result.insertText = item.insertTextFormat === InsertTextFormat.Snippet ? new vscode.SnippetString(newText) : newText;
  if (edit) result.range = 'range' in edit ? toRange(edit.range) : { inserting: toRange(edit.insert), replacing: toRange(edit.replace) };
  // a key's completion asks for the value's completion next
  if (item.command) result.command = { title: item.command.title, command: item.command.command, arguments: item.command.arguments };
  return result;
}

function toSelectionRange(range: LsSelectionRange): vscode.SelectionRange {
  return new vscode.SelectionRange(toRange(range.range), range.parent && toSelectionRange(range.parent));
}

function foldingKind(kind: string | undefined): vscode.FoldingRangeKind | undefined {
  switch (kind) {
    case 'comment': return vscode.FoldingRangeKind.Comment;
    case 'region': return vscode.FoldingRangeKind.Region;
    case 'imports': return vscode.FoldingRangeKind.Imports;
    default: return undefined;
  }
}
