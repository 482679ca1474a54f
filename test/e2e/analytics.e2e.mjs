// "Seeing why" driven as a user would, in code-server with the VSIX installed: on the seed example
// "LSTM: Compare Cells" from the palette opens the panel's Compare section with lstm, gru and rnn
// overlaid (one h line per cell and unit, and their gradient decay, both charts drawn), and the
// Analytics section says there is no finding; on exploding-rnn the Analytics section names the
// exploding gradient with its steps, units and equation.

const EXAMPLE = 'this-movie-is-good.lstm.json';
const EXPLODING = 'exploding-rnn.lstm.json';

const check = (ok, message) => { if (!ok) throw new Error(message); };

/** Waits until `attribute` of the locator is `value` (or matches it). */
async function waitForAttribute(wb, locator, attribute, value, timeout = 30000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await locator.getAttribute(attribute, { timeout: 2000 }).catch(() => null);
    if (typeof value === 'string' ? last === value : last !== null && value.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`${attribute} is ${last}, expected ${value}`);
    await wb.page.waitForTimeout(100);
  }
}

/** How many opaque pixels a canvas of the panel has (its lines, text and grid). */
async function inked(view, id) {
   
  return view.locator(`#${id}`).evaluate(canvas => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let k = 3; k < data.length; k += 4) if (data[k] >= 200) n++;
    return n;
  });
   
}

export default [
  {
    name: 'Compare Cells from the palette overlays lstm, gru and rnn in the panel; the seed example has no finding',
    run: async wb => {
      await wb.openFile(EXAMPLE);
      await wb.waitForStatusBar(/LSTM t=0\/4/);
      await wb.runCommand('LSTM: Compare Cells');
      const view = wb.webview();
      const card = view.locator('#compare-card');
      await waitForAttribute(wb, card, 'data-cells', 'lstm,gru,rnn');
      check(await card.isVisible(), 'the Compare section is hidden');
      // the panel's default units are 0 and 1 (H = 2): one h line per cell and unit
      check(await card.getAttribute('data-state-lines') === '6', `state lines: ${await card.getAttribute('data-state-lines')}`);
      check(Number(await card.getAttribute('data-decay-lines')) >= 3, 'fewer than three decay lines');
      await wb.waitForText(view.locator('#compare-summary'), /lstm \(the spec's weights\): L = 0\.9682/);
      await wb.waitForText(view.locator('#compare-summary'), /gru \(init seed 0, scale 0\.1\)/);
      await wb.waitForText(view.locator('#compare-summary'), /rnn \(init seed 0, scale 0\.1\)/);
      await card.scrollIntoViewIfNeeded();
      const states = await inked(view, 'compare-states-chart');
      const decay = await inked(view, 'compare-decay-chart');
      check(states > 500 && decay > 500, `the compare charts look empty: ${states}, ${decay} inked pixels`);
      const analytics = view.locator('#analytics-card');
      await waitForAttribute(wb, analytics, 'data-findings', '0');
      await wb.waitForText(view.locator('#analytics-findings'), 'No finding');
      await wb.waitForText(view.locator('#analytics-idealised-notes'), '0.5^3 = 0.125');
      await wb.screenshot('compare-cells');
      return { stateLines: 6, inked: { states, decay } };
    },
  },
  {
    name: 'the Analytics section names the exploding gradient of exploding-rnn with its steps, units and equation',
    run: async wb => {
      await wb.openFile(EXPLODING);
      const view = wb.webview();
      const analytics = view.locator('#analytics-card');
      await waitForAttribute(wb, analytics, 'data-findings', '1');
      const text = await wb.waitForText(view.locator('#analytics-findings'), 'exploding');
      check(/steps t = 1–\d+; units 0, 1, 2, 3, 4, 5, 6, 7/.test(text), `finding: ${text}`);
      check(/equation: dL\/dh_\{t−1\} = W_hᵀ/.test(text), `finding: ${text}`);
      // the Compare section ran on the other spec: it says so instead of showing its charts
      await wb.waitForText(view.locator('#compare-card'), 'run it again');
      await wb.screenshot('analytics-exploding');
      return { finding: text.split('\n')[0] };
    },
  },
];
