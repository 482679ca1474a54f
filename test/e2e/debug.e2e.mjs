// The debugger as a student uses it, in code-server with the packaged VSIX: F5 on the seed's
// example (no launch.json), a conditional breakpoint `f[0] > 0.7` typed in the breakpoint widget
// that stops at t=4, Step Back from the debug toolbar, the Variables view and the Debug Console
// showing the seed's numbers (f_1 = 0.5498, c_2 = 0.4225; the worked example of
// docs/spec-format.md, which PyTorch's golden data confirms).
const EXAMPLE = 'this-movie-is-good.lstm.json';

async function poll(wb, read, check, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  let value;
  for (;;) {
    value = await read().catch(() => undefined);
    if (value !== undefined && check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}; got ${JSON.stringify(value)}`);
    await wb.page.waitForTimeout(150);
  }
}

const callStack = wb => wb.page.locator('.debug-call-stack .monaco-list-row').allInnerTexts();
const variables = wb => wb.page.locator('.debug-variables .monaco-list-row').allInnerTexts();
const topFrameIs = (wb, name) => poll(wb, () => callStack(wb), rows => rows.some(r => r.includes(name)), `the call stack does not show ${name}`);

async function expandScope(wb, name) {
  const row = wb.page.locator('.debug-variables .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 15000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
}

async function consoleEvaluate(wb, expression) {
  const page = wb.page;
  // monaco's textarea sits off screen: click the input's editor, then type
  const input = page.locator('.repl .repl-input-wrapper .monaco-editor').first();
  if (!(await input.isVisible().catch(() => false))) await wb.runCommand('Debug: Focus on Debug Console View');
  await input.waitFor({ timeout: 10000 });
  await input.click();
  await page.keyboard.type(expression);
  await page.keyboard.press('Enter');
}

const consoleText = wb => wb.page.locator('.repl .monaco-list-rows').innerText();

const scenarios = [
  {
    name: 'F5 on the seed, a conditional breakpoint from the widget stops at t=4; Step Back; Variables and Debug Console show the seed\'s numbers',
    timeout: 240000,
    run: async wb => {
      const page = wb.page;
      await wb.openFile(EXAMPLE);
      await wb.waitForStatusBar('LSTM t=0/4 forward');
      // the cursor on the inputs line, then the breakpoint widget: type the condition
      const inputsLine = page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: '"inputs"' }).first();
      await inputsLine.click();
      await page.keyboard.press('End');
      await wb.runCommand('Debug: Add Conditional Breakpoint...');
      const widget = page.locator('.breakpoint-widget .inputContainer textarea, .breakpoint-widget textarea').first();
      await widget.waitFor({ timeout: 10000 });
      // type only once the widget has the focus: on a loaded machine it appears before it takes it,
      // and keys typed then land in the spec instead
      await widget.focus();
      await page.waitForFunction(() => document.activeElement?.closest('.breakpoint-widget') != null, undefined, { timeout: 10000 }); // eslint-disable-line no-undef -- runs in the page
      await page.keyboard.type('f[0] > 0.7');
      await page.keyboard.press('Enter');
      await page.locator('.editor-group-container.active .codicon-debug-breakpoint-conditional').first().waitFor({ timeout: 10000 });
      await wb.screenshot('debug-conditional-breakpoint');

      // F5 with no launch.json: the spec's debugger starts and stops on entry
      await inputsLine.click();
      await page.keyboard.press('F5');
      await page.locator('.debug-toolbar').waitFor({ timeout: 30000 });
      await topFrameIs(wb, 't=0 (forward)');
      // continue: the condition holds first at t=4 (f_4 = 0.7279)
      await page.keyboard.press('F5');
      await topFrameIs(wb, 't=4 "good" (forward)');
      await expandScope(wb, 'Gates');
      const gates = await poll(wb, () => variables(wb), rows => rows.some(r => /^f\b/.test(r) && r.includes('0.7279')), 'Gates does not show f = [0.7279, 0.7279]');
      await wb.waitForStatusBar('LSTM t=4/4 forward'); // the status bar follows the debug session
      await wb.screenshot('debug-breakpoint-t4');

      // Step Back from the toolbar
      await page.locator('.debug-toolbar .action-label[aria-label^="Step Back"]').first().click();
      await topFrameIs(wb, 't=3 "is" (forward)');
      await wb.waitForStatusBar('LSTM t=3/4 forward');
      await consoleEvaluate(wb, 'c_prev[0]');
      await poll(wb, () => consoleText(wb), text => text.includes('0.4225383241597'), 'the Debug Console does not answer c_2 = 0.4225…');
      await consoleEvaluate(wb, 'W_f @ z + b_f');
      await poll(wb, () => consoleText(wb), text => text.includes('0.2085203128662'), 'the Debug Console does not answer a_f_3 = W_f @ z + b_f = 0.2085…');
      await wb.screenshot('debug-console');

      // back to t=1: the Variables view shows f_1 = 0.5498
      await page.locator('.debug-toolbar .action-label[aria-label^="Step Back"]').first().click();
      await topFrameIs(wb, 't=2 "movie" (forward)');
      await page.locator('.debug-toolbar .action-label[aria-label^="Step Back"]').first().click();
      await topFrameIs(wb, 't=1 "This" (forward)');
      await expandScope(wb, 'Gates');
      const f1 = await poll(wb, () => variables(wb), rows => rows.some(r => /^f\b/.test(r) && r.includes('0.5498')), 'Gates does not show f_1 = [0.5498, 0.5498]');
      await wb.screenshot('debug-step-back-t1');
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 15000 });
      return { gates: gates.filter(r => /^f\b/.test(r)), f1: f1.filter(r => /^f\b/.test(r)) };
    },
  },
];

export default scenarios;
