// Smoke scenarios of the end-to-end harness: the VSIX is installed, its activity-bar container appears,
// and the shipped example opens and activates the extension. Feature scenarios live in their own files.
const EXAMPLE = 'this-movie-is-good.lstm.json';

export default [
  {
    name: 'the LSTM container is in the activity bar and opens the sidebar',
    run: async wb => {
      await wb.showView('LSTM');
      const title = await wb.page.locator('.part.sidebar .composite.title').innerText();
      if (!/LSTM/i.test(title)) throw new Error(`sidebar title is ${JSON.stringify(title)}`);
      await wb.screenshot('smoke-sidebar');
      return { sidebarTitle: title.trim() };
    },
  },
  {
    name: `the example ${EXAMPLE} opens in an editor and the status bar shows the LSTM cursor`,
    run: async wb => {
      await wb.openFile(EXAMPLE);
      const editorText = await wb.page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText();
      if (!editorText.includes('"inputs"')) throw new Error('the editor does not show the spec (no "inputs" key)');
      // the extension activates on *.lstm.json and shows its cursor ("LSTM t=0/4 forward")
      const status = await wb.waitForStatusBar(/LSTM t=/);
      await wb.screenshot('smoke-example');
      return { status };
    },
  },
];
