"""Reference data for the engine's stacks and losses (test/unit/stacks.test.ts), from PyTorch itself.

Builds, in float64, nn.LSTM / nn.GRU / nn.RNN(tanh) stacks (num_layers 1..3, bidirectional or not,
non-zero h0/c0) with a Linear head where the loss needs one, runs each loss kind of
docs/spec-format.md (sum, mse, crossEntropy, given; at last / every; on h_n; the mean over samples),
and writes one JSON file per case under test/fixtures/golden/stacks/ with the inputs, the weights
under PyTorch's names, and PyTorch's outputs, h_n, c_n, loss, per-step losses, logits/probs, every
parameter's .grad and the gradients with respect to the inputs, h0 and c0 (autograd).
The GRU with the reset gate before the recurrent product (resetAfter = false; ONNX
linear_before_reset = 0) is not in PyTorch: it is a small hand-written autograd stack below, whose
reset-after form is first checked against nn.GRU so the hand-written stacking is trusted.

Run: /usr/bin/python3 scripts/golden/make_stacks.py   (torch 1.13; about a second)
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'golden', 'stacks')


def nested(t):
    return t.detach().tolist()


def handwritten_gru_stack(params, x, h0, num_layers, bidirectional, reset_after):
    """nn.GRU's equations written out, on params named like nn.GRU's state_dict; x (T, I), h0 (L*D, H)."""
    D = 2 if bidirectional else 1
    T = x.shape[0]
    layer_in = x
    h_n = []
    for layer in range(num_layers):
        outs = []
        for d in range(D):
            s = f'_l{layer}' + ('_reverse' if d == 1 else '')
            w_ih, w_hh = params['weight_ih' + s], params['weight_hh' + s]
            b_ih, b_hh = params['bias_ih' + s], params['bias_hh' + s]
            H = w_hh.shape[1]
            h = h0[layer * D + d]
            hs = [None] * T
            order = range(T - 1, -1, -1) if d == 1 else range(T)
            for t in order:
                gi = w_ih @ layer_in[t] + b_ih
                r = torch.sigmoid(gi[:H] + w_hh[:H] @ h + b_hh[:H])
                z = torch.sigmoid(gi[H:2 * H] + w_hh[H:2 * H] @ h + b_hh[H:2 * H])
                if reset_after:
                    n = torch.tanh(gi[2 * H:] + r * (w_hh[2 * H:] @ h + b_hh[2 * H:]))
                else:
                    n = torch.tanh(gi[2 * H:] + w_hh[2 * H:] @ (r * h) + b_hh[2 * H:])
                h = (1 - z) * n + z * h
                hs[t] = h
            outs.append(torch.stack(hs))
            h_n.append(h)
        layer_in = torch.cat(outs, dim=1)
    return layer_in, torch.stack(h_n)


def loss_of(loss, output, h_n, D, head):
    """L (and per-step losses, logits) for one sample; output (T, D*H), h_n (L*D, H)."""
    top = torch.cat([h_n[-D + d] for d in range(D)]) if D == 2 else h_n[-1]
    at, on = loss.get('at', 'last'), loss.get('on', 'output')
    ys = [top] if on == 'h_n' else ([output[t] for t in range(output.shape[0])] if at == 'every' else [output[-1]])
    terms, logits = [], []
    for k, y in enumerate(ys):
        kind = loss['kind']
        if kind == 'sum':
            terms.append(y.sum())
        elif kind == 'mse':
            target = torch.tensor(loss['target'][k] if at == 'every' else loss['target'])
            terms.append(0.5 * ((y - target) ** 2).sum())
        elif kind == 'given':
            g = torch.tensor(loss['dL_dy'][k] if at == 'every' else loss['dL_dy'])
            terms.append((g * y).sum())
        elif kind == 'crossEntropy':
            target = loss['target'][k] if at == 'every' else loss['target']
            z = head(y)
            logits.append(z)
            terms.append(-torch.log_softmax(z, dim=0)[target])
    return sum(terms), terms, logits


def make_case(name, cell, num_layers, bidirectional, H, I, Ts, loss_kinds, seed, classes=3, reset_after=True):
    """Ts: one T per sample (one sample unless several). loss_kinds: the loss of each sample (dicts without data)."""
    g = torch.Generator().manual_seed(seed)
    D = 2 if bidirectional else 1
    rand = lambda *shape: (torch.rand(*shape, generator=g) * 2 - 1)
    module_cell = 'gru' if cell == 'gru_noreset' else cell
    if module_cell == 'lstm':
        module = torch.nn.LSTM(I, H, num_layers=num_layers, bidirectional=bidirectional)
    elif module_cell == 'gru':
        module = torch.nn.GRU(I, H, num_layers=num_layers, bidirectional=bidirectional)
    else:
        module = torch.nn.RNN(I, H, num_layers=num_layers, bidirectional=bidirectional, nonlinearity='tanh')
    head = torch.nn.Linear(D * H, classes)
    with torch.no_grad():
        for p in list(module.parameters()) + list(head.parameters()):
            p.copy_(rand(*p.shape) * 0.8)
    h0 = (rand(num_layers * D, H) * 0.5).requires_grad_(True)
    c0 = (rand(num_layers * D, H) * 0.5).requires_grad_(True)
    samples = []
    for T, kind in zip(Ts, loss_kinds):
        loss = dict(kind)
        every = loss.get('at') == 'every'
        if loss['kind'] == 'mse':
            loss['target'] = nested(rand(T, D * H)) if every else nested(rand(D * H))
        if loss['kind'] == 'given':
            loss['dL_dy'] = nested(rand(T, D * H)) if every else nested(rand(D * H))
        if loss['kind'] == 'crossEntropy':
            loss['target'] = [int(v) for v in torch.randint(0, classes, (T,), generator=g)] if every else int(torch.randint(0, classes, (1,), generator=g))
        samples.append({'T': T, 'inputs': rand(T, I).requires_grad_(True), 'loss': loss})

    named = dict(module.named_parameters())
    total = 0
    results = []
    for s in samples:
        if cell == 'gru_noreset':
            output, h_n = handwritten_gru_stack(named, s['inputs'], h0, num_layers, bidirectional, reset_after=False)
            c_n = None
        elif module_cell == 'lstm':
            output, (h_n, c_n) = module(s['inputs'], (h0, c0))
        else:
            output, h_n = module(s['inputs'], h0)
            c_n = None
            if module_cell == 'gru':  # the hand-written stack must agree with nn.GRU
                out2, hn2 = handwritten_gru_stack(named, s['inputs'], h0, num_layers, bidirectional, reset_after=True)
                assert torch.allclose(out2, output, atol=1e-13) and torch.allclose(hn2, h_n, atol=1e-13)
        L, terms, logits = loss_of(s['loss'], output, h_n, D, head)
        total = total + L
        results.append((output, h_n, c_n, L, terms, logits))
    mean = total / len(samples)
    mean.backward()

    uses_head = any(k['kind'] == 'crossEntropy' for k in loss_kinds)
    weights = {k: nested(v) for k, v in named.items()}
    grads = {k: nested(v.grad) for k, v in named.items()}
    if uses_head:
        for k, v in head.named_parameters():
            weights['fc.' + k] = nested(v)
            grads['fc.' + k] = nested(v.grad)
    case = {
        'name': name, 'cell': 'gru' if cell == 'gru_noreset' else cell, 'resetAfter': reset_after if module_cell == 'gru' else None,
        'numLayers': num_layers, 'bidirectional': bidirectional, 'hiddenSize': H, 'inputSize': I,
        'weights': weights, 'h0': nested(h0), 'c0': nested(c0) if module_cell == 'lstm' else None,
        'head': {'classes': classes} if uses_head else None,
        'samples': [{'T': s['T'], 'inputs': nested(s['inputs']), 'loss': s['loss']} for s in samples],
        'expected': {
            'L': mean.item(),
            'sampleLosses': [r[3].item() for r in results],
            'output': nested(results[0][0]), 'h_n': nested(results[0][1]),
            'c_n': nested(results[0][2]) if results[0][2] is not None else None,
            'perStep': [t.item() for t in results[0][4]] if samples[0]['loss'].get('at') == 'every' else None,
            'logits': [nested(z) for z in results[0][5]] if results[0][5] else None,
            'probs': [nested(torch.softmax(z, dim=0)) for z in results[0][5]] if results[0][5] else None,
            'grads': grads,
            'dL_dx': nested(samples[0]['inputs'].grad),
            'dL_dh0': nested(h0.grad),
            'dL_dc0': nested(c0.grad) if module_cell == 'lstm' else None,
        },
    }
    if case['resetAfter'] is None:
        del case['resetAfter']
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(case, f, indent=None, separators=(',', ':'))
        f.write('\n')


CASES = [
    # name, cell, L, bidirectional, H, I, Ts, losses, seed
    ('lstm-l1-uni-sum-last', 'lstm', 1, False, 3, 2, [4], [{'kind': 'sum'}], 1),
    ('lstm-l2-bi-ce-last', 'lstm', 2, True, 3, 2, [4], [{'kind': 'crossEntropy'}], 2),
    ('lstm-l3-uni-mse-every', 'lstm', 3, False, 2, 3, [3], [{'kind': 'mse', 'at': 'every'}], 3),
    ('lstm-l2-bi-given-every', 'lstm', 2, True, 2, 2, [4], [{'kind': 'given', 'at': 'every'}], 4),
    ('lstm-l1-bi-sum-hn', 'lstm', 1, True, 3, 2, [5], [{'kind': 'sum', 'on': 'h_n'}], 5),
    ('lstm-l2-bi-ce-every', 'lstm', 2, True, 2, 3, [4], [{'kind': 'crossEntropy', 'at': 'every'}], 6),
    ('lstm-l2-bi-ce-samples', 'lstm', 2, True, 2, 2, [3, 5, 2], [{'kind': 'crossEntropy'}] * 3, 7),
    ('lstm-l3-bi-mse-hn', 'lstm', 3, True, 2, 2, [3], [{'kind': 'mse', 'on': 'h_n'}], 8),
    ('gru-l1-uni-mse-last', 'gru', 1, False, 3, 2, [4], [{'kind': 'mse'}], 9),
    ('gru-l2-bi-ce-last', 'gru', 2, True, 3, 2, [4], [{'kind': 'crossEntropy'}], 10),
    ('gru-l3-bi-sum-every', 'gru', 3, True, 2, 2, [3], [{'kind': 'sum', 'at': 'every'}], 11),
    ('gru-l2-uni-given-hn', 'gru', 2, False, 3, 2, [4], [{'kind': 'given', 'on': 'h_n'}], 12),
    ('gru-l2-bi-mse-samples', 'gru', 2, True, 2, 3, [4, 2], [{'kind': 'mse'}, {'kind': 'mse', 'at': 'every'}], 13),
    ('rnn-l1-uni-sum-last', 'rnn', 1, False, 3, 2, [4], [{'kind': 'sum'}], 14),
    ('rnn-l2-bi-mse-every', 'rnn', 2, True, 2, 2, [4], [{'kind': 'mse', 'at': 'every'}], 15),
    ('rnn-l3-bi-ce-hn', 'rnn', 3, True, 2, 3, [3], [{'kind': 'crossEntropy', 'on': 'h_n'}], 16),
    ('gru_noreset-l2-bi-ce-last', 'gru_noreset', 2, True, 3, 2, [4], [{'kind': 'crossEntropy'}], 17),
    ('gru_noreset-l1-uni-mse-every', 'gru_noreset', 1, False, 3, 2, [5], [{'kind': 'mse', 'at': 'every'}], 18),
    ('gru_noreset-l3-bi-given-hn', 'gru_noreset', 3, True, 2, 2, [3], [{'kind': 'given', 'on': 'h_n'}], 19),
]

if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for name, cell, L, bi, H, I, Ts, losses, seed in CASES:
        make_case(name, cell, L, bi, H, I, Ts, losses, seed, reset_after=(cell != 'gru_noreset'))
    print(f'wrote {len(CASES)} cases to {os.path.normpath(OUT)}')
