// The chart panel driven as a user would, in code-server with the VSIX installed: open the seed's
// example and the panel from the palette, step with "LSTM: Step" and read the panel (the step
// marker moves on the charts' overlays without the charts being redrawn, the steps not reached
// yet are veiled, the equations show the seed's σ(0.2000) = 0.5498 at t = 1), click a chart point
// and see the cursor (panel and status bar) move (in the backward phase it stays there), use the
// panel's keys and buttons, check that a token `<img src=x onerror=alert(1)>` shows literally,
// screenshot light, dark and high-contrast themes, break the spec and see the stale-trace banner,
// see no conveyor belt for an rnn, and time T = 1000, H = 512 (the scale scenario is also the
// benchmark: --grep scale).

const EXAMPLE = 'this-movie-is-good.lstm.json';
const XSS = 'xss-token.lstm.json';
const SCALE = 'scale-512-8-1000.lstm.json';
const XSS_TOKEN = '<img src=x onerror=alert(1)>';

const check = (ok, message) => { if (!ok) throw new Error(message); };
const cspViolations = [];

/** Waits until a canvas's data-marker-t is `t` (string) — the chart drew its step marker there. */
async function waitForMarker(wb, selector, t, timeout = 10000) {
  const canvas = wb.webview().locator(selector);
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await canvas.getAttribute('data-marker-t').catch(() => null);
    if (last === String(t)) return last;
    if (Date.now() > deadline) throw new Error(`${selector}: marker at ${last}, expected ${t}`);
    await wb.page.waitForTimeout(50);
  }
}

/** Clicks the point of step `t` on a time chart, using the pixel range the chart publishes. */
async function clickStep(wb, selector, t) {
  const canvas = wb.webview().locator(selector);
  const [first, last, plotY] = await Promise.all(['data-x-first', 'data-x-last', 'data-plot-y'].map(a => canvas.getAttribute(a)));
  const [t0, x0] = first.split(':').map(Number);
  const [t1, x1] = last.split(':').map(Number);
  const x = x0 + ((t - t0) / (t1 - t0)) * (x1 - x0);
  await canvas.click({ position: { x, y: Number(plotY) } });
}

/**
 * The panel's colours as drawn: its page background, its code block, a theme variable, and per chart
 * the mean luminance (0..255) of the opaque pixels on its canvas (text, grid, lines; the canvas has
 * no background of its own) and how many there are.
 */
async function panelLook(view) {
  /* eslint-disable no-undef */
  return view.locator('body').evaluate(body => {
    const ink = id => {
      const canvas = document.getElementById(id);
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let sum = 0;
      let inked = 0;
      for (let k = 0; k < data.length; k += 4) {
        if (data[k + 3] < 200) continue;
        sum += 0.2126 * data[k] + 0.7152 * data[k + 1] + 0.0722 * data[k + 2];
        inked++;
      }
      return { ink: inked ? Math.round(sum / inked) : -1, inked };
    };
    return {
      background: getComputedStyle(body).backgroundColor,
      codeBlock: getComputedStyle(document.getElementById('equations')).backgroundColor,
      chartsBlue: getComputedStyle(body).getPropertyValue('--vscode-charts-blue').trim(),
      gates: ink('gates-chart'), states: ink('states-chart'), decay: ink('decay-chart'),
    };
  });
  /* eslint-enable no-undef */
}

async function openPanel(wb) {
  await wb.runCommand('LSTM: Open Chart Panel');
  const view = wb.webview();
  await view.locator('#cursor-label').waitFor({ timeout: 30000 });
  return view;
}

/** Opens the example and the panel unless an earlier scenario left them open. */
async function ensurePanel(wb) {
  const open = await wb.webview().locator('#cursor-label').isVisible({ timeout: 1000 }).catch(() => false);
  if (open) return;
  await wb.openFile(EXAMPLE);
  await openPanel(wb);
  await wb.waitForText(wb.webview().locator('#spec-name'), 'This movie is good');
}

export default [
  {
    name: 'the panel opens beside the example and follows "LSTM: Step": marker and seed equations',
    run: async wb => {
      // the strict CSP must not block anything the panel needs (checked in the next scenario)
      wb.page.on('console', message => { if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text()); });
      await wb.openFile(EXAMPLE);
      await wb.waitForStatusBar(/LSTM t=0\/4/);
      const view = await openPanel(wb);
      await wb.waitForText(view.locator('#cursor-label'), 't=0/4 forward');
      await wb.waitForText(view.locator('#spec-name'), 'This movie is good');
      await wb.runCommand('LSTM: Step');
      await wb.waitForText(view.locator('#cursor-label'), 't=1/4 forward');
      const equations = await wb.waitForText(view.locator('#equations'), 'σ(0.2000) = 0.5498');
      check(equations.includes('a_f = W_f·z + b_f = 0.5·0 + 0.5·0 + 0.5·0.5 + 0.5·(−0.1) + 0 = 0.2000 → f = σ(0.2000) = 0.5498'), `equations: ${equations}`);
      check(equations.includes('c_1 = f·c_0 + i·g = 0.5498·0.0000 + 0.5498·0.1974 = 0.1085'), `equations: ${equations}`);
      check(equations.includes('h_1 = o·tanh(c_1) = 0.5498·tanh(0.1085) = 0.0594'), `equations: ${equations}`);
      await waitForMarker(wb, '#gates-chart', 1);
      await waitForMarker(wb, '#states-chart', 1);
      const x1 = Number(await view.locator('#gates-chart').getAttribute('data-marker-x'));
      // a Step writes the new numbers into the equation lines drawn (same lines, same operands):
      // the elements stay, so a focused operand keeps its focus
      await view.locator('#equations').evaluate(box => { box.querySelector('.operand').dataset.keptFromT1 = 'yes'; });
      await wb.runCommand('LSTM: Step');
      await wb.waitForText(view.locator('#cursor-label'), 't=2/4 forward');
      const t2 = await wb.waitForText(view.locator('#equations'), 'h_2 = o·tanh(c_2)');
      check(/c_2 = f·c_1 \+ i·g = .*= 0\.422\d/.test(t2), `the equations at t = 2: ${t2}`);
      check(await view.locator('#equations').evaluate(box => box.querySelector('.operand')?.dataset.keptFromT1) === 'yes', 'a Step rebuilt the equation lines instead of updating them');
      await waitForMarker(wb, '#gates-chart', 2);
      const x2 = Number(await view.locator('#gates-chart').getAttribute('data-marker-x'));
      check(x2 > x1 + 5, `the marker did not move right: ${x1} -> ${x2}`);
      // a Step repaints the overlays only: the charts themselves are not drawn again
      const charts = ['#gates-chart', '#states-chart', '#decay-chart'];
      const counts = () => Promise.all(charts.map(async id => ({
        chart: Number(await view.locator(id).getAttribute('data-chart-draws')),
        overlay: Number(await view.locator(id).getAttribute('data-overlay-draws')),
      })));
      await wb.page.waitForTimeout(300);
      const before = await counts();
      await wb.runCommand('LSTM: Step');
      await wb.waitForText(view.locator('#cursor-label'), 't=3/4 forward');
      await waitForMarker(wb, '#gates-chart', 3);
      await waitForMarker(wb, '#states-chart', 3);
      const after = await counts();
      charts.forEach((id, k) => {
        check(before[k].chart > 0 && after[k].chart === before[k].chart, `${id} was redrawn by a Step: ${before[k].chart} -> ${after[k].chart} draws`);
        check(after[k].overlay > before[k].overlay, `${id}'s overlay was not repainted: ${before[k].overlay} -> ${after[k].overlay}`);
      });
      const x3 = Number(await view.locator('#gates-chart').getAttribute('data-marker-x'));
      check(x3 > x2 + 5, `the marker did not move right: ${x2} -> ${x3}`);
      // progressive reveal: the future (after the marker) under a translucent veil, the gradient chart all veiled
      const veil = async id => ({
        left: Number(await view.locator(id).getAttribute('data-veil-left')), right: Number(await view.locator(id).getAttribute('data-veil-right')),
        alpha: Number(await view.locator(id).getAttribute('data-veil-alpha')),
      });
      const future = await veil('#gates-chart');
      check(Math.abs(future.left - x3) < 1 && future.right > future.left && future.alpha > 0 && future.alpha < 1, `the future's veil: ${JSON.stringify(future)} (marker ${x3})`);
      const decayVeil = await veil('#decay-chart');
      check(decayVeil.right > decayVeil.left && decayVeil.alpha > 0, `the gradient chart is not veiled in the forward phase: ${JSON.stringify(decayVeil)}`);
      // the layer is drawn where its mirrors say: the marker line on x3, the veil (the theme's
      // background, translucent) from the marker to the plot's right edge, as laid out on screen
      const placed = await view.locator('#gates-chart').evaluate(canvas => {
        const box = canvas.getBoundingClientRect();
        const overlay = canvas.nextElementSibling;
        const rect = selector => overlay.querySelector(selector).getBoundingClientRect();
        const veil = rect('.chart-veil');
        const plot = rect('.chart-overlay-plot');
        const marker = rect('.chart-marker');
        const veilStyle = getComputedStyle(overlay.querySelector('.chart-veil')); // eslint-disable-line no-undef
        return {
          markerX: marker.left + marker.width / 2 - box.left,
          veilLeft: Math.max(veil.left, plot.left) - box.left,
          veilRight: Math.min(veil.right, plot.right) - box.left,
          plotRight: plot.right - box.left,
          opacity: Number(veilStyle.opacity),
          background: veilStyle.backgroundColor,
          display: veilStyle.display,
        };
      });
      check(Math.abs(placed.markerX - x3) < 1.5, `the marker line is at ${placed.markerX}, its mirror says ${x3}`);
      check(placed.display !== 'none' && Math.abs(placed.veilLeft - x3) < 1.5 && Math.abs(placed.veilRight - placed.plotRight) < 1.5 && placed.veilRight > placed.veilLeft + 10,
        `the veil is not from the marker to the plot's right edge: ${JSON.stringify(placed)} (marker ${x3})`);
      check(placed.opacity > 0 && placed.opacity < 1 && !/rgba\(0, 0, 0, 0\)|transparent/.test(placed.background), `the veil is not the background, translucent: ${JSON.stringify(placed)}`);
      await wb.runCommand('LSTM: Step Back');
      await wb.waitForText(view.locator('#cursor-label'), 't=2/4 forward');
      await waitForMarker(wb, '#gates-chart', 2);
      const back = await counts();
      charts.forEach((id, k) => check(back[k].chart === before[k].chart, `${id} was redrawn by Step Back: ${before[k].chart} -> ${back[k].chart} draws`));
      // the seed's table: c_2 = 0.422, h_2 = 0.258
      await wb.waitForText(view.locator('#equations'), /c_2 = .* = 0\.422\d/);
      // no debug figures in the panel ("cursor drawn in 18.9 ms"): the draw time is kept for the
      // benchmark in a data attribute, never as text
      const panelText = await view.locator('body').innerText();
      check(!/drawn in|\d\s*ms\b/.test(panelText), `debug text in the panel: ${panelText.match(/.{0,30}(drawn in|\d\s*ms\b).{0,30}/)?.[0]}`);
      check(Number.isFinite(Number(await view.locator('body').getAttribute('data-rendered-ms'))), 'no draw time for the benchmark');
      await wb.screenshot('chart-panel-step2');
      // lstmStepper.chart.showFuture off hides the future (an opaque veil); on again, faint
      const fs = await import('node:fs');
      const path = await import('node:path');
      const settingsFile = path.join(wb.workspace, '.vscode', 'settings.json');
      const kept = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
      const veilAlpha = () => view.locator('#gates-chart').getAttribute('data-veil-alpha');
      const waitForAlpha = async (alpha, what) => {
        for (const deadline = Date.now() + 15000; (await veilAlpha()) !== alpha; await wb.page.waitForTimeout(100)) {
          check(Date.now() < deadline, `${what}: veil alpha ${await veilAlpha()}`);
        }
      };
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      fs.writeFileSync(settingsFile, JSON.stringify({ ...(kept ? JSON.parse(kept) : {}), 'lstmStepper.chart.showFuture': false }));
      await waitForAlpha('1', 'showFuture off');
      await wb.screenshot('chart-panel-future-hidden');
      if (kept === undefined) fs.writeFileSync(settingsFile, '{}'); else fs.writeFileSync(settingsFile, kept);
      await waitForAlpha('0.7', 'showFuture on again');
      return { markerPx: [x1, x2, x3], draws: { before, after, back }, future, token: await view.locator('#cursor-token').innerText() };
    },
  },
  {
    name: 'clicking a chart point moves the cursor (panel and status bar); keys and buttons send intents',
    run: async wb => {
      const view = wb.webview();
      await clickStep(wb, '#states-chart', 4);
      await wb.waitForText(view.locator('#cursor-label'), 't=4/4 forward');
      await wb.waitForStatusBar(/LSTM t=4\/4 forward/);
      await clickStep(wb, '#gates-chart', 3);
      await wb.waitForText(view.locator('#cursor-label'), 't=3/4 forward');
      await wb.waitForStatusBar(/LSTM t=3\/4 forward/);
      // keyboard inside the panel: → steps, ← steps back, Shift+End runs backward, Home resets
      await view.locator('#equations').click();
      await wb.page.keyboard.press('ArrowRight');
      await wb.waitForText(view.locator('#cursor-label'), 't=4/4 forward');
      await wb.page.keyboard.press('ArrowLeft');
      await wb.waitForText(view.locator('#cursor-label'), 't=3/4 forward');
      await wb.page.keyboard.press('Shift+End');
      await wb.waitForText(view.locator('#cursor-label'), 't=1/4 backward');
      await waitForMarker(wb, '#decay-chart', 1);
      const summary = await wb.waitForText(view.locator('#decay-summary'), 'after 3 steps back from t = 4');
      const equations = await wb.waitForText(view.locator('#equations'), 'dL/dc_1');
      // the seed's cell-path gradient: f_2·f_3·f_4 = 0.260
      check(/∏f = f_2···f_4 = 0\.260\d/.test(equations), `backward equations: ${equations}`);
      await wb.screenshot('chart-panel-backward');
      // the gates and states charts show forward values, but a click keeps the backward phase
      await clickStep(wb, '#states-chart', 2);
      await wb.waitForText(view.locator('#cursor-label'), 't=2/4 backward');
      await wb.waitForStatusBar(/LSTM t=2\/4 backward/);
      await clickStep(wb, '#gates-chart', 4);
      await wb.waitForText(view.locator('#cursor-label'), 't=4/4 backward');
      // a click on the decay chart goes to that backward step
      await clickStep(wb, '#decay-chart', 3);
      await wb.waitForText(view.locator('#cursor-label'), 't=3/4 backward');
      await wb.waitForStatusBar(/LSTM t=3\/4 backward/);
      // backward: the gradients not reached yet (t < 3) are veiled on the decay chart, the forward charts not at all
      await waitForMarker(wb, '#decay-chart', 3);
      const decay = view.locator('#decay-chart');
      const [veilLeft, veilRight, decayMarker] = await Promise.all(['data-veil-left', 'data-veil-right', 'data-marker-x'].map(a => decay.getAttribute(a).then(Number)));
      check(veilLeft < veilRight && Math.abs(veilRight - decayMarker) < 1, `the unreached gradients' veil: ${veilLeft}..${veilRight}, marker ${decayMarker}`);
      check((await view.locator('#gates-chart').getAttribute('data-veil-left')) === null, 'a veil over the forward values in the backward phase');
      await view.locator('button[data-intent="reset"]').click();
      await wb.waitForText(view.locator('#cursor-label'), 't=0/4 forward');
      await view.locator('button[data-intent="runToEnd"]').click();
      await wb.waitForText(view.locator('#cursor-label'), 't=4/4 forward');
      await view.locator('button[data-intent="stepBack"]').click();
      await wb.waitForText(view.locator('#cursor-label'), 't=3/4 forward');
      await view.locator('button[data-intent="step"]').click();
      await wb.waitForText(view.locator('#cursor-label'), 't=4/4 forward');
      // a click on a unit's bars in the conveyor belt shows that unit's equations
      const belt = view.locator('#belt-chart');
      const box = await belt.boundingBox();
      await belt.click({ position: { x: box.width * 0.78, y: box.height * 0.6 } });
      await wb.waitForText(view.locator('#equations-title'), 'unit 1');
      await belt.click({ position: { x: box.width * 0.35, y: box.height * 0.6 } });
      await wb.waitForText(view.locator('#equations-title'), 'unit 0');
      check(cspViolations.length === 0, `CSP violations: ${cspViolations.join(' | ')}`);
      return { summary };
    },
  },
  {
    name: 'light, dark and high-contrast themes re-theme the panel live (screenshots)',
    run: async wb => {
      const view = wb.webview();
      const shots = {};
      // the keyboard back in the workbench (the last scenario clicked into the panel)
      await wb.page.locator('.tabs-container .tab').first().click();
      // more room for the panel: no sidebar, the panel's group maximized
      await wb.runCommand('View: Close Primary Side Bar');
      const looks = {};
      for (const [theme, bodyClass, shot] of [
        ['Default Light Modern', 'vscode-light', 'chart-panel-light'],
        ['Default Dark Modern', 'vscode-dark', 'chart-panel-dark'],
        ['Default High Contrast', 'vscode-high-contrast', 'chart-panel-high-contrast'],
      ]) {
        await wb.setTheme(theme);
        await view.locator(`body.${bodyClass}`).waitFor({ timeout: 10000 });
        await wb.page.waitForTimeout(300);
        looks[theme] = await panelLook(view);
        await view.locator('#spec-name').scrollIntoViewIfNeeded();
        shots[theme] = await wb.screenshot(shot);
        await view.locator('#decay-card').scrollIntoViewIfNeeded();
        await wb.page.waitForTimeout(200);
        await wb.screenshot(`${shot}-lower`);
      }
      await wb.setTheme('Default Dark Modern');
      await view.locator('#spec-name').scrollIntoViewIfNeeded();
      // the panel's own colours follow the theme: its page, its code block, and what the charts
      // drew on their canvases (text, grid and lines: dark ink on a light theme, light on a dark one)
      const light = looks['Default Light Modern'];
      const dark = looks['Default Dark Modern'];
      for (const key of ['background', 'codeBlock', 'chartsBlue']) check(light[key] !== dark[key], `${key} is ${light[key]} in both themes`);
      for (const chart of ['gates', 'states', 'decay']) {
        check(light[chart].inked > 100 && dark[chart].inked > 100, `${chart}: too little drawn to compare: ${JSON.stringify(looks)}`);
        check(light[chart].ink < dark[chart].ink - 25, `${chart} chart not re-themed: mean ink luminance ${light[chart].ink} light, ${dark[chart].ink} dark`);
      }
      // mean ink luminance of the gates, states and decay charts per theme (first: the log line is cut at 400 characters)
      const ink = Object.fromEntries(Object.entries(looks).map(([theme, look]) => [theme, ['gates', 'states', 'decay'].map(chart => look[chart].ink)]));
      return { ink, shots };
    },
  },
  {
    name: 'a spec with errors keeps the last trace under a banner, which goes when the spec is fixed',
    run: async wb => {
      await ensurePanel(wb);
      const view = wb.webview();
      await wb.runCommand('View: Focus First Editor Group');
      await wb.openFile(EXAMPLE);
      await wb.waitForText(view.locator('#spec-name'), 'This movie is good');
      check(await view.locator('#stale').isHidden(), 'a banner over the current trace');
      // a stray character before the opening brace: the spec no longer parses
      await wb.page.locator('.editor-group-container.active .monaco-editor .view-line').first().click();
      await wb.page.keyboard.press('Control+Home');
      await wb.page.keyboard.type('x');
      const banner = await wb.waitForText(view.locator('#stale'), 'Showing the last valid trace: the spec has errors');
      check(await view.locator('#charts').isVisible(), 'the last trace is still drawn');
      const dimmed = await view.locator('#charts').evaluate(el => el.classList.contains('stale'));
      check(dimmed, 'the charts are not marked stale');
      await view.locator('#spec-name').scrollIntoViewIfNeeded();
      await wb.screenshot('chart-panel-stale');
      await wb.page.keyboard.press('Control+Z');
      await view.locator('#stale').waitFor({ state: 'hidden', timeout: 20000 });
      const current = await view.locator('#charts').evaluate(el => !el.classList.contains('stale'));
      check(current, 'the charts stay dimmed after the fix');
      return { banner };
    },
  },
  {
    name: 'a new trace draws the charts in view at once, and a chart out of view when it is scrolled into view',
    run: async wb => {
      await ensurePanel(wb);
      const view = wb.webview();
      await wb.runCommand('View: Focus First Editor Group');
      await wb.openFile(EXAMPLE);
      const heading = await wb.waitForText(view.locator('#spec-name'), 'This movie is good');
      await view.locator('#spec-name').scrollIntoViewIfNeeded();
      await wb.page.waitForTimeout(300);
      const draws = id => view.locator(id).getAttribute('data-chart-draws').then(Number);
      const offScreen = await view.locator('#decay-chart').evaluate(canvas => canvas.getBoundingClientRect().top > window.innerHeight); // eslint-disable-line no-undef
      check(offScreen, 'the gradient decay chart is in view at the top of the panel: this scenario needs it out of view');
      const before = { gates: await draws('#gates-chart'), decay: await draws('#decay-chart') };
      const decayPixels = () => view.locator('#decay-chart').evaluate(canvas => canvas.toDataURL());
      const oldDecay = await decayPixels();
      // x_1[0] = 0.5 → 0.59 (line 22, "inputs": [[0.5, …), through Go to Line: a new trace
      await wb.page.keyboard.press('Control+G');
      await wb.page.keyboard.type('22:18');
      await wb.page.keyboard.press('Enter');
      await wb.page.keyboard.type('9');
      const headingOnceNot = async old => {
        for (const deadline = Date.now() + 20000; ; await wb.page.waitForTimeout(100)) {
          const text = await view.locator('#spec-name').innerText();
          if (text !== old) return text;
          check(Date.now() < deadline, `the panel still shows ${old}`);
        }
      };
      const edited = await headingOnceNot(heading);
      check(/This movie is good .*L=/.test(edited), `the new trace's heading: ${edited}`);
      await wb.page.waitForTimeout(300);
      const after = { gates: await draws('#gates-chart'), decay: await draws('#decay-chart') };
      check(after.gates > before.gates, `the gates chart (in view) did not draw the new trace: ${before.gates} -> ${after.gates}`);
      check(after.decay === before.decay, `the decay chart (out of view) drew the new trace while out of view: ${before.decay} -> ${after.decay}`);
      await view.locator('#decay-chart').scrollIntoViewIfNeeded();
      for (const deadline = Date.now() + 10000; (await draws('#decay-chart')) === before.decay; await wb.page.waitForTimeout(50)) {
        check(Date.now() < deadline, 'the decay chart did not draw when scrolled into view');
      }
      check((await decayPixels()) !== oldDecay, 'the decay chart drew, but not the new trace');
      await wb.runCommand('View: Focus First Editor Group');
      await wb.page.keyboard.press('Control+Z');
      check((await headingOnceNot(edited)) === heading, 'Ctrl+Z did not bring the example back');
      await view.locator('#spec-name').scrollIntoViewIfNeeded();
      return { before, after, edited };
    },
  },
  {
    name: 'an rnn spec has no conveyor belt (no cell state); a gru shows its h_t belt',
    run: async wb => {
      const view = wb.webview();
      await wb.runCommand('View: Focus First Editor Group');
      await wb.openFile('rnn-movie.lstm.json');
      await wb.waitForText(view.locator('#spec-name'), 'rnn,');
      await view.locator('#belt-card').waitFor({ state: 'hidden', timeout: 10000 });
      await wb.runCommand('LSTM: Step');
      await wb.waitForText(view.locator('#cursor-label'), 't=1/');
      check(await view.locator('#belt-card').isHidden(), 'the belt card appeared for an rnn');
      await wb.screenshot('chart-panel-rnn');
      await wb.runCommand('View: Focus First Editor Group');
      await wb.openFile('gru-movie.lstm.json');
      await wb.waitForText(view.locator('#spec-name'), 'gru,');
      await view.locator('#belt-card').waitFor({ state: 'visible', timeout: 10000 });
      return { rnnBelt: 'hidden', gruBelt: 'visible' };
    },
  },
  {
    name: 'the panel survives a window reload with its chosen units and equation unit (serializer + setState)',
    run: async wb => {
      await ensurePanel(wb);
      const view = wb.webview();
      await view.locator('#units-input').fill('1');
      await view.locator('#units-input').press('Enter');
      await wb.page.waitForTimeout(300);
      await view.locator('#equation-unit').fill('1');
      await view.locator('#equation-unit').press('Enter');
      await wb.waitForText(view.locator('#equations-title'), 'unit 1');
      // "Developer: Reload Window" as a user would: the workbench saves the editor layout (and the
      // webview's state) on the way down, which a bare page reload does not wait for
      await wb.page.waitForTimeout(500);
      const reloaded = wb.page.waitForEvent('load', { timeout: 60000 });
      await wb.runCommand('Developer: Reload Window');
      await reloaded;
      await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      await wb.activityBarItem('LSTM').waitFor({ timeout: 60000 });
      const restored = wb.webview();
      await restored.locator('#cursor-label').waitFor({ timeout: 30000 });
      await wb.waitForText(restored.locator('#equations-title'), 'unit 1');
      const units = await restored.locator('#units-input').inputValue();
      check(units === '1', `units after reload: ${units}`);
      const equationUnit = await restored.locator('#equation-unit').inputValue();
      check(equationUnit === '1', `equation unit after reload: ${equationUnit}`);
      await wb.screenshot('chart-panel-after-reload');
      return { units, equationUnit, cursor: await restored.locator('#cursor-label').innerText() };
    },
  },
  {
    name: '"LSTM: Export Chart as PNG" writes the file chosen in the save dialog',
    run: async wb => {
      const fs = await import('node:fs');
      const path = await import('node:path');
      const target = path.join(wb.workspace, 'exported-charts.png');
      await ensurePanel(wb);
      await wb.runCommand('LSTM: Export Chart as PNG');
      // code-server's save dialog is VS Code's simple file dialog: a quick input holding the path
      const input = wb.page.locator('.quick-input-widget input');
      // the dialog opens prefilled with the default path (the palette's input holds ">…")
      await wb.page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value.startsWith('/'), null, { timeout: 15000 }); // eslint-disable-line no-undef
      // the dialog keeps completing its path for a moment: type ours until it stays
      for (let attempt = 0; attempt < 10; attempt++) {
        await input.fill(target);
        await wb.page.waitForTimeout(300);
        if ((await input.inputValue()) === target) break;
      }
      await wb.page.keyboard.press('Enter');
      const deadline = Date.now() + 15000;
      while (!fs.existsSync(target) && Date.now() < deadline) await wb.page.waitForTimeout(100);
      check(fs.existsSync(target), `no file at ${target}; dialog input ${JSON.stringify(await input.inputValue().catch(() => ''))}; notifications: ${(await wb.notifications()).join(' | ')}; workspace: ${fs.readdirSync(wb.workspace).join(', ')}`);
      const bytes = fs.readFileSync(target);
      check(bytes.subarray(1, 4).toString() === 'PNG', 'not a PNG');
      const copy = path.join(wb.outDir, 'exported-charts.png');
      fs.copyFileSync(target, copy);
      return { bytes: bytes.length, copy };
    },
  },
  {
    name: 'a token <img src=x onerror=alert(1)> and an HTML spec name appear literally',
    run: async wb => {
      const dialogs = [];
      wb.page.on('dialog', dialog => { dialogs.push(dialog.message()); void dialog.dismiss(); });
      // open the spec in the editor group on the left, so the panel stays visible beside it
      await wb.runCommand('View: Focus First Editor Group');
      await wb.openFile(`fixtures/${XSS}`);
      const view = await openPanel(wb);
      await wb.waitForText(view.locator('#spec-name'), '<img src=x onerror=alert(1)>');
      await wb.runCommand('LSTM: Step');
      await wb.waitForText(view.locator('#cursor-label'), 't=1/3 forward');
      const token = (await view.locator('#cursor-token').innerText()).trim();
      check(token === XSS_TOKEN, `token shown as ${JSON.stringify(token)}`);
      const name = await view.locator('#spec-name').innerText();
      check(name.includes('<b>bold?</b>'), `name shown as ${JSON.stringify(name)}`);
      const injected = await view.locator('img, b, script:not([src]):not(#_vscodeApiScript)').evaluateAll(elements => elements.map(e => e.outerHTML));
      check(injected.length === 0, `injected elements in the panel: ${injected.join(' ')}`);
      await wb.page.waitForTimeout(300);
      check(dialogs.length === 0, `dialogs: ${dialogs.join(', ')}`);
      await wb.screenshot('chart-panel-xss');
      return { token, name };
    },
  },
  {
    name: 'scale: T = 1000, H = 512 renders the heatmap and lines and follows steps (figures for the benchmark)',
    run: async wb => {
      await wb.runCommand('View: Focus First Editor Group');
      await wb.openFile(`fixtures/${SCALE}`);
      const view = await openPanel(wb);
      // the trace is computed in the worker first (seconds); then the panel gets a new snapshot
      await wb.waitForText(view.locator('#spec-name'), 'H=512', { timeout: 120000 });
      // the webview's draw times: in the body's data attributes, for the benchmark (never shown)
      const renderTime = view.locator('body');
      const snapshotMs = Number(await renderTime.getAttribute('data-rendered-ms'));
      const snapshotKind = await renderTime.getAttribute('data-rendered-kind');
      const stepMs = [];
      await view.locator('#equations').click();
      // key press to pixels: the panel's label changes in a frame, and a message posted then
      // arrives once that frame is painted (MessageChannel tasks run after the rendering step)
      const pressToPaint = async key => {
        const painted = view.locator('#cursor-label').evaluate(label => new Promise(resolve => {
          /* eslint-disable no-undef */
          const observer = new MutationObserver(() => {
            observer.disconnect();
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve(Date.now());
            requestAnimationFrame(() => channel.port2.postMessage(0));
          });
          observer.observe(label, { childList: true, characterData: true, subtree: true });
          /* eslint-enable no-undef */
        }));
        await wb.page.waitForTimeout(120);
        const started = Date.now();
        await wb.page.keyboard.press(key);
        return (await painted) - started;
      };
      for (let k = 1; k <= 12; k++) {
        const roundTrip = await pressToPaint('ArrowRight');
        await wb.waitForText(view.locator('#cursor-label'), `t=${k}/1000 forward`);
        stepMs.push({ drawn: Number(await renderTime.getAttribute('data-rendered-ms')), roundTrip });
      }
      const stepBackMs = [];
      for (let k = 11; k >= 4; k--) {
        const roundTrip = await pressToPaint('ArrowLeft');
        await wb.waitForText(view.locator('#cursor-label'), `t=${k}/1000 forward`);
        stepBackMs.push(roundTrip);
      }
      // lines for a chosen unit subset: a new snapshot, drawn in place
      await view.locator('#gate-view').selectOption('lines');
      await view.locator('#gates-chart').waitFor({ state: 'visible', timeout: 10000 });
      await wb.page.waitForTimeout(300);
      const linesMs = Number(await renderTime.getAttribute('data-rendered-ms'));
      // the Units field says what it took and why
      const units = view.locator('#units-input');
      const note = view.locator('#units-note');
      check((await note.getAttribute('role')) === 'status' && (await note.getAttribute('aria-live')) === 'polite', 'the units note is not a live region');
      await units.fill('0-20');
      await units.press('Enter');
      const clampNote = await wb.waitForText(note, 'showing units 0–7: at most 8');
      await units.fill('abc');
      await units.press('Enter');
      const badNote = await wb.waitForText(note, "'abc' is not a unit number or range");
      await units.fill('1,2');
      await units.press('Enter');
      for (const deadline = Date.now() + 10000; (await note.innerText()) !== '';) {
        check(Date.now() < deadline, `the note stays after a valid choice: ${await note.innerText()}`);
        await wb.page.waitForTimeout(100);
      }
      await view.locator('#gate-view').selectOption('heatmap');
      await view.locator('#gates-heatmap').waitFor({ state: 'visible', timeout: 10000 });
      // the heatmap's marker is on the cursor's column (t = 4, from the Step Backs above), placed
      // from the size its last draw measured: x = left margin 64 + (t - 0.5) / T of the plot, which
      // is the box less 64 + 72 of margins; the box gets its size as the heatmap is shown, so the
      // place is polled
      const heatmapMarkerAt = () => view.locator('#gates-heatmap').evaluate(canvas => ({
        t: canvas.dataset.markerT, x: Number(canvas.dataset.markerX), boxWidth: canvas.parentElement.clientWidth,
      }));
      const heatmapMarkerX = marker => 64 + (3.5 / 1000) * (marker.boxWidth - 64 - 72);
      let heatmapMarker = await heatmapMarkerAt();
      for (const deadline = Date.now() + 5000; !(heatmapMarker.boxWidth > 0 && heatmapMarker.t === '4'
        && Math.abs(heatmapMarker.x - heatmapMarkerX(heatmapMarker)) < 0.1);) {
        check(Date.now() < deadline, `the heatmap's marker is not on t = 4 at x = ${heatmapMarkerX(heatmapMarker).toFixed(1)}: ${JSON.stringify(heatmapMarker)}`);
        await wb.page.waitForTimeout(100);
        heatmapMarker = await heatmapMarkerAt();
      }
      await view.locator('#spec-name').scrollIntoViewIfNeeded();
      await wb.page.waitForTimeout(300);
      // hovering a heatmap cell reads out its units, steps and value
      const heatmap = view.locator('#gates-heatmap');
      const hbox = await heatmap.boundingBox();
      await heatmap.hover({ position: { x: hbox.width * 0.45, y: hbox.height * 0.5 } });
      const readout = await wb.waitForText(view.locator('#heatmap-readout'), / · t = \d+(–\d+)? · (mean )?\w+ = -?\d/);
      check(/^units? \d+(–\d+)? · /.test(readout), `heatmap readout: ${readout}`);
      await wb.screenshot('chart-panel-scale');
      // a signed field (h, diverging scale) in both themes, with the readout at the right edge
      await view.locator('#heatmap-field').selectOption('h');
      let scale = '';
      for (const deadline = Date.now() + 10000; !/^\S+ 0 -\S+$/.test(scale); await wb.page.waitForTimeout(100)) {
        check(Date.now() < deadline, `the h heatmap's colour bar: ${scale}`);
        scale = (await heatmap.getAttribute('data-scale')) ?? '';
      }
      for (const [theme, bodyClass, shot] of [['Default Light Modern', 'vscode-light', 'chart-panel-scale-light'], ['Default Dark Modern', 'vscode-dark', 'chart-panel-scale-dark']]) {
        await wb.setTheme(theme);
        await view.locator(`body.${bodyClass}`).waitFor({ timeout: 10000 });
        await wb.page.waitForTimeout(500);
        await heatmap.hover({ position: { x: hbox.width * 0.7, y: hbox.height * 0.3 } });
        const hReadout = await wb.waitForText(view.locator('#heatmap-readout'), / · (mean )?h = /);
        const [readoutBox, heatmapBox] = [await view.locator('#heatmap-readout').boundingBox(), await heatmap.boundingBox()];
        check(readoutBox.x >= heatmapBox.x - 1 && readoutBox.x + readoutBox.width <= heatmapBox.x + heatmapBox.width + 1, `the readout leaves the heatmap: ${JSON.stringify({ readoutBox, heatmapBox, hReadout })}`);
        await wb.screenshot(shot);
      }
      await view.locator('#heatmap-field').selectOption('f');
      await view.locator('#decay-card').scrollIntoViewIfNeeded();
      await wb.screenshot('chart-panel-scale-lower');
      const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const p90 = values => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.9))];
      const figures = {
        T: 1000, H: 512, firstDrawMs: snapshotMs, firstDrawKind: snapshotKind, linesSnapshotDrawMs: linesMs,
        stepDrawMs: stepMs.map(s => s.drawn), stepDrawMedianMs: median(stepMs.map(s => s.drawn)),
        stepRoundTripMedianMs: median(stepMs.map(s => s.roundTrip)),
        stepRoundTripP90Ms: p90(stepMs.map(s => s.roundTrip)),
        stepBackRoundTripMedianMs: median(stepBackMs), stepBackRoundTripP90Ms: p90(stepBackMs),
        stepRoundTripMs: stepMs.map(s => s.roundTrip), stepBackRoundTripMs: stepBackMs,
      };
      // read by scripts/benchChartPanel.mjs (npm run bench)
      const fs = await import('node:fs');
      const path = await import('node:path');
      fs.writeFileSync(path.join(wb.outDir, 'bench.json'), JSON.stringify(figures) + '\n');
      // speed is judged by the benchmark (scripts/benchChartPanel.mjs), not here: this checks
      // that every draw happened and reported a time
      check([snapshotMs, linesMs, ...stepMs.map(s => s.drawn)].every(ms => Number.isFinite(ms) && ms >= 0),
        `a draw reported no time: ${JSON.stringify(figures)}`);
      return { ...figures, unitsNotes: [clampNote, badNote], heatmapReadout: readout, hScale: scale };
    },
  },
];
