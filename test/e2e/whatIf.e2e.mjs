// What-if in the chart panel's equation view, driven as a user would in code-server: open the
// seed's example and the panel, step to t = 1, type a new forget bias into the number box and
// see the panel's equation, the States tree and the ghost of the previous trace follow, then
// Ctrl+Z in the spec editor brings the value back; drag the input bias (written as a number fill)
// sideways: the panel recomputes during the drag without editing the spec, the release writes
// the parameter out as one edit, and one Ctrl+Z undoes it. The expected figures are the seed's:
// a_f at t = 1 is 0.2000 with every bias 0, so b_f = 1 gives σ(1.2) = 0.7685.

const EXAMPLE = 'this-movie-is-good.lstm.json';
const check = (ok, message) => { if (!ok) throw new Error(message); };

/** The active editor's text as shown (Monaco renders spaces as no-break spaces). */
async function editorText(wb) {
  const text = await wb.page.locator('.editor-group-container .monaco-editor .view-lines').first().innerText();
  return text.replace(/\u00a0/g, ' ');
}

async function waitForEditor(wb, needle, timeout = 20000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await editorText(wb);
    if (text.includes(needle)) return text;
    if (Date.now() > deadline) throw new Error(`the spec editor does not show ${needle}: ${text.slice(0, 600)}`);
    await wb.page.waitForTimeout(100);
  }
}

/** Waits until a chart says it drew at least one ghost line (data-ghost-lines). */
async function waitForGhost(wb, selector, timeout = 10000) {
  const canvas = wb.webview().locator(selector);
  const deadline = Date.now() + timeout;
  for (;;) {
    const lines = Number(await canvas.getAttribute('data-ghost-lines').catch(() => null));
    if (lines > 0) return lines;
    if (Date.now() > deadline) throw new Error(`${selector}: no ghost drawn (data-ghost-lines ${lines})`);
    await wb.page.waitForTimeout(50);
  }
}

/** Polls the States tree until the row labelled `label` has `description`. */
async function waitForRow(wb, label, description, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let row;
  for (;;) {
    row = (await wb.treeItems()).find(item => item.label === label);
    if (row && row.description === description) return row;
    if (Date.now() > deadline) throw new Error(`tree row ${label}: expected ${description}, got ${JSON.stringify(row)}`);
    await wb.page.waitForTimeout(100);
  }
}

async function undoInSpec(wb) {
  await wb.runCommand('View: Focus First Editor Group');
  await wb.page.keyboard.press('Control+Z');
}

export default [
  {
    name: 'type a new bias in the equation view: panel, tree and ghost follow; Ctrl+Z in the spec brings it back',
    run: async wb => {
      await wb.openFile(EXAMPLE);
      await wb.waitForStatusBar(/LSTM t=0\/4/);
      await wb.runCommand('LSTM: Open Chart Panel');
      const view = wb.webview();
      await view.locator('#cursor-label').waitFor({ timeout: 30000 });
      await wb.runCommand('LSTM: Step');
      await wb.waitForText(view.locator('#cursor-label'), 't=1/4 forward');
      await wb.waitForText(view.locator('#equations'), '+ 0 = 0.2000 → f = σ(0.2000) = 0.5498');
      const before = Number(await view.locator('#states-chart').getAttribute('data-ghost-lines').catch(() => null));
      check(!(before > 0), `a ghost before any change: ${before}`);
      const bias = view.locator('[data-operand="b_f[0]"]').first();
      check(await bias.getAttribute('role') === 'spinbutton', 'the operand is not a spinbutton');
      check(/b_f\[0\] = 0/.test(await bias.getAttribute('aria-label')), `aria-label: ${await bias.getAttribute('aria-label')}`);
      await bias.click();
      const box = view.locator('input.operand-input');
      await box.waitFor({ timeout: 5000 });
      await box.fill('1');
      await box.press('Enter');
      const equations = await wb.waitForText(view.locator('#equations'), '+ 1 = 1.2000 → f = σ(1.2000) = 0.7685');
      await waitForEditor(wb, '"b_f": [1, 0]');
      const ghost = { gates: await waitForGhost(wb, '#gates-chart'), states: await waitForGhost(wb, '#states-chart') };
      await view.locator('#states-card').scrollIntoViewIfNeeded();
      await wb.screenshot('what-if-ghost');
      // the States tree shows the new forget gate at t = 1: [σ(1.2), σ(0.2)]
      await wb.showView('LSTM');
      const step1 = await wb.waitForTreeItem('t=1 "This"');
      await step1.click();
      await wb.page.keyboard.press('ArrowRight');
      const tree = await waitForRow(wb, 'f', '[0.7685, 0.5498]');
      await undoInSpec(wb);
      await waitForEditor(wb, '"b_f": [0, 0]');
      await waitForRow(wb, 'f', '[0.5498, 0.5498]');
      await wb.waitForText(view.locator('#equations'), '+ 0 = 0.2000 → f = σ(0.2000) = 0.5498');
      return { equation: equations.split('\n')[1], ghost, tree: tree.description };
    },
  },
  {
    name: 'drag a number-fill bias: previews without editing, the release writes it out as one edit, one Ctrl+Z undoes it',
    run: async wb => {
      const view = wb.webview();
      await wb.waitForText(view.locator('#cursor-label'), 't=1/4 forward');
      const bias = view.locator('[data-operand="b_i[0]"]').first();
      await bias.scrollIntoViewIfNeeded();
      const at = await bias.boundingBox();
      const x = at.x + at.width / 2;
      const y = at.y + at.height / 2;
      await wb.page.mouse.move(x, y);
      await wb.page.mouse.down();
      // 50 px = 5 steps of 0.1 for a value of 0
      await wb.page.mouse.move(x + 50, y, { steps: 10 });
      const preview = await wb.waitForText(view.locator('#equations'), '+ 0.5 = 0.7000 → i = σ(0.7000) = 0.6682');
      const during = await editorText(wb);
      check(during.includes('"b_i": 0,'), `the spec was edited during the drag: ${during.slice(0, 400)}`);
      await wb.page.mouse.up();
      await waitForEditor(wb, '"b_i": [0.5, 0]');
      await waitForGhost(wb, '#states-chart');
      await undoInSpec(wb);
      await waitForEditor(wb, '"b_i": 0,');
      await wb.waitForText(view.locator('#equations'), '+ 0 = 0.2000 → i = σ(0.2000) = 0.5498');
      return { preview: preview.split('\n')[2] };
    },
  },
];
