// "LSTM: New Spec from Model File…": pick a model file (or get one from the explorer's context
// menu or the model editor's button), read it (src/models, behind a cancellable progress
// notification when it is large), then pick the recurrent module, the input (zeros, random with a
// seed, or a .npy/CSV file) and T, and the loss (sum, mse, given, or cross-entropy with one of
// the file's linear heads). The spec (src/views/modelSpec.ts) opens as an untitled document beside
// the model, with its text as the document's initial content, so undo cannot empty it.
// Each step is its own function, and `newSpecFromModel` takes the choices already made (an
// integration test passes them all, a user none): only the missing ones are asked for.
// A bad file shows the reader's ModelFileError ("FILE: key or byte offset: detail") and stops.

import * as vscode from 'vscode';
import {
  type LinearHead, type ModelContents, type ModelFile, type RecurrentModule,
  ModelFileError, findModules, readInputsFile, readModelFile, selectModule,
} from '../models';
import {
  DEFAULT_T, InputChoice, LossChoice, MAX_T, NewSpecChoices, buildModelSpec, describeHead, describeModule, headsFor,
} from './modelSpec';
import { SPEC_LANGUAGE_ID } from './specDocument';

/** The extensions the open dialog offers (the formats src/models reads). */
export const MODEL_FILE_EXTENSIONS = ['pt', 'pth', 'safetensors', 'npz', 'onnx', 'keras', 'h5'] as const;
export const INPUT_FILE_EXTENSIONS = ['npy', 'csv'] as const;

/** The last error the flow showed (VS Code cannot read notifications back; for the integration tests). */
export let lastModelError: string | undefined;

/** Files above this size are read behind a progress notification with Cancel. */
const PROGRESS_BYTES = 4 * 1024 * 1024;

export interface LoadedModel {
  readonly uri: vscode.Uri;
  /** the base name, as the readers' messages and the spec's comment give it */
  readonly fileName: string;
  readonly file: ModelFile;
  readonly contents: ModelContents;
}

export const baseName = (uri: vscode.Uri): string => uri.path.split('/').pop() ?? uri.path;

/**
 * Reads and decodes a model file. Resolves undefined when the user cancelled; throws the
 * reader's ModelFileError (or the file system's error) for a file that cannot be read.
 */
export async function loadModel(uri: vscode.Uri): Promise<LoadedModel | undefined> {
  const fileName = baseName(uri);
  let size = 0;
  try { size = (await vscode.workspace.fs.stat(uri)).size; } catch { /* readFile below says why */ }
  const decode = async (token?: vscode.CancellationToken): Promise<LoadedModel | undefined> => {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (token?.isCancellationRequested) return undefined;
    // let the notification draw (and a Cancel arrive) before the synchronous decoding
    await new Promise(resolve => setTimeout(resolve, 0));
    if (token?.isCancellationRequested) return undefined;
    const file = readModelFile(bytes, fileName);
    return { uri, fileName, file, contents: findModules(file, fileName) };
  };
  if (size < PROGRESS_BYTES) return decode();
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `LSTM: reading ${fileName} (${(size / 1048576).toFixed(1)} MB)`, cancellable: true },
    (_progress, token) => decode(token),
  );
}

/** The error text for a file that could not be read: the reader's message names the file and the place. */
export function modelErrorMessage(uri: vscode.Uri, error: unknown): string {
  if (error instanceof ModelFileError) return `LSTM: ${error.message}`;
  const detail = error instanceof Error ? error.message : String(error);
  return `LSTM: ${baseName(uri)}: ${detail}`;
}

export async function pickModelFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'LSTM: New Spec from Model File',
    openLabel: 'Use This Model',
    canSelectMany: false,
    filters: { 'Model files': [...MODEL_FILE_EXTENSIONS], 'All files': ['*'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

interface ModulePick extends vscode.QuickPickItem { module: RecurrentModule }

export function moduleItems(contents: ModelContents): ModulePick[] {
  return contents.modules.map(module => ({ module, label: module.prefix || '(no prefix)', description: describeModule(module) }));
}

export async function pickModule(model: LoadedModel): Promise<RecurrentModule | undefined> {
  const items = moduleItems(model.contents);
  if (items.length === 1) return items[0].module;
  const picked = await vscode.window.showQuickPick(items, {
    title: `LSTM: the recurrent modules in ${model.fileName}`, placeHolder: 'Pick the module to step through',
  });
  return picked?.module;
}

interface InputPick extends vscode.QuickPickItem { source: InputChoice['kind'] }

export async function pickInput(model: LoadedModel, module: RecurrentModule): Promise<InputChoice | undefined> {
  const items: InputPick[] = [
    { source: 'random', label: '$(symbol-number) Random inputs', description: `uniform in [-1, 1), I=${module.inputSize}, from a seed` },
    { source: 'zeros', label: '$(circle-outline) Zeros', description: `I=${module.inputSize}` },
    { source: 'file', label: '$(file) From a file…', description: `a (T, ${module.inputSize}) .npy array or CSV` },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'LSTM: the inputs x_1..x_T', placeHolder: 'Where the inputs come from' });
  if (!picked) return undefined;
  if (picked.source === 'zeros') return { kind: 'zeros' };
  if (picked.source === 'random') {
    const seed = await vscode.window.showInputBox({
      title: 'LSTM: random inputs', prompt: 'Seed (an integer 0..4294967295): the same seed gives the same inputs', value: '1',
      validateInput: text => /^\d+$/.test(text.trim()) && Number(text) <= 0xffffffff ? undefined : 'an integer 0..4294967295',
    });
    return seed === undefined ? undefined : { kind: 'random', seed: Number(seed.trim()) };
  }
  const file = await vscode.window.showOpenDialog({
    title: 'LSTM: the inputs file', openLabel: 'Use These Inputs', canSelectMany: false,
    filters: { 'Inputs (T, I)': [...INPUT_FILE_EXTENSIONS] }, defaultUri: vscode.Uri.joinPath(model.uri, '..'),
  });
  return file?.[0] ? inputFileChoice(file[0], module) : undefined;
}

/** Reads an inputs file to check it is (T, I) for this module; throws a ModelFileError naming the file. */
export async function inputFileChoice(uri: vscode.Uri, module: RecurrentModule): Promise<InputChoice> {
  const fileName = baseName(uri);
  const inputs = readInputsFile(await vscode.workspace.fs.readFile(uri), fileName);
  const [T, I] = inputs.shape;
  if (I !== module.inputSize) {
    throw new ModelFileError(fileName, 'shape', `the module ${JSON.stringify(module.prefix)} reads I=${module.inputSize} inputs per step, the file has ${I} columns`);
  }
  return { kind: 'file', path: uri.fsPath, T };
}

export async function askSteps(): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'LSTM: the number of steps T', prompt: `Steps T (1..${MAX_T})`, value: String(DEFAULT_T),
    validateInput: value => /^\d+$/.test(value.trim()) && Number(value) >= 1 && Number(value) <= MAX_T ? undefined : `an integer 1..${MAX_T}`,
  });
  return text === undefined ? undefined : Number(text.trim());
}

interface LossPick extends vscode.QuickPickItem { loss: LossChoice; head?: LinearHead }

export function lossItems(contents: ModelContents, module: RecurrentModule): LossPick[] {
  const width = (module.bidirectional ? 2 : 1) * module.hiddenSize;
  const items: LossPick[] = headsFor(contents, module).map(head => ({
    loss: { kind: 'crossEntropy', head: head.prefix }, head,
    label: `$(symbol-class) crossEntropy with the head ${head.prefix}`, description: describeHead(head),
    detail: 'the training loss of a classifier: −log softmax(W y + b)[target]',
  }));
  items.push(
    { loss: { kind: 'sum' }, label: '$(symbol-operator) sum', description: `L = Σ_j y_j over the ${width} outputs` },
    { loss: { kind: 'mse' }, label: '$(symbol-operator) mse', description: 'L = ½ Σ_j (y_j − target_j)², target zeros (edit it in the spec)' },
    { loss: { kind: 'given' }, label: '$(symbol-operator) given', description: 'an upstream gradient dL/dy a framework gave (paste it into the spec)' },
  );
  return items;
}

export async function pickLoss(model: LoadedModel, module: RecurrentModule): Promise<LossChoice | undefined> {
  const picked = await vscode.window.showQuickPick(lossItems(model.contents, module), { title: 'LSTM: the loss', placeHolder: 'The loss whose gradients flow back' });
  if (!picked) return undefined;
  if (picked.loss.kind !== 'crossEntropy' || !picked.head) return picked.loss;
  const classes = picked.head.outFeatures;
  const target = await vscode.window.showInputBox({
    title: `LSTM: the target class of ${picked.head.prefix}`, prompt: `Class index 0..${classes - 1}`, value: '0',
    validateInput: text => /^\d+$/.test(text.trim()) && Number(text) < classes ? undefined : `an integer 0..${classes - 1}`,
  });
  return target === undefined ? undefined : { ...picked.loss, target: Number(target.trim()) };
}

/** Opens the spec of `choices` as an untitled spec beside the active editor (the model's). */
export async function openModelSpec(model: LoadedModel, module: RecurrentModule, choices: NewSpecChoices): Promise<vscode.TextEditor> {
  const content = buildModelSpec(model.uri.fsPath, model.fileName, module, choices);
  // initial content, not an edit: undo cannot empty the new spec
  const document = await vscode.workspace.openTextDocument({ language: SPEC_LANGUAGE_ID, content });
  return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

/** A partial NewSpecChoices from a command argument (tests, the model editor), ignoring anything malformed. */
export function presetChoices(value: unknown): Partial<NewSpecChoices> {
  if (!value || typeof value !== 'object') return {};
  const v = value as Record<string, unknown>;
  const preset: { -readonly [K in keyof NewSpecChoices]?: NewSpecChoices[K] } = {};
  if (typeof v.prefix === 'string') preset.prefix = v.prefix;
  if (typeof v.T === 'number') preset.T = v.T;
  const input = v.input as Record<string, unknown> | undefined;
  if (input?.kind === 'zeros') preset.input = { kind: 'zeros' };
  else if (input?.kind === 'random' && typeof input.seed === 'number') preset.input = { kind: 'random', seed: input.seed };
  const loss = v.loss as Record<string, unknown> | undefined;
  if (loss?.kind === 'sum' || loss?.kind === 'mse' || loss?.kind === 'given') preset.loss = { kind: loss.kind };
  else if (loss?.kind === 'crossEntropy' && typeof loss.head === 'string') {
    preset.loss = { kind: 'crossEntropy', head: loss.head, target: typeof loss.target === 'number' ? loss.target : 0 };
  }
  return preset;
}

/**
 * The whole flow; asks only for what `preset` does not give. `inputFile` (a Uri in the preset's
 * place of `input`) is read and checked like a picked one. Resolves the new spec's editor, or
 * undefined when the user cancelled or the file could not be read (the error is shown).
 */
export async function newSpecFromModel(file?: unknown, presetArg?: unknown, inputFile?: unknown): Promise<vscode.TextEditor | undefined> {
  const uri = file instanceof vscode.Uri ? file : typeof file === 'string' ? vscode.Uri.file(file) : await pickModelFile();
  if (!uri) return undefined;
  const preset = presetChoices(presetArg);
  try {
    const model = await loadModel(uri);
    if (!model) return undefined; // cancelled
    if (model.contents.modules.length === 0) {
      throw new ModelFileError(model.fileName, '', `no recurrent module (LSTM, GRU, RNN) found among its ${model.file.tensors.length} tensors`);
    }
    const module = preset.prefix !== undefined ? selectModule(model.contents, preset.prefix, model.fileName) : await pickModule(model);
    if (!module) return undefined;
    const input = inputFile instanceof vscode.Uri ? await inputFileChoice(inputFile, module) : preset.input ?? await pickInput(model, module);
    if (!input) return undefined;
    const T = input.kind === 'file' ? input.T : preset.T ?? await askSteps();
    if (T === undefined) return undefined;
    const loss = preset.loss ?? await pickLoss(model, module);
    if (!loss) return undefined;
    if (loss.kind === 'crossEntropy' && !headsFor(model.contents, module).some(h => h.prefix === loss.head)) {
      throw new ModelFileError(model.fileName, loss.head, `no linear head ${JSON.stringify(loss.head)} reading the module's ${(module.bidirectional ? 2 : 1) * module.hiddenSize} outputs`);
    }
    return await openModelSpec(model, module, { prefix: module.prefix, input, T, loss });
  } catch (error) {
    lastModelError = modelErrorMessage(uri, error);
    void vscode.window.showErrorMessage(lastModelError);
    return undefined;
  }
}
