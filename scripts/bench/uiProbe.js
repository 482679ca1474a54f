/* global window, document, performance, MessageChannel, MutationObserver */
// The in-page probe of the UI benchmark (scripts/benchUi.mjs): injected into the workbench page before
// VS Code loads (Playwright's addInitScript, so it applies to every frame) and again into the chart
// panel's webview frame after its HTML is written. It records, on one clock shared by all frames
// (performance.timeOrigin + performance.now(), epoch milliseconds):
// - the input: the keydown (of a non-modifier key) or mousedown's event.timeStamp, while armed;
// - per watched target (an element: the status bar, the sidebar, the editor's lines, the webview's
//   body), every DOM mutation and the moment after the frame that paints it. "After the paint" is
//   a MessageChannel message posted once the frame has rendered: posted at once when the mutation
//   happened inside that frame's animation-frame callbacks (then this frame paints it), otherwise
//   from the next animation frame. requestAnimationFrame is wrapped to know which case applies.
// - the changes VS Code makes later on timers of its own, which are not the action's response:
//   they are counted by reason (`ignored`) and are not marks (see `incidental`).
// The driver reads it with window.__uiBench.collect(); nothing here changes what the page shows.
(() => {
  if (window.__uiBench) return;
  const now = () => performance.timeOrigin + performance.now();
  const nativeRaf = window.requestAnimationFrame.bind(window);
  /** a callback once the current task and any rendering it leads to are done */
  const afterPaint = fn => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); fn(now()); };
    channel.port2.postMessage(0);
  };
  // true from a frame's first animation-frame callback until that frame has rendered
  let inFrame = false;
  window.requestAnimationFrame = callback => nativeRaf(timestamp => {
    if (!inFrame) {
      inFrame = true;
      afterPaint(() => { inFrame = false; });
    }
    return callback(timestamp);
  });

  /** the status bar items of this extension (their element ids are the entry ids) */
  const OWN_STATUS_ITEM = '[id^="lstm-stepper."]';
  const ownStatusNode = node => {
    const element = node && (node.nodeType === 1 ? node : node.parentElement);
    return !!element && (!!element.closest(OWN_STATUS_ITEM) || !!element.querySelector?.(OWN_STATUS_ITEM));
  };
  /**
   * Why a mutation of target `name` is not part of the response to the input, or '' when it is:
   * - 'scrollbar fade': a scroll bar's class (visible / invisible fade), which VS Code switches
   *   500 ms after a scroll (a reveal) to fade the bar out;
   * - 'editor scroll width': the style of the editor's .view-lines itself, which VS Code updates
   *   in its line-width pass 200 ms after lines with inline decorations were drawn (the lines'
   *   own changes are their children and still count);
   * - 'other status item': a status bar change outside this extension's items (a language
   *   status, another extension's item).
   */
  const incidental = (name, record) => {
    const element = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    if (!element) return '';
    if (record.type === 'attributes' && record.attributeName === 'class' && element.classList.contains('scrollbar')) return 'scrollbar fade';
    if (record.type === 'attributes' && record.attributeName === 'style' && element.classList.contains('view-lines')) return 'editor scroll width';
    if (name === 'status') {
      const nodes = record.type === 'childList' ? [record.target, ...record.addedNodes, ...record.removedNodes] : [record.target];
      if (!nodes.some(ownStatusNode)) return 'other status item';
    }
    return '';
  };

  const MODIFIERS = new Set(['Alt', 'Control', 'Shift', 'Meta', 'AltGraph']);
  const state = { armed: false, inputAt: 0, inputKey: '', marks: [], rendered: [], ignored: [], lastMutationAt: 0 };
  const onInput = event => {
    if (!state.armed || state.inputAt || MODIFIERS.has(event.key)) return;
    // event.timeStamp is on this frame's performance clock
    state.inputAt = performance.timeOrigin + event.timeStamp;
    state.inputKey = event.type === 'mousedown' ? 'mouse' : event.key;
  };
  window.addEventListener('keydown', onInput, true);
  window.addEventListener('mousedown', onInput, true);

  const observers = new Map();
  window.__uiBench = {
    /**
     * Watches {name: selector} (the first element matching each, in this frame's document); a name
     * already watched is re-resolved. Returns the names found.
     */
    watch(targets) {
      const found = [];
      for (const [name, selector] of Object.entries(targets)) {
        observers.get(name)?.disconnect();
        observers.delete(name);
        const element = document.querySelector(selector);
        if (!element) continue;
        const observer = new MutationObserver(records => {
          const reasons = records.map(r => incidental(name, r));
          if (reasons.every(Boolean)) {
            state.ignored.push({ name, at: now(), why: reasons[0] });
            return;
          }
          const mark = { name, mutatedAt: now(), paintedAt: 0 };
          // the chart panel's own report of a draw (webview/main.ts sets it on its body after each render)
          if (records.some(r => r.attributeName === 'data-rendered-ms')) state.rendered.push({ kind: document.body.dataset.renderedKind, at: mark.mutatedAt });
          state.lastMutationAt = mark.mutatedAt;
          state.marks.push(mark);
          const record = paintedAt => { mark.paintedAt = paintedAt; };
          if (inFrame) afterPaint(record);
          else nativeRaf(() => afterPaint(record));
        });
        observer.observe(element, { subtree: true, childList: true, attributes: true, characterData: true });
        observers.set(name, observer);
        found.push(name);
      }
      return found;
    },
    /** Forgets earlier marks and records the next input (arm = true) or none (the webview). */
    reset(arm) {
      state.armed = arm;
      state.inputAt = 0;
      state.inputKey = '';
      state.marks = [];
      state.rendered = [];
      state.ignored = [];
    },
    /** ms since the last mutation of any watched target (Infinity when none since reset) */
    quietMs() {
      return state.marks.length ? now() - state.lastMutationAt : Infinity;
    },
    collect() {
      return { inputAt: state.inputAt, inputKey: state.inputKey, marks: state.marks.slice(), rendered: state.rendered.slice(), ignored: state.ignored.slice(), now: now() };
    },
  };
})();
