// The Workbench helper end-to-end scenarios receive as `wb`: it drives the VS Code web workbench in
// chromium as a user would (command palette, Quick Open, the sidebar tree, hovers, the webview) with
// the selectors of VS Code 1.100. Everything waits for the UI instead of sleeping, and retries the one
// race seen here: a palette opened before the extension's contributions are registered.
import fs from 'node:fs';
import path from 'node:path';

const PALETTE_INPUT = '.quick-input-widget input';
const PALETTE_ROWS = '.quick-input-list .monaco-list-row';
const TREE_ROWS = '.part.sidebar .monaco-list-row';

export class Workbench {
  /**
   * @param {import('playwright-core').Page} page
   * @param {{ outDir: string, workspace: string, host: object, log?: (s: string) => void }} context
   */
  constructor(page, { outDir, workspace, host, log = s => console.error(s) }) {
    this.page = page;
    this.outDir = outDir;
    this.workspace = workspace;
    this.host = host;
    this.log = log;
    fs.mkdirSync(outDir, { recursive: true });
  }

  /** Waits for the workbench, the explorer's folder and the contributed activity-bar entry. */
  async waitReady({ activityBarEntry = 'LSTM', timeout = 90000 } = {}) {
    await this.page.locator('.monaco-workbench').waitFor({ timeout });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
    // The workbench renders before the extension host has registered extensions; the activity-bar entry
    // means our contributions (commands, views) are known.
    if (activityBarEntry) await this.activityBarItem(activityBarEntry).waitFor({ timeout });
  }

  /** The activity-bar entry whose aria-label is `label` (or starts with `label (` for a keybinding hint). */
  activityBarItem(label) {
    return this.page.locator(`.activitybar .action-item [aria-label="${label}"], .activitybar .action-item [aria-label^="${label} ("]`).first();
  }

  /** Runs a command by its palette title (e.g. "LSTM: Step"): F1, type, pick the row with exactly that label. */
  async runCommand(title, { attempts = 5 } = {}) {
    const page = this.page;
    for (let attempt = 1; ; attempt++) {
      await this.closeQuickInput();
      await page.keyboard.press('F1');
      const input = page.locator(PALETTE_INPUT);
      try {
        await input.waitFor({ state: 'visible', timeout: 5000 });
        await input.fill('>' + title, { timeout: 5000 });
      } catch (error) {
        // the palette closed as it opened (a webview took the focus back, see below)
        if (attempt >= attempts) throw new Error(`the command palette closed before "${title}" could be typed (${attempts} attempts)`, { cause: error });
        this.log(`[e2e] the palette closed before "${title}" was typed, retrying`);
        await page.waitForTimeout(500);
        continue;
      }
      // Recently used commands are listed first, so "LSTM: Step Back" may head the list for "LSTM: Step":
      // pick the row whose label is exactly the title.
      const row = page.locator(PALETTE_ROWS).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }) }).first();
      try {
        await row.waitFor({ timeout: 3000 });
      } catch (error) {
        // "No matching commands": the extension's contributions are not registered yet (Escape only
        // if the palette is still open: an Escape that reaches the page beneath may act there, like
        // a walkthrough going back to its list)
        await this.closeQuickInput();
        if (attempt >= attempts) throw new Error(`the command palette has no command "${title}" (${attempts} attempts)`, { cause: error });
        this.log(`[e2e] palette has no "${title}" yet, retrying`);
        await page.waitForTimeout(1000);
        continue;
      }
      try {
        await row.click({ timeout: 5000 });
      } catch (error) {
        // the palette closed under the click: a webview that finished loading took the focus back
        // (the walkthrough's diagram), and a quick input closes when it loses the focus
        if (attempt >= attempts) throw new Error(`the command palette closed before "${title}" could be clicked (${attempts} attempts)`, { cause: error });
        this.log(`[e2e] the palette closed before "${title}" was clicked, retrying`);
        await page.waitForTimeout(500);
        continue;
      }
      // the palette closes, or the command opens its own quick pick in the same widget (Go to Step…)
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        if (!(await page.locator('.quick-input-widget').isVisible())) break;
        if (!(await input.inputValue().catch(() => '')).startsWith('>')) break;
        await page.waitForTimeout(50);
      }
      return;
    }
  }

  /** Closes a quick input (palette, quick pick) left open. */
  async closeQuickInput() {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible().catch(() => false)) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 2000 }).catch(() => {});
    }
  }

  /** Rows of the quick pick currently shown (e.g. after "LSTM: Go to Step…"): their label texts. */
  async quickPickLabels() {
    await this.page.locator(PALETTE_ROWS).first().waitFor();
    return (await this.page.locator(`${PALETTE_ROWS} .label-name`).allInnerTexts()).map(s => s.trim());
  }

  /** Opens a workspace file by name with Quick Open (Ctrl+P), falling back to the explorer; waits for its tab. */
  async openFile(name) {
    const page = this.page;
    const base = path.basename(name);
    const tab = page.locator('.tabs-container .tab.active', { hasText: base });
    try {
      await this.closeQuickInput();
      await page.keyboard.press('Control+P');
      const input = page.locator(PALETTE_INPUT);
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(name);
      await page.locator(PALETTE_ROWS, { hasText: base }).first().waitFor({ timeout: 10000 });
      await page.keyboard.press('Enter');
      await tab.waitFor({ timeout: 10000 });
    } catch (error) {
      this.log(`[e2e] Quick Open did not open ${name} (${String(error.message).split('\n')[0]}); using the explorer`);
      await this.closeQuickInput();
      await this.page.locator('.activitybar .action-item [aria-label^="Explorer"]').first().click();
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: base }).first().click();
      await tab.waitFor({ timeout: 10000 });
    }
    // the first line is rendered: the editor is ready for hovers and typing
    await page.locator('.editor-group-container.active .monaco-editor .view-line').first().waitFor();
  }

  /** Shows the LSTM view container (or any activity-bar entry by label). */
  async showView(label = 'LSTM') {
    const item = this.activityBarItem(label);
    const checked = await item.getAttribute('aria-pressed').catch(() => null) ?? await item.getAttribute('aria-checked').catch(() => null);
    // clicking the active container would collapse the sidebar
    if (checked !== 'true' || !(await this.page.locator('.part.sidebar').isVisible())) await item.click();
    await this.page.locator('.part.sidebar').waitFor();
  }

  /** Texts of the visible sidebar tree rows' labels. */
  async treeLabels() {
    return (await this.page.locator(`${TREE_ROWS} .label-name`).allInnerTexts()).map(s => s.trim());
  }

  /** The visible sidebar tree rows: label, description, indent level, expanded state, tooltip-less. */
  async treeItems() {
    return this.page.locator(TREE_ROWS).evaluateAll(rows => rows.map(row => ({
      label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
      level: Number(row.getAttribute('aria-level') ?? 0),
      expanded: row.getAttribute('aria-expanded') === null ? undefined : row.getAttribute('aria-expanded') === 'true',
      selected: row.classList.contains('selected'),
    })));
  }

  /** Waits until a tree row's label contains `text` (string or RegExp); returns that row's locator. */
  async waitForTreeItem(text, { timeout = 20000 } = {}) {
    const row = this.page.locator(TREE_ROWS).filter({ has: this.page.locator('.label-name', { hasText: text }) }).first();
    await row.waitFor({ timeout });
    return row;
  }

  /** Non-empty texts of the status bar items, left to right. */
  async statusBarTexts() {
    return (await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts()).map(s => s.trim()).filter(Boolean);
  }

  /** Waits until some status bar item's text matches (string = substring, or RegExp); returns that text. */
  async waitForStatusBar(text, { timeout = 20000 } = {}) {
    const item = this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
    await item.waitFor({ timeout });
    return (await item.innerText()).trim();
  }

  /**
   * Moves the mouse over the first editor token span containing `text` (the active editor) and waits for
   * the hover widget; returns its innerText. `expect` (string/RegExp) waits for a hover that contains it.
   */
  async hoverOnText(text, { expect, attempts = 5 } = {}) {
    const page = this.page;
    // token spans exist once the grammar has tokenized the line (the line is re-rendered afterwards)
    const token = page.locator('.editor-group-container.active .monaco-editor .view-line span span', { hasText: text }).first();
    await token.waitFor();
    await token.scrollIntoViewIfNeeded().catch(() => {});
    const hover = expect ? page.locator('.monaco-hover', { hasText: expect }).first() : page.locator('.monaco-hover').filter({ hasText: /\S/ }).first();
    for (let attempt = 1; ; attempt++) {
      const box = await token.boundingBox();
      if (box) {
        await page.mouse.move(box.x + 1, box.y + 1);
        await page.mouse.move(box.x + Math.min(box.width / 2, 12), box.y + box.height / 2, { steps: 5 });
        try {
          await hover.waitFor({ state: 'visible', timeout: 4000 });
          return (await hover.innerText()).trim();
        } catch (error) {
          if (attempt >= attempts) throw new Error(`no hover over "${text}"${expect ? ` containing ${expect}` : ''}`, { cause: error });
        }
      } else if (attempt >= attempts) throw new Error(`token "${text}" is not visible in the editor`);
      // the first hover can race re-rendering or the extension's activation: move away and retry
      await page.mouse.move(0, 0);
      await page.waitForTimeout(500);
    }
  }

  /** Moves the mouse away so a hover closes. */
  async clearHover() {
    await this.page.mouse.move(0, 0);
    await this.page.keyboard.press('Escape');
  }

  /** The last opened webview's content frame: iframe.webview.ready (host) -> #active-frame (our HTML). */
  webview() {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /** Saves a full-window screenshot as <outDir>/<name>.png and returns its path. */
  async screenshot(name) {
    const file = path.join(this.outDir, name.endsWith('.png') ? name : `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Switches the colour theme with "Preferences: Color Theme" and waits for the workbench to re-theme.
   * `themeName` is the picker's label ("Dark Modern", "Light Modern", "Dark High Contrast") or the theme's
   * settings id shown as its description ("Default Dark Modern", "Default Light Modern", "Default High Contrast").
   * Returns the workbench's theme class (vs, vs-dark, hc-black, hc-light).
   */
  async setTheme(themeName, { attempts = 5 } = {}) {
    const page = this.page;
    for (let attempt = 1; ; attempt++) {
      await this.runCommand('Preferences: Color Theme');
      const input = page.locator(PALETTE_INPUT);
      const exact = new RegExp(`^\\s*${escapeRegExp(themeName)}\\s*$`);
      const row = page.locator(PALETTE_ROWS).filter({ has: page.locator('.label-name, .label-description', { hasText: exact }) }).first();
      try {
        await input.waitFor({ state: 'visible', timeout: 5000 });
        await input.fill(themeName, { timeout: 5000 });
        await row.waitFor({ timeout: 5000 });
        await row.click({ timeout: 5000 });
        break;
      } catch (error) {
        // the picker closed when a webview took the focus back (see runCommand)
        if (attempt >= attempts) throw new Error(`the colour theme picker closed before "${themeName}" was picked (${attempts} attempts)`, { cause: error });
        this.log(`[e2e] the colour theme picker closed before "${themeName}" was picked, retrying`);
        await page.waitForTimeout(500);
      }
    }
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' }).catch(() => {});
    const expected = /high contrast/i.test(themeName) ? (/light/i.test(themeName) ? 'hc-light' : 'hc-black') : (/light/i.test(themeName) ? 'vs' : 'vs-dark');
    await page.locator(`.monaco-workbench.${expected}`).waitFor({ timeout: 10000 });
    return expected;
  }

  /** Waits until the locator's text contains `text` (string) or matches it (RegExp); returns the text. */
  async waitForText(locator, text, { timeout = 20000 } = {}) {
    const deadline = Date.now() + timeout;
    let last = '';
    let lastError;
    for (;;) {
      try {
        last = await locator.innerText({ timeout: Math.max(1, Math.min(5000, deadline - Date.now())) });
        lastError = undefined;
      } catch (error) {
        lastError = error;
      }
      if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
      if (Date.now() > deadline) {
        const why = lastError ? ` (reading it failed: ${String(lastError.message).split('\n')[0]})` : '';
        throw new Error(`timed out waiting for ${text} in text ${JSON.stringify(last.slice(0, 300))}${why}`);
      }
      await this.page.waitForTimeout(100);
    }
  }

  /** Texts of the notification toasts shown now. */
  async notifications() {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map(s => s.trim());
  }
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
