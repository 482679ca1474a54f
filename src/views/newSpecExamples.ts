// What "LSTM: New Spec from Example" shows of each bundled example, read from the example's own
// text: its "name" (the label), its cell and file name (the description) and its "description"
// (the detail line, which says what to look at). The example files are the one place that text
// lives; nothing here repeats it. No vscode import, so unit tests read the shipped examples with it.

import { type Node, findNodeAtLocation, parseTree } from 'jsonc-parser';

/** The seed's worked example ("This movie is good"): first in the picker and the walkthrough's first step. */
export const SEED_EXAMPLE = 'this-movie-is-good.lstm.json';

export interface ExampleSummary {
  readonly fileName: string;
  /** the spec's "name", else the file name */
  readonly label: string;
  /** "lstm · this-movie-is-good.lstm.json" */
  readonly description: string;
  /** the spec's "description" (what the example shows and what to look at), else undefined */
  readonly detail: string | undefined;
}

function stringAt(root: Node | undefined, key: string): string | undefined {
  const node = root && findNodeAtLocation(root, [key]);
  return node?.type === 'string' && typeof node.value === 'string' ? node.value : undefined;
}

/** The picker's fields of one example; a file that does not parse still gets its file name as the label. */
export function summarizeExample(fileName: string, text: string): ExampleSummary {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const cell = stringAt(root, 'cell') ?? 'lstm';
  return {
    fileName,
    label: stringAt(root, 'name') ?? fileName,
    description: `${cell} · ${fileName}`,
    detail: stringAt(root, 'description'),
  };
}

/** The picker's order: the seed's worked example first, then by file name. */
export function compareExamples(a: { fileName: string }, b: { fileName: string }): number {
  const seedFirst = Number(b.fileName === SEED_EXAMPLE) - Number(a.fileName === SEED_EXAMPLE);
  return seedFirst || (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0);
}
