// A trained model as a practitioner brings it, in code-server with the packaged VSIX: open the
// PyTorch file fixtures/models/lstm2bi_float64.pt (a 2-layer bidirectional LSTM with a Linear
// head, written by torch in scripts/golden/make_models.py; runE2E copies test/fixtures into the
// workspace as fixtures/), see what it holds in the model editor, press "New Spec from This
// Model…", pick random inputs (seed 1), T = 4 and cross-entropy on the head `fc` (target 1) in
// the quick picks, pick L2 → in the chart panel's Layer list and then L2 ← with "LSTM: Select
// Layer…", step into the backward pass to t = 3, and
// read h_3 and weight_ih_l1_reverse.grad[10][5] in the States view: they must be PyTorch's numbers
// (scripts/golden/make_model_walkthrough.py → lstm2bi_float64.walkthrough.json). Screenshots of
// the model editor and the stepped spec, light and dark.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MODEL = 'lstm2bi_float64.pt';
const here = path.dirname(fileURLToPath(import.meta.url));
const reference = JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'models', 'lstm2bi_float64.walkthrough.json'), 'utf8'));
const PALETTE_INPUT = '.quick-input-widget input';
const PALETTE_ROWS = '.quick-input-list .monaco-list-row';

const check = (ok, message) => { if (!ok) throw new Error(message); };
const four = x => (Object.is(Math.round(x * 1e4) / 1e4, -0) ? 0 : x).toFixed(4);

/** Picks the quick pick row whose label contains `text`. */
async function pickRow(wb, text) {
  const row = wb.page.locator(PALETTE_ROWS).filter({ has: wb.page.locator('.label-name', { hasText: text }) }).first();
  await row.waitFor({ timeout: 20000 });
  await row.click();
}

/** Types `value` into the input box shown now (its title contains `title`) and accepts it. */
async function answerInput(wb, title, value) {
  await wb.page.locator('.quick-input-widget', { hasText: title }).waitFor({ timeout: 20000 });
  const input = wb.page.locator(PALETTE_INPUT);
  await input.fill(value);
  await wb.page.keyboard.press('Enter');
}

/** Opens the model file with Quick Open: it opens in the model editor (a webview), not as text. */
async function openModel(wb) {
  await wb.closeQuickInput();
  await wb.page.keyboard.press('Control+P');
  await wb.page.locator(PALETTE_INPUT).fill(MODEL);
  await wb.page.locator(PALETTE_ROWS, { hasText: MODEL }).first().waitFor({ timeout: 10000 });
  await wb.page.keyboard.press('Enter');
  const view = wb.webview();
  await wb.waitForText(view.locator('#file-name'), MODEL, { timeout: 30000 });
  return view;
}

/** Polls the tree until a row labelled `label` (exactly) is shown; returns it. */
async function waitForRow(wb, label, check = () => true, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let rows = [];
  for (;;) {
    rows = await wb.treeItems();
    const row = rows.find(item => item.label === label && check(item));
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no tree row ${label}; rows: ${JSON.stringify(rows.map(r => `${r.label} ${r.description}`)).slice(0, 600)}`);
    await wb.page.waitForTimeout(100);
  }
}

async function expandRow(wb, label) {
  const row = await wb.waitForTreeItem(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  // the twistie: a click on a step's label runs its Go to Step command instead of expanding it
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
}

async function collapseRow(wb, label) {
  const row = await wb.waitForTreeItem(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  if ((await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
}

export default [
  {
    name: 'the model editor shows the .pt: its LSTM module, the head fc and its tensors',
    run: async wb => {
      const view = await openModel(wb);
      const modules = await wb.waitForText(view.locator('#modules'), 'encoder.lstm');
      check(/encoder\.lstm\s+lstm\s+2\s+forward \+ reverse\s+4\s+3\s+float64\s+pytorch/.test(modules), `modules table: ${modules}`);
      const heads = await view.locator('#heads').innerText();
      check(/fc\s+8\s+2/.test(heads), `heads table: ${heads}`);
      const tensors = await view.locator('#tensors').innerText();
      check(tensors.includes('encoder.lstm.weight_ih_l1_reverse') && tensors.includes('(16, 8)'), `tensors: ${tensors.slice(0, 300)}`);
      await wb.setTheme('Light Modern');
      await wb.screenshot('model-editor-light');
      await wb.setTheme('Dark Modern');
      await wb.screenshot('model-editor-dark');
      return { modules: modules.split('\n').slice(1).join(' | ') };
    },
  },
  {
    name: 'New Spec from This Model…, select L2 ←, step into BPTT and read PyTorch\'s h_3 and .grad',
    timeout: 240000,
    run: async wb => {
      const view = await openModel(wb);
      await view.locator('#new-spec:not([disabled])').click();
      // one module: no module pick; then the inputs, T, the loss and the target class
      await pickRow(wb, 'Random inputs');
      await answerInput(wb, 'random inputs', '1');
      await answerInput(wb, 'number of steps', '4');
      await pickRow(wb, 'crossEntropy with the head fc');
      await answerInput(wb, 'target class', '1');
      await wb.waitForStatusBar(/LSTM L1 → t=0\/4 forward/, { timeout: 60000 });
      // the chart panel's Layer list sends an intent; the session's selection moves every view
      await wb.runCommand('LSTM: Open Chart Panel');
      const panel = wb.webview();
      await panel.locator('#layer-select').waitFor({ timeout: 30000 });
      await panel.locator('#layer-select').selectOption({ label: 'L2 →' });
      await wb.waitForStatusBar(/LSTM L2 → t=0\/4 forward/);
      await wb.runCommand('LSTM: Select Layer…');
      await pickRow(wb, 'L2 ←');
      await wb.waitForStatusBar(/LSTM L2 ← t=0\/4 forward/);
      const selected = await panel.locator('#layer-select').inputValue();
      check(selected === '3', `the panel's Layer list follows the session: ${selected}`);
      await wb.screenshot('model-chart-panel-L2-reverse');
      await wb.runCommand('LSTM: Run to End');
      await wb.runCommand('LSTM: Step');
      await wb.runCommand('LSTM: Step');
      const status = await wb.waitForStatusBar(/LSTM L2 ← t=3\/4 backward/);
      await wb.showView('LSTM');
      await waitForRow(wb, 'Layer 2 · reverse');
      const stepRow = (await wb.treeItems()).find(r => /^t=3\b/.test(r.label));
      check(stepRow, 'no t=3 row');
      await expandRow(wb, stepRow.label);
      const h = await waitForRow(wb, 'h');
      const expected = reference.h['L2 ←'][2].map(four);
      for (const value of expected) check(h.description.includes(value), `h_3 of L2 ← is ${h.description}; PyTorch: ${expected.join(', ')}`);
      await wb.screenshot('model-spec-L2-reverse-dark');
      // the gradient under PyTorch's name: weight_ih_l1_reverse.grad[10][5] (the g block, unit 2, × output[5] of layer 1)
      await collapseRow(wb, stepRow.label); // keeps the Gradients rows on screen
      await expandRow(wb, 'Gradients');
      await expandRow(wb, 'encoder.lstm.weight_ih_l1_reverse.grad');
      await expandRow(wb, '[10]');
      const entry = await waitForRow(wb, '[10][5]');
      const grad = reference.grad['encoder.lstm.weight_ih_l1_reverse'][10][5];
      check(entry.description === four(grad), `.grad[10][5] shows ${entry.description}; PyTorch: ${four(grad)}`);
      await wb.setTheme('Light Modern');
      await wb.screenshot('model-spec-L2-reverse-light');
      await wb.setTheme('Dark Modern');
      return { status, h3: h.description, grad: entry.description, pytorchGrad: grad };
    },
  },
];
