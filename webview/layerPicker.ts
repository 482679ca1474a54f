// The chart panel's layer picker: a <select> of a stack's (layer, direction) views ("L1 →",
// "L2 ←", …), hidden for a single layer. It shows the host's selection (Snapshot.layers) and sends
// an intent (`selectLayer`) on a change; the session's selection stays the one source of truth,
// so the picker shows what the host says, never what was clicked until the host confirms it.

import type { Snapshot, WebviewToHostMessage } from '../src/protocol/messages';

export function syncLayerPicker(label: HTMLElement, select: HTMLSelectElement, layers: Snapshot['layers']): void {
  label.hidden = !layers;
  if (!layers) { select.replaceChildren(); return; }
  const current = [...select.options].map(o => o.textContent).join('\u0000');
  if (current !== layers.labels.join('\u0000')) {
    select.replaceChildren(...layers.labels.map((text, index) => {
      const option = document.createElement('option');
      option.value = String(index);
      option.textContent = text;
      return option;
    }));
  }
  select.value = String(layers.selected);
}

export function watchLayerPicker(select: HTMLSelectElement, send: (message: WebviewToHostMessage) => void): void {
  select.addEventListener('change', () => {
    const index = Number(select.value);
    if (Number.isInteger(index) && index >= 0) send({ type: 'selectLayer', index });
  });
}
