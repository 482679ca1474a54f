#!/usr/bin/python3
"""Reference training runs from torch.optim (test/unit/training.test.ts, docs/training.md).

Each case trains a small recurrent model for 50 steps in float64 with torch.optim.SGD (momentum,
dampening 0) or torch.optim.Adam (betas 0.9/0.999, eps 1e-8), optionally with
torch.nn.utils.clip_grad_norm_, on the mean loss over the samples, and records the loss before
each step and after the last (L_0..L_50), the global gradient norm before clipping (g_0..g_49,
as clip_grad_norm_ returns it, or computed the same way when not clipping) and the final
parameters. Two kinds of case:

- spec cases (a single-layer *.lstm.json the project's parser reads, written next to the result):
  textbook weights (W_f, b_f, p_f, W_ir, ...) are trained as they are written, through a
  hand-written forward in torch ops (autograd gives the gradients); PyTorch names (weight_ih_l0,
  ...) are trained as nn.LSTM / nn.GRU / nn.RNN's own parameters (bias_ih and bias_hh apart).
  `samples` (several sequences, mse targets each) make the loss their mean.
- stack cases: nn.LSTM / nn.GRU stacks (layers, both directions) with a Linear head and a
  crossEntropy loss over samples; test/unit/training.test.ts builds the StackSpec itself, and the
  same case is also written as a spec (<case>.lstm.json: PyTorch names inline, an inline head, so
  its head is trained as head.weight / head.bias) for `lstm-stepper train`.
- model cases (`train` on a spec of test/fixtures/specs that reads a model file): the file's
  tensors (as test/fixtures/models/<file>.expected.json gives them) trained under the file's own
  names, with its Linear head fc and a crossEntropy loss on the spec's inputs.

Output: test/fixtures/golden/training/<case>.training.json (+ <case>.lstm.json for spec cases).
Run: /usr/bin/python3 scripts/golden/make_training.py   (torch 1.13, a few seconds)
"""
import json
import os

import numpy as np
import torch
from torch import nn

torch.set_default_dtype(torch.float64)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'golden', 'training')
STEPS = 50


def nested(t):
    return t.detach().tolist()


# ---- hand-written single-layer cells on textbook parameters (z = [h, x]) ----

def lstm_step(p, x, h, c, peephole):
    z = torch.cat([h, x])
    a_f = p['W_f'] @ z + p['b_f'] + (p['p_f'] * c if peephole else 0)
    a_i = p['W_i'] @ z + p['b_i'] + (p['p_i'] * c if peephole else 0)
    g = torch.tanh(p['W_c'] @ z + p['b_c'])
    f, i = torch.sigmoid(a_f), torch.sigmoid(a_i)
    c = f * c + i * g
    a_o = p['W_o'] @ z + p['b_o'] + (p['p_o'] * c if peephole else 0)
    h = torch.sigmoid(a_o) * torch.tanh(c)
    return h, c


def gru_step(p, x, h):
    r = torch.sigmoid(p['W_ir'] @ x + p['b_ir'] + p['W_hr'] @ h + p['b_hr'])
    z = torch.sigmoid(p['W_iz'] @ x + p['b_iz'] + p['W_hz'] @ h + p['b_hz'])
    n = torch.tanh(p['W_in'] @ x + p['b_in'] + r * (p['W_hn'] @ h + p['b_hn']))
    return (1 - z) * n + z * h


def rnn_step(p, x, h):
    return torch.tanh(p['W'] @ torch.cat([h, x]) + p['b'])


def textbook_final_h(cell, p, xs, h0, c0):
    h, c = h0, c0
    for x in xs:
        if cell in ('lstm', 'lstm_peephole'):
            h, c = lstm_step(p, x, h, c, cell == 'lstm_peephole')
        elif cell == 'gru':
            h = gru_step(p, x, h)
        else:
            h = rnn_step(p, x, h)
    return h


TEXTBOOK_SHAPES = {
    'lstm': lambda H, I: {**{w: (H, H + I) for w in ['W_f', 'W_i', 'W_c', 'W_o']}, **{b: (H,) for b in ['b_f', 'b_i', 'b_c', 'b_o']}},
    'lstm_peephole': lambda H, I: {**TEXTBOOK_SHAPES['lstm'](H, I), 'p_f': (H,), 'p_i': (H,), 'p_o': (H,)},
    'gru': lambda H, I: {**{w: (H, I) for w in ['W_ir', 'W_iz', 'W_in']}, **{w: (H, H) for w in ['W_hr', 'W_hz', 'W_hn']},
                         **{b: (H,) for b in ['b_ir', 'b_iz', 'b_in', 'b_hr', 'b_hz', 'b_hn']}},
    'rnn': lambda H, I: {'W': (H, H + I), 'b': (H,)},
}


def sample_loss(kind, h_T, target):
    return h_T.sum() if kind == 'sum' else 0.5 * ((h_T - target) ** 2).sum()


def run_training(params, loss_fn, optimizer, lr, momentum, clip):
    """params: list of leaf tensors; loss_fn() -> mean loss. Returns losses, grad norms."""
    opt = torch.optim.SGD(params, lr=lr, momentum=momentum) if optimizer == 'sgd' else torch.optim.Adam(params, lr=lr)
    losses, norms = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        L = loss_fn()
        L.backward()
        losses.append(L.item())
        if clip is not None:
            norms.append(torch.nn.utils.clip_grad_norm_(params, clip).item())
        else:
            norms.append(torch.norm(torch.stack([torch.norm(p.grad.detach(), 2) for p in params]), 2).item())
        opt.step()
    with torch.no_grad():
        losses.append(loss_fn().item())
    return losses, norms


def spec_case(name, description, cell, H, I, naming, loss_kind, n_samples, T, optimizer, lr, momentum, clip, seed, scale=0.6):
    g = torch.Generator().manual_seed(seed)
    rand = lambda *shape: (torch.rand(*shape, generator=g) * 2 - 1)
    samples = [{'inputs': rand(T, I), 'target': rand(H) * 0.8} for _ in range(n_samples)]
    h0 = rand(H) * 0.3
    c0 = rand(H) * 0.3 if cell in ('lstm', 'lstm_peephole') else torch.zeros(H)
    spec = {'name': name, 'description': description, 'cell': cell, 'inputSize': I, 'hiddenSize': H}
    if naming == 'textbook':
        params = {k: (rand(*shape) * scale).requires_grad_(True) for k, shape in TEXTBOOK_SHAPES[cell](H, I).items()}
        final_h = lambda xs: textbook_final_h(cell, params, xs, h0, c0)
        named = params
    else:
        module = {'lstm': lambda: nn.LSTM(I, H), 'gru': lambda: nn.GRU(I, H), 'rnn': lambda: nn.RNN(I, H, nonlinearity='tanh')}[cell]()
        with torch.no_grad():
            for p in module.parameters():
                p.copy_(rand(*p.shape) * scale)
        named = dict(module.named_parameters())

        def final_h(xs):
            if cell == 'lstm':
                out, _ = module(xs.unsqueeze(1), (h0.view(1, 1, H), c0.view(1, 1, H)))
            else:
                out, _ = module(xs.unsqueeze(1), h0.view(1, 1, H))
            return out[-1, 0]
    spec['weights'] = {k: nested(v) for k, v in named.items()}
    spec['h0'] = nested(h0)
    if cell in ('lstm', 'lstm_peephole'):
        spec['c0'] = nested(c0)
    spec['inputs'] = nested(samples[0]['inputs'])
    spec['loss'] = {'kind': loss_kind, **({'target': nested(samples[0]['target'])} if loss_kind == 'mse' else {})}
    if n_samples > 1:
        spec['samples'] = [{'inputs': nested(s['inputs']), **({'target': nested(s['target'])} if loss_kind == 'mse' else {})} for s in samples]
        used = samples
    else:
        used = samples[:1]

    def loss_fn():
        return sum(sample_loss(loss_kind, final_h(s['inputs']), s['target']) for s in used) / len(used)

    losses, norms = run_training(list(named.values()), loss_fn, optimizer, lr, momentum, clip)
    options = {'steps': STEPS, 'optimizer': optimizer, 'lr': lr, 'momentum': momentum if optimizer == 'sgd' else None, 'clipNorm': clip}
    write(name, {'name': name, 'description': description, 'spec': name + '.lstm.json', 'options': options,
                 'expected': {'loss': losses, 'gradNorm': norms, 'weights': {k: nested(v) for k, v in named.items()}}}, spec)


def stack_case(name, description, cell, L, bidirectional, H, I, Ts, classes, optimizer, lr, momentum, clip, seed):
    g = torch.Generator().manual_seed(seed)
    rand = lambda *shape: (torch.rand(*shape, generator=g) * 2 - 1)
    D = 2 if bidirectional else 1
    module = (nn.LSTM if cell == 'lstm' else nn.GRU)(I, H, num_layers=L, bidirectional=bidirectional)
    head = nn.Linear(D * H, classes)
    with torch.no_grad():
        for p in list(module.parameters()) + list(head.parameters()):
            p.copy_(rand(*p.shape) * 0.7)
    h0, c0 = rand(L * D, H) * 0.3, rand(L * D, H) * 0.3
    samples = [{'T': T, 'inputs': rand(T, I), 'target': int(torch.randint(0, classes, (1,), generator=g))} for T in Ts]
    named = dict(module.named_parameters())
    for k, v in head.named_parameters():
        named['fc.' + k] = v
    init_weights = {k: nested(v) for k, v in named.items()}

    def loss_fn():
        total = 0
        for s in samples:
            x = s['inputs'].unsqueeze(1)
            out, _ = module(x, (h0.unsqueeze(1), c0.unsqueeze(1))) if cell == 'lstm' else module(x, h0.unsqueeze(1))
            logits = head(out[-1, 0])
            total = total + -torch.log_softmax(logits, dim=0)[s['target']]
        return total / len(samples)

    losses, norms = run_training(list(named.values()), loss_fn, optimizer, lr, momentum, clip)
    options = {'steps': STEPS, 'optimizer': optimizer, 'lr': lr, 'momentum': momentum if optimizer == 'sgd' else None, 'clipNorm': clip}
    stack = {'cell': cell, 'numLayers': L, 'bidirectional': bidirectional, 'hiddenSize': H, 'inputSize': I,
             'weights': init_weights, 'h0': nested(h0), 'c0': nested(c0) if cell == 'lstm' else None, 'head': {'classes': classes},
             'samples': [{'T': s['T'], 'inputs': nested(s['inputs']), 'loss': {'kind': 'crossEntropy', 'target': s['target']}} for s in samples]}
    spec = {'name': name, 'description': description, 'cell': cell, 'inputSize': I, 'hiddenSize': H, 'numLayers': L,
            'bidirectional': bidirectional, 'weights': {k: v for k, v in init_weights.items() if not k.startswith('fc.')},
            'h0': nested(h0), **({'c0': nested(c0)} if cell == 'lstm' else {}),
            'loss': {'kind': 'crossEntropy', 'head': {'weight': init_weights['fc.weight'], 'bias': init_weights['fc.bias']}},
            'samples': [{'inputs': nested(s['inputs']), 'target': s['target']} for s in samples]}
    write(name, {'name': name, 'description': description, 'stack': stack, 'cliSpec': name + '.lstm.json', 'options': options,
                 'expected': {'loss': losses, 'gradNorm': norms, 'weights': {k: nested(v) for k, v in named.items()}}}, spec)


def model_case(name, description, spec_name, model_file, L, bidirectional, H, optimizer, lr, momentum, clip):
    """`train` on test/fixtures/specs/<spec_name>.lstm.json (an nn.LSTM model file with head fc, no samples)."""
    specs = os.path.join(ROOT, 'test', 'fixtures', 'specs')
    with open(os.path.join(specs, spec_name + '.lstm.json')) as f:
        spec = json.load(f)
    with open(os.path.join(ROOT, 'test', 'fixtures', 'models', model_file + '.expected.json')) as f:
        tensors = {t['name']: torch.tensor(t['data']).reshape(t['shape']) for t in json.load(f)['tensors']}
    x = torch.tensor(np.load(os.path.normpath(os.path.join(specs, spec['inputs']['file']))))
    prefix = [k for k in tensors if k.endswith('weight_ih_l0')][0][:-len('weight_ih_l0')]
    I = x.shape[1]
    module = nn.LSTM(I, H, num_layers=L, bidirectional=bidirectional)
    D = 2 if bidirectional else 1
    head = nn.Linear(D * H, tensors['fc.weight'].shape[0])
    named = {}
    with torch.no_grad():
        for k, p in module.named_parameters():
            p.copy_(tensors[prefix + k])
            named[prefix + k] = p
        for k, p in head.named_parameters():
            p.copy_(tensors['fc.' + k])
            named['fc.' + k] = p
    h0, c0 = torch.tensor(spec['h0']), torch.tensor(spec['c0'])
    target = spec['loss']['target']

    def loss_fn():
        out, _ = module(x.unsqueeze(1), (h0.unsqueeze(1), c0.unsqueeze(1)))
        return -torch.log_softmax(head(out[-1, 0]), dim=0)[target]

    losses, norms = run_training(list(named.values()), loss_fn, optimizer, lr, momentum, clip)
    options = {'steps': STEPS, 'optimizer': optimizer, 'lr': lr, 'momentum': momentum if optimizer == 'sgd' else None, 'clipNorm': clip}
    write(name, {'name': name, 'description': description, 'cliSpec': '../../specs/' + spec_name + '.lstm.json', 'options': options,
                 'expected': {'loss': losses, 'gradNorm': norms, 'weights': {k: nested(v) for k, v in named.items()}}})


def keras_case(name, description, spec_name, model_file, optimizer, lr, momentum, clip):
    """`train` on a spec reading a Keras LSTM file: kernel (I, 4H), recurrent_kernel (H, 4H) and ONE
    bias (4H), gates i, f, c, o, trained as the file's own three tensors (a hand-written forward)."""
    specs = os.path.join(ROOT, 'test', 'fixtures', 'specs')
    with open(os.path.join(specs, spec_name + '.lstm.json')) as f:
        spec = json.load(f)
    with open(os.path.join(ROOT, 'test', 'fixtures', 'models', model_file + '.expected.json')) as f:
        named = {t['name']: torch.tensor(t['data']).reshape(t['shape']).requires_grad_(True) for t in json.load(f)['tensors']}
    kernel, recurrent, bias = [named[k] for k in named]
    x = torch.tensor(np.load(os.path.normpath(os.path.join(specs, spec['inputs']['file']))))
    h0, c0 = torch.tensor(spec['h0']), torch.tensor(spec['c0'])
    assert spec['loss'] == {'kind': 'sum'}

    def loss_fn():
        h, c = h0, c0
        for t in range(x.shape[0]):
            i, f, g, o = (x[t] @ kernel + h @ recurrent + bias).chunk(4)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        return h.sum()

    losses, norms = run_training(list(named.values()), loss_fn, optimizer, lr, momentum, clip)
    options = {'steps': STEPS, 'optimizer': optimizer, 'lr': lr, 'momentum': momentum if optimizer == 'sgd' else None, 'clipNorm': clip}
    write(name, {'name': name, 'description': description, 'cliSpec': '../../specs/' + spec_name + '.lstm.json', 'options': options,
                 'expected': {'loss': losses, 'gradNorm': norms, 'weights': {k: nested(v) for k, v in named.items()}}})


def write(name, case, spec=None):
    with open(os.path.join(OUT, name + '.training.json'), 'w') as f:
        json.dump(case, f, separators=(',', ':'))
        f.write('\n')
    if spec is not None:
        with open(os.path.join(OUT, name + '.lstm.json'), 'w') as f:
            json.dump(spec, f, indent=1)
            f.write('\n')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    #         name, description, cell, H, I, naming, loss, samples, T, optimizer, lr, momentum, clip, seed
    spec_case('lstm-textbook-sum-sgd', 'lstm, textbook weights, sum loss, plain SGD', 'lstm', 3, 2, 'textbook', 'sum', 1, 5, 'sgd', 0.05, 0, None, 1)
    spec_case('lstm-pytorch-mse-adam', 'nn.LSTM names (bias_ih, bias_hh apart), mse, Adam', 'lstm', 3, 2, 'pytorch', 'mse', 1, 6, 'adam', 0.02, 0, None, 2)
    spec_case('gru-pytorch-mse-momentum-clip', 'nn.GRU names, mse, SGD momentum 0.9, clipping active', 'gru', 3, 2, 'pytorch', 'mse', 1, 5, 'sgd', 0.2, 0.9, 0.3, 3)
    spec_case('rnn-textbook-sum-adam-clip', 'rnn, textbook, sum, Adam with clipping', 'rnn', 4, 3, 'textbook', 'sum', 1, 6, 'adam', 0.05, 0, 1.0, 4)
    spec_case('peephole-textbook-mse-momentum', 'lstm_peephole (hand-written autograd), mse, SGD momentum 0.5', 'lstm_peephole', 3, 2, 'textbook', 'mse', 1, 5, 'sgd', 0.3, 0.5, None, 5)
    spec_case('gru-textbook-mse-samples-adam', 'gru, textbook (b_ir, b_hr, ... apart), mse over 3 samples, Adam', 'gru', 2, 2, 'textbook', 'mse', 3, 4, 'adam', 0.03, 0, None, 6)
    spec_case('lstm-pytorch-mse-samples-momentum-clip', 'nn.LSTM names, mse over 4 samples, SGD momentum 0.8, clipping', 'lstm', 3, 2, 'pytorch', 'mse', 4, 5, 'sgd', 0.5, 0.8, 0.1, 7)
    spec_case('rnn-pytorch-sum-sgd', 'nn.RNN names (two biases), sum, plain SGD', 'rnn', 3, 2, 'pytorch', 'sum', 1, 4, 'sgd', 0.1, 0, None, 8)
    #          name, description, cell, L, bidirectional, H, I, Ts, classes, optimizer, lr, momentum, clip, seed
    stack_case('lstm-stack-ce-samples-adam-clip', '2-layer bidirectional nn.LSTM, Linear head, crossEntropy over 3 samples, Adam, clipping',
               'lstm', 2, True, 3, 2, [4, 3, 5], 3, 'adam', 0.02, 0, 0.2, 9)
    stack_case('gru-stack-ce-samples-momentum', '2-layer nn.GRU, Linear head, crossEntropy over 2 samples, SGD momentum 0.9',
               'gru', 2, False, 3, 2, [4, 6], 4, 'sgd', 0.1, 0.9, None, 10)
    #          name, description, spec, model file, L, bidirectional, H, optimizer, lr, momentum, clip
    model_case('model-pt-lstm2bi-ce-adam-clip', 'train on a .pt model file: 2-layer bidirectional nn.LSTM and its head fc, crossEntropy, Adam, clipping',
               'pt-lstm2bi-ce', 'lstm2bi_float32.pt', 2, True, 4, 'adam', 0.01, 0, 0.5)
    keras_case('model-keras-lstm-sum-adam', 'train on a Keras .h5 LSTM: its own kernel, recurrent_kernel and one bias, sum loss, Adam',
               'keras-lstm-sum', 'keras_lstm.h5', 'adam', 0.02, 0, None)
    print('wrote training cases to', os.path.normpath(OUT))
