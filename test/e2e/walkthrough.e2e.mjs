// The guided start, as a first-time user meets it: the "Step through an LSTM" walkthrough opened
// from the palette lists its six steps and draws each step's diagram in the theme's colours (dark,
// light and high contrast; screenshots of every step in test-output/e2e/walkthrough/); its first
// button opens the seed example as an lstm-spec spec and ticks the step off, its Step button moves
// the cursor; and "LSTM: New Spec from Example" shows every example's own description, read here
// from the example files themselves.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const WALKTHROUGH = manifest.contributes.walkthroughs[0];
const examples = fs.readdirSync(path.join(repoRoot, 'examples')).filter(f => f.endsWith('.lstm.json'))
  .map(fileName => ({ fileName, ...JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', fileName), 'utf8')) }));

/** The step's row in the walkthrough page (VS Code prefixes the ids with the extension's and the walkthrough's). */
const stepRow = (wb, id) => wb.page.locator(`button.getting-started-step[data-step-id$="#${id}"]`);
const stepDone = (wb, id) => wb.page.locator(`[data-done-step-id$="#${id}"][aria-checked="true"]`);

/** The diagram of the selected step (an SVG in the walkthrough's webview): its first text and that text's resolved fill. */
async function diagram(wb) {
  const svg = wb.webview().locator('svg').first();
  await svg.waitFor({ timeout: 15000 });
  return svg.evaluate(element => {
    const text = element.querySelector('text');
    const box = element.getBoundingClientRect();
    return { title: text?.textContent ?? '', fill: text ? element.ownerDocument.defaultView.getComputedStyle(text).fill : '', width: Math.round(box.width), height: Math.round(box.height) };
  });
}

async function openWalkthrough(wb) {
  // a step's button is disabled while the page shows another slide (the list of walkthroughs)
  const first = stepRow(wb, WALKTHROUGH.steps[0].id);
  if (!(await first.isVisible().catch(() => false)) || await first.isDisabled().catch(() => true)) {
    for (let attempt = 1; ; attempt++) {
      await wb.runCommand('Welcome: Open Walkthrough...');
      const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: WALKTHROUGH.title }).first();
      try {
        await row.waitFor({ timeout: 5000 });
        await row.click({ timeout: 5000 });
        break;
      } catch (error) {
        // the quick pick closed under the click (a webview took the focus, see test/host/workbench.mjs)
        if (attempt >= 5) throw error;
        wb.log(`[e2e] the walkthrough picker closed before "${WALKTHROUGH.title}" was picked, retrying`);
      }
    }
    await wb.page.locator(`button.getting-started-step:not([disabled])[data-step-id$="#${WALKTHROUGH.steps[0].id}"]`).waitFor({ timeout: 20000 });
  }
  // the step's diagram is a webview that takes the focus when it has loaded, which closes a quick
  // input opened before that: wait for it first
  await wb.webview().locator('svg').first().waitFor({ timeout: 20000 });
  await wb.page.waitForTimeout(500);
}

async function selectStep(wb, id) {
  const row = stepRow(wb, id);
  if (await row.isDisabled()) await openWalkthrough(wb);
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await wb.page.locator(`button.getting-started-step.expanded[data-step-id$="#${id}"]`).waitFor();
}

export default [
  {
    name: 'the walkthrough lists its six steps and draws each diagram in the theme\'s colours',
    timeout: 240000,
    run: async wb => {
      // the room a walkthrough gets with the sidebar closed, as on a wide screen
      await wb.runCommand('View: Close Primary Side Bar');
      await openWalkthrough(wb);
      const titles = (await wb.page.locator('button.getting-started-step h3.step-title').allInnerTexts()).map(s => s.trim());
      const expected = WALKTHROUGH.steps.map(step => step.title);
      if (JSON.stringify(titles) !== JSON.stringify(expected)) throw new Error(`steps ${JSON.stringify(titles)}, expected ${JSON.stringify(expected)}`);
      const looks = {};
      for (const [theme, bodyClass, suffix] of [
        ['Default Dark Modern', 'vscode-dark', 'dark'],
        ['Default Light Modern', 'vscode-light', 'light'],
        ['Default High Contrast', 'vscode-high-contrast', 'hc'],
      ]) {
        await wb.setTheme(theme);
        looks[suffix] = {};
        for (const step of WALKTHROUGH.steps) {
          await selectStep(wb, step.id);
          await wb.webview().locator(`body.${bodyClass}`).waitFor({ timeout: 10000 });
          const look = await diagram(wb);
          // the SVG's own first text is its title: the right diagram is shown, not the previous step's
          const own = fs.readFileSync(path.join(repoRoot, step.media.svg), 'utf8').match(/<text[^>]*>([^<]*)</)[1];
          if (look.title !== own) throw new Error(`${step.id} (${theme}): the diagram shows "${look.title}", expected "${own}"`);
          if (look.width < 300 || look.height < 150) throw new Error(`${step.id}: the diagram is ${look.width}x${look.height}`);
          if (!/^rgb/.test(look.fill)) throw new Error(`${step.id} (${theme}): text fill ${look.fill} is not a resolved colour`);
          looks[suffix][step.id] = look.fill;
          await wb.screenshot(`walkthrough-${suffix}-${step.id}`);
        }
      }
      await wb.setTheme('Default Dark Modern');
      // theme-aware: the same text is drawn in another colour on a light theme than on a dark one
      const first = WALKTHROUGH.steps[0].id;
      if (looks.dark[first] === looks.light[first]) throw new Error(`the diagram's text is ${looks.dark[first]} in both dark and light themes`);
      return { steps: titles.length, fills: { dark: looks.dark[first], light: looks.light[first], hc: looks.hc[first] } };
    },
  },
  {
    name: 'the first step opens the seed example as an lstm-spec spec and ticks off; Step moves the cursor',
    run: async wb => {
      await openWalkthrough(wb);
      const [open, step] = WALKTHROUGH.steps;
      await selectStep(wb, open.id);
      await wb.page.locator('.step-description-container .monaco-button', { hasText: 'Open "This movie is good"' }).first().click();
      const status = await wb.waitForStatusBar(/LSTM t=0\/4 forward/);
      // the language mode indicator of the new untitled document: the spec language, not JSON or plain text
      const mode = (await wb.page.locator('#status\\.editor\\.mode').innerText()).trim();
      if (mode !== 'LSTM Spec') throw new Error(`the example opened in language mode "${mode}"`);
      // the spec opens beside the walkthrough (Monaco renders spaces as no-break spaces)
      const editorText = (await wb.page.locator('.editor-group-container .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
      if (!editorText.includes('"This movie is good"')) throw new Error(`the editor does not show the seed example: ${editorText.slice(0, 200)}`);
      await stepDone(wb, open.id).waitFor({ timeout: 10000 });
      await wb.screenshot('walkthrough-opened-example');
      // Save proposes the spec language's extension, so the saved file gets the JSON schema
      await wb.page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
      await wb.page.keyboard.press('Control+S');
      const saveInput = wb.page.locator('.quick-input-widget input');
      await saveInput.waitFor({ state: 'visible', timeout: 10000 });
      // the simple file dialog fills its path in parts: wait for the file name
      let proposed = '';
      for (const deadline = Date.now() + 10000; Date.now() < deadline && !/\.json$/.test(proposed); await wb.page.waitForTimeout(100)) {
        proposed = await saveInput.inputValue();
      }
      await wb.screenshot('walkthrough-save-proposal');
      await wb.closeQuickInput();
      if (!/\.lstm\.json$/.test(proposed)) throw new Error(`Save proposes ${proposed}`);
      // the second step's button steps the spec beside the walkthrough
      await selectStep(wb, step.id);
      await wb.page.locator('.step-description-container .monaco-button', { hasText: /^\s*Step\s*$/ }).first().click();
      const moved = await wb.waitForStatusBar(/LSTM t=1\/4 forward/);
      await stepDone(wb, step.id).waitFor({ timeout: 10000 });
      await wb.screenshot('walkthrough-stepped');
      return { status, mode, moved, proposed };
    },
  },
  {
    name: 'New Spec from Example shows every example with its description',
    run: async wb => {
      await wb.runCommand('LSTM: New Spec from Example');
      const input = wb.page.locator('.quick-input-widget input');
      const rows = wb.page.locator('.quick-input-list .monaco-list-row');
      await rows.first().waitFor();
      const first = (await rows.first().innerText()).replace(/\s+/g, ' ').trim();
      await wb.screenshot('walkthrough-example-picker');
      if (!first.startsWith('This movie is good')) throw new Error(`the seed example is not first: ${first}`);
      // each example, found by its file name (the row's description), shows its own description as the detail
      const details = {};
      for (const example of examples) {
        await input.fill(example.fileName);
        // the row whose description is this file (another example's detail may name it too)
        const row = rows.filter({ has: wb.page.locator('.label-description', { hasText: new RegExp(`· ${example.fileName.replace(/[.]/g, '\\.')}\\s*$`) }) }).first();
        await row.waitFor();
        const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
        if (!text.includes(example.name)) throw new Error(`${example.fileName}: the row says ${text.slice(0, 200)}`);
        if (!text.includes(example.description.replace(/\s+/g, ' '))) throw new Error(`${example.fileName}: no description in the row ${text.slice(0, 300)}`);
        details[example.fileName] = text.length;
      }
      await input.fill('long-dependency');
      await rows.nth(2).waitFor();
      await wb.screenshot('walkthrough-example-picker-long-dependency');
      await wb.closeQuickInput();
      return { examples: Object.keys(details).length, first: first.slice(0, 120) };
    },
  },
];
