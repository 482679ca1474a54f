#!/usr/bin/python3
"""Spec files that read the committed model files (test/fixtures/models), with PyTorch's own
numbers for them: for each case below, writes test/fixtures/specs/NAME.lstm.json (a spec with
"model": {"file": "../models/…"}, its inputs inline or from a .npy/.csv file, and a loss of
docs/spec-format.md) and NAME.expected.json (PyTorch's output, h_n, c_n, loss, per-step and
per-sample losses, logits/probs, and autograd's .grad of every tensor UNDER THE FILE'S OWN NAMES
AND LAYOUT, plus the gradients on the inputs, h0 and c0), in the layout of the stack golden cases.

Independent of src/models: the file's tensors are the float64 values make_models.py recorded in
NAME.expected.json (taken from the frameworks' own objects), their roles come from the ONNX graph
(onnx.load) or the Keras weight names, and the file layout is mapped to the cell equations here
by hand, with torch ops, so autograd returns gradients in the file's layout directly (ONNX W/R/B/P
gate orders i,o,f,c and z,r,h, B = [Wb, Rb]; Keras kernel (I, G·H) order i,f,c,o / z,r,h, one bias
or (2, 3H)). The cells are written out in float64 (float32 files: the same float32 weights, run in
float64); the lstm, gru and rnn ones are first checked against nn.LSTM / nn.GRU / nn.RNN.

Run: /usr/bin/python3 scripts/golden/make_model_specs.py   (torch 1.13, onnx; about a second)
"""
import json
import os

import numpy as np
import onnx
import torch

torch.set_default_dtype(torch.float64)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
MODELS = os.path.join(ROOT, 'test', 'fixtures', 'models')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'specs')

PT_ORDER = {'lstm': 'ifgo', 'gru': 'rzn', 'rnn': 'h'}
ONNX_ORDER = {'lstm': 'iofg', 'gru': 'zrn', 'rnn': 'h'}   # ONNX i,o,f,c (c = g) and z,r,h (h = n)
KERAS_ORDER = {'lstm': 'ifgo', 'gru': 'zrn', 'rnn': 'h'}  # Keras i,f,c,o and z,r,h


def nested(t):
    return t.detach().tolist()


def file_tensors(name):
    with open(os.path.join(MODELS, name + '.expected.json')) as f:
        info = json.load(f)
    return {t['name']: torch.tensor(t['data']).reshape(t['shape']).requires_grad_(True) for t in info['tensors']}


def reorder(w, src, dst, H):
    """rows of gate blocks (G*H, …) in order `src` -> order `dst`"""
    return torch.cat([w[src.index(g) * H:(src.index(g) + 1) * H] for g in dst], dim=0)


def cell_step(cell, p, x, h, c, reset_after=True):
    """one step of a PyTorch-layout cell (weight_ih (G*H, I), …); returns h, c"""
    H = h.shape[0]
    gi = p['weight_ih'] @ x + p['bias_ih']
    gh = p['weight_hh'] @ h + p['bias_hh']
    if cell in ('lstm', 'lstm_peephole'):
        a = gi + gh
        ai, af, ag, ao = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
        if cell == 'lstm_peephole':
            ai = ai + p['p_i'] * c
            af = af + p['p_f'] * c
        i, f, g = torch.sigmoid(ai), torch.sigmoid(af), torch.tanh(ag)
        c = f * c + i * g
        if cell == 'lstm_peephole':
            ao = ao + p['p_o'] * c
        return torch.sigmoid(ao) * torch.tanh(c), c
    if cell == 'gru':
        r = torch.sigmoid(gi[:H] + gh[:H])
        z = torch.sigmoid(gi[H:2 * H] + gh[H:2 * H])
        if reset_after:
            n = torch.tanh(gi[2 * H:] + r * gh[2 * H:])
        else:
            n = torch.tanh(gi[2 * H:] + p['weight_hh'][2 * H:] @ (r * h) + p['bias_hh'][2 * H:])
        return (1 - z) * n + z * h, c
    return torch.tanh(gi + gh), c


def run_stack(cell, entries, x, h0, c0, L, D, reset_after=True):
    """entries[l*D+d]: PyTorch-layout params; x (T, I); h0, c0 (L*D, H). Returns output (T, D*H), h_n, c_n."""
    T = x.shape[0]
    layer_in, h_n, c_n = x, [], []
    for layer in range(L):
        outs = []
        for d in range(D):
            e = layer * D + d
            h, c = h0[e], c0[e]
            hs = [None] * T
            for t in (range(T - 1, -1, -1) if d == 1 else range(T)):
                h, c = cell_step(cell, entries[e], layer_in[t], h, c, reset_after)
                hs[t] = h
            outs.append(torch.stack(hs))
            h_n.append(h)
            c_n.append(c)
        layer_in = torch.cat(outs, dim=1)
    return layer_in, torch.stack(h_n), torch.stack(c_n)


def check_against_nn(cell, entries, x, h0, c0, L, D, I, H, output):
    """the hand-written stack must agree with PyTorch's own module"""
    mod = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn': torch.nn.RNN}[cell](I, H, num_layers=L, bidirectional=D == 2)
    with torch.no_grad():
        for layer in range(L):
            for d in range(D):
                s = f'_l{layer}' + ('_reverse' if d else '')
                for k in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'):
                    getattr(mod, k + s).copy_(entries[layer * D + d][k])
        out = mod(x, (h0, c0))[0] if cell == 'lstm' else mod(x, h0)[0]
    assert torch.allclose(out, output.detach(), atol=1e-13), cell


def pytorch_entries(tensors, prefix, cell, L, D):
    p = prefix + '.' if prefix else ''
    entries = []
    for layer in range(L):
        for d in range(D):
            s = f'_l{layer}' + ('_reverse' if d else '')
            entries.append({k: tensors[p + k + s] for k in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')})
    return entries


def onnx_entries(model_file, node_name, tensors, cell, H):
    graph = onnx.load(os.path.join(MODELS, model_file)).graph
    node = next(n for n in graph.node if n.name == node_name)
    names = list(node.input) + [''] * 8
    W, R = tensors[names[1]], tensors[names[2]]
    B = tensors.get(names[3]) if names[3] else None
    P = tensors.get(names[7]) if names[7] else None
    gate = 'lstm' if cell == 'lstm_peephole' else cell
    G = len(PT_ORDER[gate])
    entries = []
    for d in range(W.shape[0]):
        e = {
            'weight_ih': reorder(W[d], ONNX_ORDER[gate], PT_ORDER[gate], H),
            'weight_hh': reorder(R[d], ONNX_ORDER[gate], PT_ORDER[gate], H),
            'bias_ih': reorder(B[d][:G * H], ONNX_ORDER[gate], PT_ORDER[gate], H) if B is not None else torch.zeros(G * H),
            'bias_hh': reorder(B[d][G * H:], ONNX_ORDER[gate], PT_ORDER[gate], H) if B is not None else torch.zeros(G * H),
        }
        if P is not None:  # P = [p_i, p_o, p_f]
            e['p_i'], e['p_o'], e['p_f'] = P[d][:H], P[d][H:2 * H], P[d][2 * H:]
        entries.append(e)
    return entries


def keras_entries(tensors, cell, H):
    names = sorted(tensors)
    role = {}
    for n in names:
        if 'recurrent_kernel' in n or n.endswith('vars/1'):
            role['recurrent'] = tensors[n]
        elif 'kernel' in n or n.endswith('vars/0'):
            role['kernel'] = tensors[n]
        elif 'bias' in n or n.endswith('vars/2'):
            role['bias'] = tensors[n]
    G = len(PT_ORDER[cell])
    b = role.get('bias')
    two = b is not None and b.dim() == 2
    return [{
        'weight_ih': reorder(role['kernel'].t(), KERAS_ORDER[cell], PT_ORDER[cell], H),
        'weight_hh': reorder(role['recurrent'].t(), KERAS_ORDER[cell], PT_ORDER[cell], H),
        'bias_ih': reorder(b[0] if two else b, KERAS_ORDER[cell], PT_ORDER[cell], H) if b is not None else torch.zeros(G * H),
        'bias_hh': reorder(b[1], KERAS_ORDER[cell], PT_ORDER[cell], H) if two else torch.zeros(G * H),
    }]


def loss_terms(loss, output, h_n, D, head):
    top = torch.cat([h_n[-D + d] for d in range(D)]) if D == 2 else h_n[-1]
    at, on = loss.get('at', 'last'), loss.get('on', 'output')
    ys = [top] if on == 'h_n' else ([output[t] for t in range(output.shape[0])] if at == 'every' else [output[-1]])
    terms, logits = [], []
    for k, y in enumerate(ys):
        if loss['kind'] == 'sum':
            terms.append(y.sum())
        elif loss['kind'] == 'mse':
            target = torch.tensor(loss['target'][k] if at == 'every' else loss['target'])
            terms.append(0.5 * ((y - target) ** 2).sum())
        elif loss['kind'] == 'given':
            g = torch.tensor(loss['dL_dy'][k] if at == 'every' else loss['dL_dy'])
            terms.append((g * y).sum())
        else:
            target = loss['target'][k] if isinstance(loss['target'], list) else loss['target']
            z = head[0] @ y + head[1]
            logits.append(z)
            terms.append(-torch.log_softmax(z, dim=0)[target])
    return sum(terms), terms, logits


def inputs_of(source, T, I, g):
    """('file', name) reads the committed inputs fixture's recorded values; ('random', T) draws"""
    if source[0] == 'file':
        with open(os.path.join(MODELS, source[1] + '.expected.json')) as f:
            t = json.load(f)['tensors'][0]
        return torch.tensor(t['data']).reshape(t['shape'])
    return torch.rand(source[1], I, generator=g) * 2 - 1


def make_case(name, model_file, convention, cell, L, D, H, I, loss, inputs, seed, prefix=None, spec_prefix=None,
              reset_after=True, samples=None, state=False):
    g = torch.Generator().manual_seed(seed)
    tensors = file_tensors(model_file)
    if convention == 'pytorch':
        entries = pytorch_entries(tensors, prefix, cell, L, D)
    elif convention == 'onnx':
        entries = onnx_entries(model_file, prefix, tensors, cell, H)
    else:
        entries = keras_entries(tensors, cell, H)
    head = None
    if loss['kind'] == 'crossEntropy':
        head = (tensors['fc.weight'], tensors['fc.bias'])
    h0 = ((torch.rand(L * D, H, generator=g) - 0.5) if state else torch.zeros(L * D, H)).requires_grad_(True)
    c0 = ((torch.rand(L * D, H, generator=g) - 0.5) if state else torch.zeros(L * D, H)).requires_grad_(True)
    sample_sources = samples or [inputs]
    xs = [inputs_of(s, None, I, g).requires_grad_(True) for s in sample_sources]
    # per-sample loss data
    sample_losses = []
    for x in xs:
        T = x.shape[0]
        lo = dict(loss)
        every = lo.get('at') == 'every'
        if lo['kind'] == 'mse':
            lo['target'] = nested(torch.rand(T, D * H, generator=g) - 0.5) if every else nested(torch.rand(D * H, generator=g) - 0.5)
        if lo['kind'] == 'given':
            lo['dL_dy'] = nested(torch.rand(T, D * H, generator=g) - 0.5) if every else nested(torch.rand(D * H, generator=g) - 0.5)
        if lo['kind'] == 'crossEntropy':
            C = head[0].shape[0]
            lo['target'] = [int(v) for v in torch.randint(0, C, (T,), generator=g)] if every else int(torch.randint(0, C, (1,), generator=g))
        sample_losses.append(lo)
    results = []
    total = 0
    for x, lo in zip(xs, sample_losses):
        output, h_n, c_n = run_stack(cell, entries, x, h0, c0, L, D, reset_after)
        if cell in ('lstm', 'gru', 'rnn') and reset_after:
            check_against_nn(cell, [{k: v.detach() for k, v in e.items()} for e in entries], x.detach(), h0.detach(), c0.detach(), L, D, I, H, output)
        Ls, terms, logits = loss_terms(lo, output, h_n, D, head)
        total = total + Ls
        results.append((output, h_n, c_n, Ls, terms, logits))
    mean = total / len(xs)
    mean.backward()

    # the spec a user would write
    spec = {'name': name, 'model': {'file': '../models/' + model_file}}
    if spec_prefix is not None:
        spec['model']['prefix'] = spec_prefix
    if state:
        spec['h0'] = nested(h0) if L * D > 1 else nested(h0[0])
        if cell in ('lstm', 'lstm_peephole'):
            spec['c0'] = nested(c0) if L * D > 1 else nested(c0[0])
    data = lambda lo: {k: lo[k] for k in ('target', 'dL_dy') if k in lo}
    if samples:
        spec['samples'] = [{'inputs': nested(x) if s[0] == 'random' else {'file': '../models/' + s[1]}, **data(lo)}
                           for x, s, lo in zip(xs, sample_sources, sample_losses)]
        spec_loss = {k: v for k, v in loss.items()}
    else:
        spec['inputs'] = {'file': '../models/' + inputs[1]} if inputs[0] == 'file' else nested(xs[0])
        spec_loss = dict(sample_losses[0])
    if loss['kind'] == 'crossEntropy':
        spec_loss['head'] = {'from': 'fc'}
    spec['loss'] = spec_loss

    grads = {n: nested(t.grad) for n, t in tensors.items() if t.grad is not None}
    if head is None:
        grads = {n: v for n, v in grads.items() if not n.startswith('fc.')}
    first = results[0]
    expected = {
        'L': mean.item(),
        'sampleLosses': [r[3].item() for r in results],
        'output': nested(first[0]), 'h_n': nested(first[1]),
        'c_n': nested(first[2]) if cell in ('lstm', 'lstm_peephole') else None,
        'perStep': [t.item() for t in first[4]] if loss.get('at') == 'every' else None,
        'logits': [nested(z) for z in first[5]] if first[5] else None,
        'probs': [nested(torch.softmax(z, dim=0)) for z in first[5]] if first[5] else None,
        'grads': grads,
        'dL_dx': nested(xs[0].grad), 'dL_dh0': nested(h0.grad),
        'dL_dc0': nested(c0.grad) if cell in ('lstm', 'lstm_peephole') else None,
    }
    case = {'name': name, 'cell': cell, 'numLayers': L, 'bidirectional': D == 2, 'hiddenSize': H, 'inputSize': I,
            'samples': [{'T': x.shape[0], 'loss': {k: v for k, v in loss.items()}} for x in xs], 'expected': expected}
    with open(os.path.join(OUT, name + '.lstm.json'), 'w') as f:
        json.dump(spec, f, indent=1)
        f.write('\n')
    with open(os.path.join(OUT, name + '.expected.json'), 'w') as f:
        json.dump(case, f, separators=(',', ':'))
        f.write('\n')


CSV = ('file', 'inputs.csv')
NPY = ('file', 'inputs_f8.npy')
CASES = [
    # name, file, convention, cell, L, D, H, I, loss, inputs, seed, extra
    ('pt-lstm2bi-ce', 'lstm2bi_float32.pt', 'pytorch', 'lstm', 2, 2, 4, 3, {'kind': 'crossEntropy'}, NPY, 1, {'prefix': 'encoder.lstm', 'state': True}),
    ('pt-lstm2bi-ce-every-samples', 'lstm2bi_float64.pt', 'pytorch', 'lstm', 2, 2, 4, 3, {'kind': 'crossEntropy', 'at': 'every'}, None, 2,
     {'prefix': 'encoder.lstm', 'samples': [('random', 4), ('file', 'inputs.csv'), ('random', 2)]}),
    ('safetensors-lstm2bi-mse-every', 'lstm2bi_float32.safetensors', 'pytorch', 'lstm', 2, 2, 4, 3, {'kind': 'mse', 'at': 'every'}, CSV, 3, {'prefix': 'encoder.lstm', 'spec_prefix': 'encoder.lstm'}),
    ('npz-lstm2bi-given-hn', 'lstm2bi_float32.npz', 'pytorch', 'lstm', 2, 2, 4, 3, {'kind': 'given', 'on': 'h_n'}, NPY, 4, {'prefix': 'encoder.lstm', 'state': True}),
    ('pt-gru-sum', 'gru_float32.pt', 'pytorch', 'gru', 1, 1, 4, 3, {'kind': 'sum'}, NPY, 5, {'prefix': 'gru', 'state': True}),
    ('safetensors-rnn-mse', 'rnn_float64.safetensors', 'pytorch', 'rnn', 1, 1, 3, 2, {'kind': 'mse'}, ('random', 4), 6, {'prefix': 'rnn'}),
    ('onnx-gru-mse-every', 'onnx_gru.onnx', 'onnx', 'gru', 1, 1, 4, 3, {'kind': 'mse', 'at': 'every'}, CSV, 7, {'prefix': '/GRU'}),
    ('onnx-gru-lbr0-sum', 'onnx_gru_lbr0.onnx', 'onnx', 'gru', 1, 1, 3, 2, {'kind': 'sum'}, ('random', 5), 8, {'prefix': 'rnn_node', 'reset_after': False, 'state': True}),
    ('onnx-lstm2bi-layer2-given', 'onnx_lstm2bi.onnx', 'onnx', 'lstm', 1, 2, 4, 8, {'kind': 'given', 'at': 'every'}, ('random', 3), 9, {'prefix': '/LSTM_1', 'spec_prefix': '/LSTM_1', 'state': True}),
    ('onnx-peephole-sum-every', 'onnx_lstm_peephole.onnx', 'onnx', 'lstm_peephole', 1, 2, 3, 2, {'kind': 'sum', 'at': 'every'}, ('random', 4), 10, {'prefix': 'rnn_node', 'state': True}),
    ('onnx-rnn-mse', 'onnx_rnn.onnx', 'onnx', 'rnn', 1, 1, 3, 2, {'kind': 'mse'}, ('random', 4), 11, {'prefix': '/RNN'}),
    ('keras-lstm-sum', 'keras_lstm.h5', 'keras', 'lstm', 1, 1, 4, 3, {'kind': 'sum'}, NPY, 12, {'state': True}),
    ('keras-gru-mse', 'keras_gru.keras', 'keras', 'gru', 1, 1, 4, 3, {'kind': 'mse'}, CSV, 13, {}),
    ('keras-gru-v1-given-every', 'keras_gru_v1.keras', 'keras', 'gru', 1, 1, 4, 3, {'kind': 'given', 'at': 'every'}, NPY, 14, {'reset_after': False}),
    ('keras-rnn-sum-every', 'keras_rnn.h5', 'keras', 'rnn', 1, 1, 3, 2, {'kind': 'sum', 'at': 'every'}, ('random', 4), 15, {}),
]

if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for name, model_file, convention, cell, L, D, H, I, loss, inputs, seed, extra in CASES:
        make_case(name, model_file, convention, cell, L, D, H, I, loss, inputs, seed, **extra)
    print(f'wrote {len(CASES)} spec cases to {os.path.normpath(OUT)}')
