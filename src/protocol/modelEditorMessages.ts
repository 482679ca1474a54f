// The messages between the model-file editor's host (src/views/modelEditor.ts) and its webview
// (webview/modelEditor.ts). The host reads the file (src/models) and posts what it holds as plain
// JSON; the webview shows it with DOM APIs (textContent, never HTML strings) and sends back only
// intents: `ready` (send me the contents) and `newSpec` (run "New Spec from Model File…" on this
// file, optionally with the module the user clicked). Types only: compiled into both sides.

export interface ModelModuleRow {
  prefix: string;
  cell: string;
  numLayers: number;
  bidirectional: boolean;
  hiddenSize: number;
  inputSize: number;
  dtype: string;
  convention: string;
}

export interface ModelHeadRow { prefix: string; inFeatures: number; outFeatures: number }

export interface ModelTensorRow { name: string; shape: number[]; dtype: string }

export interface ModelSummary {
  fileName: string;
  format: string;
  /** bytes on disk */
  size: number;
  modules: ModelModuleRow[];
  heads: ModelHeadRow[];
  /** the first MAX_TENSOR_ROWS tensors, in file order */
  tensors: ModelTensorRow[];
  /** how many tensors the file holds (more than `tensors.length` when truncated) */
  tensorCount: number;
}

export const MAX_TENSOR_ROWS = 2000;

export type ModelHostMessage =
  | { type: 'loading'; fileName: string }
  | { type: 'model'; summary: ModelSummary }
  /** the reader's message: "FILE: key or byte offset: detail" */
  | { type: 'error'; fileName: string; message: string };

export type ModelWebviewMessage =
  | { type: 'ready' }
  | { type: 'newSpec'; prefix?: string };

export function isModelWebviewMessage(value: unknown): value is ModelWebviewMessage {
  if (!value || typeof value !== 'object') return false;
  const message = value as { type?: unknown; prefix?: unknown };
  if (message.type === 'ready') return true;
  return message.type === 'newSpec' && (message.prefix === undefined || typeof message.prefix === 'string');
}
