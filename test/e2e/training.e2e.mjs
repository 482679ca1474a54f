// "LSTM: Train…" driven as a user would, in code-server with the VSIX installed: open the
// long-dependency example, run Train from the palette and answer its prompts (a bad learning rate
// shows its validation message first), wait for the end, open the chart panel's Training section
// (loss, gradient norm, gate means, scrubber), scrub to step 0 and to the last step and see the
// States view and the status bar show that step's model (h_49 differs between θ_0 and θ_100;
// the inline h_1 is reported, not checked), then
// Apply Trained Weights from the section, see the spec's text change (a "weights" key in place of
// "init"), undo with Ctrl+Z and see it back.

const EXAMPLE = 'long-dependency-lstm.lstm.json';
const STEPS = 100;

const check = (ok, message) => { if (!ok) throw new Error(message); };

/** The h=[…] part of a step row's description (without the cursor's "← forward" mark). */
const hPart = description => /h=\[[^\]]*\]/.exec(description)?.[0] ?? description;

/** The description of the tree row labelled `label` once `accept` holds for it. */
async function rowDescription(wb, label, accept = () => true, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let row;
  for (;;) {
    row = (await wb.treeItems()).find(item => item.label === label);
    if (row && accept(row.description)) return row.description;
    if (Date.now() > deadline) throw new Error(`tree row ${label}: ${JSON.stringify(row)}`);
    await wb.page.waitForTimeout(100);
  }
}

/** The inline value after input row 1 (h_1 = […]): VS Code draws decorations as CSS ::after content. */
async function inlineH1(wb, accept = () => true, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    const texts = await wb.page.locator('.editor-group-container.active .monaco-editor .view-lines span').evaluateAll(spans => spans
      .map(span => getComputedStyle(span, '::after').content) // eslint-disable-line no-undef
      .filter(content => content && content !== 'none' && content !== 'normal'));
    last = texts.map(t => /h_1 = \[[^\]]*\]/.exec(t)?.[0]).find(Boolean);
    if (last && accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`inline value h_1: ${last}`);
    await wb.page.waitForTimeout(100);
  }
}

/** The text of the editor's rendered lines (the top of the spec is visible). */
async function editorText(wb) {
  // the spec's editor group (the chart panel's group may be the active one)
  const group = wb.page.locator('.editor-group-container').filter({ has: wb.page.locator('.tab', { hasText: EXAMPLE }) }).first();
  return (await group.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

async function waitForEditor(wb, test, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let text = '';
  for (;;) {
    text = await editorText(wb);
    if (test(text)) return text;
    if (Date.now() > deadline) throw new Error(`editor: ${what}; it shows ${JSON.stringify(text.slice(0, 300))}`);
    await wb.page.waitForTimeout(100);
  }
}

/** Moves the Training section's scrubber to `step` (a range input: fill, then its change event). */
async function scrub(view, step) {
  const slider = view.locator('#training-scrubber');
  await slider.fill(String(step));
  await slider.dispatchEvent('change');
}

export default [
  {
    name: 'train the long-dependency example from the palette, scrub to step 0 and the last step, apply the weights, undo',
    run: async wb => {
      const page = wb.page;
      await wb.openFile(EXAMPLE);
      await wb.waitForStatusBar(/LSTM t=0\/50/);
      await wb.showView('LSTM');
      // the forward pass done, so every step's h shows in the tree
      await wb.runCommand('LSTM: Run to End');
      await wb.waitForStatusBar(/LSTM t=50\/50 forward/);
      // the tree keeps the cursor's step in view: t=49 is shown next to t=50
      const before = await rowDescription(wb, 't=49', d => /h=\[/.test(d));
      const h1Before = await inlineH1(wb).catch(error => `not read: ${error.message}`);

      // the prompts: optimizer, learning rate (a bad one first), steps, clipping
      await wb.runCommand('LSTM: Train…');
      const input = page.locator('.quick-input-widget input');
      const labels = await wb.quickPickLabels();
      check(labels.includes('Adam') && labels.includes('SGD with momentum'), `optimizer choices: ${labels}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Adam' }).first().click();
      await page.locator('.quick-input-widget', { hasText: 'learning rate' }).waitFor();
      await input.fill('abc');
      const problem = await wb.waitForText(page.locator('.quick-input-widget .quick-input-message'), 'not a number');
      await input.fill('0.05');
      await page.waitForTimeout(200);
      await input.press('Enter');
      await page.locator('.quick-input-widget', { hasText: 'steps' }).waitFor();
      await input.fill(String(STEPS));
      await page.waitForTimeout(200);
      await input.press('Enter');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'No clipping' }).first().waitFor();
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'No clipping' }).first().click();

      // the end: a notification with the loss and the speed
      const done = page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'LSTM: trained' }).first();
      await done.waitFor({ timeout: 120000 });
      const notice = (await done.innerText()).trim();
      check(new RegExp(`${STEPS} steps`).test(notice), `notice: ${notice}`);

      // the Training section
      await wb.runCommand('LSTM: Open Chart Panel');
      const view = wb.webview();
      await view.locator('#training-section').waitFor({ state: 'visible', timeout: 20000 });
      const summary = await wb.waitForText(view.locator('#training-summary'), `${STEPS} steps taken`);
      check(/loss 0\.4\d+ → 0\.00\d+/.test(summary), `the loss falls from about 0.5 to below 0.01: ${summary}`);
      await view.locator('#training-grad-norm').waitFor();

      // step 0: θ_0 = the spec's weights, labelled as a training step
      await scrub(view, 0);
      await wb.waitForStatusBar('training step 0 of 100 (not applied)');
      await wb.waitForText(view.locator('#training-step-label'), 'training step 0 of 100');
      const atZero = await rowDescription(wb, 't=49', d => /h=\[/.test(d));
      check(atZero === before, `step 0 shows the spec's own h_49: ${atZero} vs ${before}`);
      // the last step: the trained model, whose h_1 differs
      await scrub(view, STEPS);
      await wb.waitForStatusBar('training step 100 of 100 (not applied)');
      const atLast = await rowDescription(wb, 't=49', d => /h=\[/.test(d) && d !== before);
      const h1Last = await inlineH1(wb).catch(error => `not read: ${error.message}`);
      // stepping still works on the scrubbed trace
      await wb.runCommand('LSTM: Step Back');
      await wb.waitForStatusBar(/LSTM t=49\/50 forward · training step 100 of 100/);
      await wb.screenshot('training-section');

      // apply from the section: one edit, "weights" in place of "init"
      const original = await editorText(wb);
      check(/"init"/.test(original) && !/"weights"/.test(original), 'the example starts with init');
      await view.locator('#training-apply').click();
      const applied = await waitForEditor(wb, text => /"weights"/.test(text) && !/"init"/.test(text), 'weights written');
      // the override is dropped once the spec holds the weights
      await page.locator('.part.statusbar .statusbar-item', { hasText: '(not applied)' }).waitFor({ state: 'detached', timeout: 20000 }).catch(async () => {
        throw new Error(`the status bar still shows a training step: ${await wb.statusBarTexts()}`);
      });
      const afterApply = await rowDescription(wb, 't=49', d => hPart(d) === hPart(atLast), 20000);

      // undo in the editor: the text is back
      await page.locator('.tabs-container .tab', { hasText: EXAMPLE }).first().click();
      await page.locator('.editor-group-container.active .monaco-editor .view-line').first().click();
      await page.keyboard.press('Control+Z');
      await waitForEditor(wb, text => /"init"/.test(text) && !/"weights"/.test(text), 'init back after undo');
      await rowDescription(wb, 't=49', d => hPart(d) === hPart(before), 20000);
      return { problem: problem.trim().slice(0, 80), notice: notice.slice(0, 160), before, atLast, afterApply, h1Before, h1Last, appliedHead: applied.slice(0, 120) };
    },
  },
];
