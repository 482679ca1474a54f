#!/usr/bin/python3
"""PyTorch golden data for the engine's single-layer cells (npm run golden).

For every case below this script writes two files under test/fixtures/golden/:

  <case>.lstm.json    the spec, in the project's spec format (docs/spec-format.md), textbook
                      weight names or PyTorch's (weight_ih_l0, ...);
  <case>.golden.json  the trace of docs/trace-format.md as PyTorch computes it, in float64.

Where the numbers come from:
- h, the loss L, dL_dx, dL_dh0, dL_dc0, dL_dW and dL_db come from nn.LSTM / nn.GRU / nn.RNN run
  over the sequence (their output and their parameters' autograd .grad, mapped to the textbook
  layout). The peephole cell has no nn module: it is a hand-written autograd cell, checked
  against nn.LSTM with its peepholes set to zero.
- The per-step intermediates (pre-activations, gates, c, hn, and the TOTAL gradients dL/dh_t,
  dL/dc_t, dL/da_*_t, dL/dhn_t) come from an unrolled step-by-step computation in PyTorch with
  autograd (retain_grad on every intermediate, so each .grad is the gradient through every later
  path). The script asserts that the unrolled h matches the nn module's output to 1e-12, and that
  its parameter/input gradients match the module's, so the intermediates are the framework's.
- cellPathDecay.forgetProduct / updateGatePathDecay.zProduct are suffix products of f / z, and
  vanillaRNN is the ungated comparison RNN of docs/spec-format.md (lstm kinds: tanh(W_c z + b_c);
  gru: tanh(W_in x + b_in + W_hn h + b_hn); rnn: the cell itself), loss sum, run through nn.RNN
  and autograd.

Numbers are written with Python's repr (shortest round-tripping float64). The unit test
test/unit/golden.test.ts compares every field with the engine without needing Python.
Run: /usr/bin/python3 scripts/golden/make_golden.py   (PyTorch 1.13, CPU)
"""

import json
import os
import sys

import torch
from torch import nn

torch.set_default_dtype(torch.float64)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'golden')

LSTM_GATES = ['f', 'i', 'g', 'o']  # textbook order of the trace fields
LSTM_WEIGHT = {'f': 'W_f', 'i': 'W_i', 'g': 'W_c', 'o': 'W_o'}
LSTM_BIAS = {'f': 'b_f', 'i': 'b_i', 'g': 'b_c', 'o': 'b_o'}
TORCH_LSTM_ROWS = ['i', 'f', 'g', 'o']  # nn.LSTM's row blocks
TORCH_GRU_ROWS = ['r', 'z', 'n']  # nn.GRU's row blocks


def check_close(what, a, b, tol=1e-12):
    """Relative+absolute agreement of two tensors; stops the script when it fails."""
    err = ((a - b).abs() / (1 + b.abs())).max().item() if a.numel() else 0.0
    if not err <= tol:
        sys.exit(f'{what}: unrolled computation and nn module differ by {err:g} (> {tol:g})')


def nested(t):
    return t.detach().tolist()


# ---------------------------------------------------------------------------------------------
# Cases: the spec's numbers as tensors (textbook layout), plus how the spec file names them.

class Case:
    def __init__(self, name, cell, H, I, T, description, **kw):
        self.name, self.cell, self.H, self.I, self.T = name, cell, H, I, T
        self.description = description
        self.params = kw['params']  # textbook name -> tensor
        self.torch_tensors = kw.get('torch_tensors')  # PyTorch name -> tensor, when the spec uses them
        self.h0 = kw.get('h0', torch.zeros(H))
        self.c0 = kw.get('c0', torch.zeros(H))
        self.x = kw['x']  # (T, I)
        self.tokens = kw.get('tokens')
        self.loss = kw.get('loss', {'kind': 'sum'})  # {'kind': 'mse', 'target': tensor}
        self.spec_text = kw.get('spec_text')  # an example's file, copied verbatim
        self.title = kw.get('title', name)


def textbook_shapes(cell, H, I):
    if cell in ('lstm', 'lstm_peephole'):
        shapes = {}
        for k in LSTM_GATES:
            shapes[LSTM_WEIGHT[k]] = (H, H + I)
        for k in LSTM_GATES:
            shapes[LSTM_BIAS[k]] = (H,)
        if cell == 'lstm_peephole':
            for p in ('p_f', 'p_i', 'p_o'):
                shapes[p] = (H,)
        return shapes
    if cell == 'gru':
        shapes = {f'W_i{k}': (H, I) for k in TORCH_GRU_ROWS}
        shapes.update({f'W_h{k}': (H, H) for k in TORCH_GRU_ROWS})
        shapes.update({f'b_i{k}': (H,) for k in TORCH_GRU_ROWS})
        shapes.update({f'b_h{k}': (H,) for k in TORCH_GRU_ROWS})
        return shapes
    return {'W': (H, H + I), 'b': (H,)}


def random_params(gen, cell, H, I, scale):
    return {name: (torch.rand(shape, generator=gen) * 2 - 1) * scale
            for name, shape in textbook_shapes(cell, H, I).items()}


def uniform(gen, shape, scale):
    return (torch.rand(shape, generator=gen) * 2 - 1) * scale


def torch_tensors_to_textbook(cell, H, tensors):
    """The parser's mapping of PyTorch names (docs/spec-format.md) into the textbook layout."""
    wih, whh, bih, bhh = (tensors[n] for n in ('weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'))
    rows = lambda m, k: m[k * H:(k + 1) * H]
    if cell == 'lstm':
        out = {}
        for k, gate in enumerate(TORCH_LSTM_ROWS):
            out[LSTM_WEIGHT[gate]] = torch.cat([rows(whh, k), rows(wih, k)], dim=1)
            out[LSTM_BIAS[gate]] = rows(bih, k) + rows(bhh, k)
        return out
    if cell == 'gru':
        out = {}
        for k, gate in enumerate(TORCH_GRU_ROWS):
            out[f'W_i{gate}'] = rows(wih, k)
            out[f'W_h{gate}'] = rows(whh, k)
            out[f'b_i{gate}'] = rows(bih, k)
            out[f'b_h{gate}'] = rows(bhh, k)
        return out
    return {'W': torch.cat([whh, wih], dim=1), 'b': bih + bhh}


def read_example(file_name):
    """An example spec with textbook weights (numbers fill a whole matrix/vector)."""
    with open(os.path.join(ROOT, 'examples', file_name), encoding='utf-8') as f:
        text = f.read()
    spec = json.loads(text)
    cell, H, I = spec.get('cell', 'lstm'), spec['hiddenSize'], spec['inputSize']
    weights = spec['weights']
    torch_names = 'weight_ih_l0' in weights

    def tensor(value, shape):
        return torch.full(shape, float(value)) if isinstance(value, (int, float)) else torch.tensor(value, dtype=torch.float64)

    if torch_names:
        blocks = {'lstm': 4, 'gru': 3, 'rnn': 1}[cell]
        shapes = {'weight_ih_l0': (blocks * H, I), 'weight_hh_l0': (blocks * H, H),
                  'bias_ih_l0': (blocks * H,), 'bias_hh_l0': (blocks * H,)}
        torch_tensors = {n: tensor(weights[n], s) for n, s in shapes.items()}
        params = torch_tensors_to_textbook(cell, H, torch_tensors)
    else:
        torch_tensors = None
        params = {n: tensor(weights.get(n, 0), s) for n, s in textbook_shapes(cell, H, I).items()}
    loss = spec.get('loss', {'kind': 'sum'})
    if loss['kind'] == 'mse':
        loss = {'kind': 'mse', 'target': torch.tensor(loss['target'], dtype=torch.float64)}
    x = torch.tensor(spec['inputs'], dtype=torch.float64)
    return Case(
        os.path.basename(file_name).replace('.lstm.json', ''), cell, H, I, x.shape[0],
        spec.get('description', ''), params=params, torch_tensors=torch_tensors,
        h0=torch.tensor(spec.get('h0', [0.0] * H), dtype=torch.float64),
        c0=torch.tensor(spec.get('c0', [0.0] * H), dtype=torch.float64),
        x=x, tokens=spec.get('tokens'), loss=loss, spec_text=text, title=spec.get('name'))


def torch_named_tensors(gen, cell, H, I, scale):
    blocks = {'lstm': 4, 'gru': 3, 'rnn': 1}[cell]
    return {
        'weight_ih_l0': uniform(gen, (blocks * H, I), scale),
        'weight_hh_l0': uniform(gen, (blocks * H, H), scale),
        'bias_ih_l0': uniform(gen, (blocks * H,), scale),
        'bias_hh_l0': uniform(gen, (blocks * H,), scale),
    }


def saturating_params(gen, cell, H, I):
    """Weights that drive every pre-activation to |a| > 700: the columns acting on x_t have
    magnitude 400..500 (with |x| in 2..3), everything else is in [-1, 1], so the x term dominates."""
    params = random_params(gen, cell, H, I, 1.0)
    big = lambda v: torch.sign(v) * (400 + 100 * v.abs())
    for name, value in params.items():
        if cell in ('lstm', 'lstm_peephole', 'rnn') and name.startswith('W'):
            value[:, H:] = big(value[:, H:])
        elif cell == 'gru' and name.startswith('W_i'):
            params[name] = big(value)
    return params


def saturating_inputs(gen, T, I):
    return torch.sign(uniform(gen, (T, I), 1.0)) * (2 + uniform(gen, (T, I), 1.0).abs())


def build_cases():
    gen = torch.Generator().manual_seed(20260307)
    cases = []

    def add(case):
        cases.append(case)

    for example in ('this-movie-is-good', 'peephole-movie', 'gru-movie', 'rnn-movie', 'pytorch-lstm'):
        case = read_example(f'{example}.lstm.json')
        case.name = f'example-{example}'
        add(case)

    H, I, T = 3, 2, 7
    for cell in ('lstm', 'lstm_peephole', 'gru', 'rnn'):
        lstm_kind = cell in ('lstm', 'lstm_peephole')
        add(Case(f'{cell}-sum-random', cell, H, I, T,
                 f'{cell}, random weights in [-1, 1], zero initial state, loss sum.',
                 params=random_params(gen, cell, H, I, 1.0), x=uniform(gen, (T, I), 1.0)))
        add(Case(f'{cell}-mse-initial-state', cell, H, I, T,
                 f'{cell}, random weights in [-1.5, 1.5], non-zero h0' + (' and c0' if lstm_kind else '') + ', loss mse.',
                 params=random_params(gen, cell, H, I, 1.5), x=uniform(gen, (T, I), 2.0),
                 h0=uniform(gen, (H,), 0.9), c0=uniform(gen, (H,), 2.0) if lstm_kind else torch.zeros(H),
                 loss={'kind': 'mse', 'target': uniform(gen, (H,), 1.0)},
                 tokens=[f'w{t}' for t in range(1, T + 1)]))
        add(Case(f'{cell}-saturated', cell, 2, 1, 5,
                 f'{cell} with input weights of magnitude 400..500 and |x| in 2..3: every pre-activation has |a| > 700, so sigmoid '
                 'and tanh saturate (exp(-a) overflows a naive formula); non-zero h0, loss mse.',
                 params=saturating_params(gen, cell, 2, 1),
                 x=saturating_inputs(gen, 5, 1),
                 h0=uniform(gen, (2,), 0.9), c0=uniform(gen, (2,), 0.9) if lstm_kind else torch.zeros(2),
                 loss={'kind': 'mse', 'target': torch.tensor([0.5, -0.25])}))

    for cell in ('lstm', 'gru', 'rnn'):
        tensors = torch_named_tensors(gen, cell, 2, 3, 0.8)
        add(Case(f'{cell}-pytorch-names', cell, 2, 3, 6,
                 f'{cell} with the weights under nn.{ {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}[cell] }\'s own '
                 'tensor names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, both biases non-zero), '
                 'non-zero h0, loss mse.',
                 params=torch_tensors_to_textbook(cell, 2, tensors), torch_tensors=tensors,
                 x=uniform(gen, (6, 3), 1.0), h0=uniform(gen, (2,), 0.5),
                 c0=uniform(gen, (2,), 0.5) if cell == 'lstm' else torch.zeros(2),
                 loss={'kind': 'mse', 'target': uniform(gen, (2,), 1.0)}))

    T = 1000
    params = random_params(gen, 'lstm', 3, 2, 0.5)
    params['b_f'] = params['b_f'] + 2.5  # forget gates near 0.92..0.95 so gradients reach early steps
    add(Case('lstm-T1000', 'lstm', 3, 2, T,
             'lstm over 1000 steps (H = 3, I = 2), weights in [-0.5, 0.5], forget bias ~2.5, '
             'non-zero h0 and c0, loss sum.',
             params=params, x=uniform(gen, (T, 2), 1.0), h0=uniform(gen, (3,), 0.5), c0=uniform(gen, (3,), 0.5)))
    return cases


# ---------------------------------------------------------------------------------------------
# The unrolled computation, one step at a time, with autograd on every intermediate.

def unrolled(case, params, h0, c0, x, peephole_override=None):
    """Forward over all steps; returns (records, hs) where records[name] is a list of per-step
    tensors with retain_grad() called, so after backward each .grad is the total gradient."""
    cell, T = case.cell, case.T
    rec = {}

    def keep(name, t):
        t.retain_grad()
        rec.setdefault(name, []).append(t)
        return t

    h, c = h0, c0
    for t in range(T):
        xt = x[t]
        if cell in ('lstm', 'lstm_peephole'):
            peep = peephole_override if peephole_override is not None else (cell == 'lstm_peephole')
            z = torch.cat([h, xt])
            a_f = params['W_f'] @ z + params['b_f']
            a_i = params['W_i'] @ z + params['b_i']
            if peep:
                a_f = a_f + params['p_f'] * c
                a_i = a_i + params['p_i'] * c
            a_g = params['W_c'] @ z + params['b_c']
            keep('a_f', a_f); keep('a_i', a_i); keep('a_g', a_g)
            f, i, g = torch.sigmoid(a_f), torch.sigmoid(a_i), torch.tanh(a_g)
            c = keep('c', f * c + i * g)
            a_o = params['W_o'] @ z + params['b_o']
            if peep:
                a_o = a_o + params['p_o'] * c
            keep('a_o', a_o)
            o = torch.sigmoid(a_o)
            h = keep('h', o * torch.tanh(c))
            for name, value in (('f', f), ('i', i), ('g', g), ('o', o)):
                rec.setdefault(name, []).append(value)
        elif cell == 'gru':
            a_r = keep('a_r', params['W_ir'] @ xt + params['b_ir'] + params['W_hr'] @ h + params['b_hr'])
            a_z = keep('a_z', params['W_iz'] @ xt + params['b_iz'] + params['W_hz'] @ h + params['b_hz'])
            hn = keep('hn', params['W_hn'] @ h + params['b_hn'])
            r, zg = torch.sigmoid(a_r), torch.sigmoid(a_z)
            a_n = keep('a_n', params['W_in'] @ xt + params['b_in'] + r * hn)
            n = torch.tanh(a_n)
            h = keep('h', (1 - zg) * n + zg * h)
            for name, value in (('r', r), ('z', zg), ('n', n)):
                rec.setdefault(name, []).append(value)
        else:
            a = keep('a', params['W'] @ torch.cat([h, xt]) + params['b'])
            h = keep('h', torch.tanh(a))
    return rec, h


def loss_of(loss, hT):
    if loss['kind'] == 'sum':
        return hT.sum()
    return 0.5 * ((hT - loss['target']) ** 2).sum()


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def stack(steps):
    return torch.stack([s.detach() for s in steps]) if steps else torch.zeros(0)


def stack_grads(steps, H):
    return torch.stack([s.grad if s.grad is not None else torch.zeros(H) for s in steps])


def module_for(case, textbook):
    """The nn module with the case's weights (split so that both PyTorch biases are used)."""
    H, I, cell = case.H, case.I, case.cell
    if case.torch_tensors is not None:
        tensors = case.torch_tensors
    elif cell in ('lstm', 'lstm_peephole'):
        blocks = [textbook[LSTM_WEIGHT[g]] for g in TORCH_LSTM_ROWS]
        bias = torch.cat([textbook[LSTM_BIAS[g]] for g in TORCH_LSTM_ROWS])
        # any split of b_k between the two PyTorch biases is the same cell: use 0.3 / 0.7
        tensors = {'weight_ih_l0': torch.cat([w[:, H:] for w in blocks]),
                   'weight_hh_l0': torch.cat([w[:, :H] for w in blocks]),
                   'bias_ih_l0': 0.3 * bias, 'bias_hh_l0': bias - 0.3 * bias}
    elif cell == 'gru':
        tensors = {'weight_ih_l0': torch.cat([textbook[f'W_i{g}'] for g in TORCH_GRU_ROWS]),
                   'weight_hh_l0': torch.cat([textbook[f'W_h{g}'] for g in TORCH_GRU_ROWS]),
                   'bias_ih_l0': torch.cat([textbook[f'b_i{g}'] for g in TORCH_GRU_ROWS]),
                   'bias_hh_l0': torch.cat([textbook[f'b_h{g}'] for g in TORCH_GRU_ROWS])}
    else:
        tensors = {'weight_ih_l0': textbook['W'][:, H:], 'weight_hh_l0': textbook['W'][:, :H],
                   'bias_ih_l0': 0.3 * textbook['b'], 'bias_hh_l0': 0.7 * textbook['b']}
    kind = 'lstm' if cell.startswith('lstm') else cell
    module = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[kind](I, H)
    with torch.no_grad():
        for name, value in tensors.items():
            getattr(module, name).copy_(value)
    return module


def module_run(case, module, h0, c0, x):
    """nn module over the sequence (batch 1): its output h (T, H), and the loss's grads mapped
    to the textbook layout, dL/dx, dL/dh0, dL/dc0."""
    H = case.H
    xs = leaf(x)
    h0s, c0s = leaf(h0), leaf(c0)
    module.zero_grad()
    if isinstance(module, nn.LSTM):
        out, _ = module(xs.unsqueeze(1), (h0s.view(1, 1, H), c0s.view(1, 1, H)))
    else:
        out, _ = module(xs.unsqueeze(1), h0s.view(1, 1, H))
    out = out.view(case.T, H)
    loss = loss_of(case.loss, out[-1])
    loss.backward()
    grads = {n: getattr(module, n).grad for n in ('weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0')}
    rows = lambda m, k: m[k * H:(k + 1) * H]
    dW, db = {}, {}
    if isinstance(module, nn.LSTM):
        for k, gate in enumerate(TORCH_LSTM_ROWS):
            dW[LSTM_WEIGHT[gate]] = torch.cat([rows(grads['weight_hh_l0'], k), rows(grads['weight_ih_l0'], k)], dim=1)
            # b_k = bias_ih + bias_hh, so dL/db_k is either bias's gradient (they are equal)
            check_close(f'{case.name}: bias_ih vs bias_hh grad', rows(grads['bias_ih_l0'], k), rows(grads['bias_hh_l0'], k))
            db[LSTM_BIAS[gate]] = rows(grads['bias_ih_l0'], k)
    elif isinstance(module, nn.GRU):
        for k, gate in enumerate(TORCH_GRU_ROWS):
            dW[f'W_i{gate}'] = rows(grads['weight_ih_l0'], k)
            dW[f'W_h{gate}'] = rows(grads['weight_hh_l0'], k)
            db[f'b_i{gate}'] = rows(grads['bias_ih_l0'], k)
            db[f'b_h{gate}'] = rows(grads['bias_hh_l0'], k)
    else:
        dW['W'] = torch.cat([grads['weight_hh_l0'], grads['weight_ih_l0']], dim=1)
        db['b'] = grads['bias_ih_l0']
    framework = {n: g.clone() for n, g in grads.items()}
    return out.detach(), loss.item(), dW, db, xs.grad, h0s.grad, c0s.grad, framework


def vanilla_rnn(case, textbook, x):
    """The comparison RNN (loss sum): h and total dL/dh per step from autograd, checked against
    nn.RNN's output."""
    H, I = case.H, case.I
    if case.cell in ('lstm', 'lstm_peephole'):
        W, b = textbook['W_c'], textbook['b_c']
    elif case.cell == 'gru':
        W = torch.cat([textbook['W_hn'], textbook['W_in']], dim=1)
        b = textbook['b_in'] + textbook['b_hn']
    else:
        W, b = textbook['W'], textbook['b']
    rnn_case = Case(case.name + ' (comparison rnn)', 'rnn', H, I, case.T, '', params={'W': W, 'b': b}, x=x,
                    h0=case.h0)
    params = {'W': leaf(W), 'b': leaf(b)}
    rec, hT = unrolled(rnn_case, params, leaf(case.h0), torch.zeros(H), x)
    hT.sum().backward()
    h = stack(rec['h'])
    module = module_for(rnn_case, {'W': W, 'b': b})
    out, *_ = module_run(rnn_case, module, case.h0, torch.zeros(H), x)
    check_close(f'{case.name}: vanilla RNN h', h, out)
    dh = stack_grads(rec['h'], H)
    return {'h': nested(h), 'dL_dh': nested(dh), 'dL_dh_norm': dh.norm(dim=1).tolist()}


def suffix_product(gate):
    """Row t: gate_{t+1} * ... * gate_T, ones at t = T. gate: (T, H)."""
    T = gate.shape[0]
    out = torch.ones_like(gate)
    for t in range(T - 2, -1, -1):
        out[t] = out[t + 1] * gate[t + 1]
    return out


def golden_trace(case):
    H, I, T, cell = case.H, case.I, case.T, case.cell
    textbook = {n: v.clone() for n, v in case.params.items()}
    params = {n: leaf(v) for n, v in textbook.items()}
    h0, c0, x = leaf(case.h0), leaf(case.c0), leaf(case.x)
    rec, hT = unrolled(case, params, h0, c0, x)
    L = loss_of(case.loss, hT)
    L.backward()
    if case.name.endswith('-saturated'):
        smallest = min(stack(rec[n]).abs().min().item() for n in rec if n.startswith('a'))
        if not smallest > 700:
            sys.exit(f'{case.name}: a pre-activation has |a| = {smallest:g}, not > 700')

    framework = None
    if cell != 'lstm_peephole':
        module = module_for(case, textbook)
        out, module_L, dW, db, dx, dh0, dc0, framework = module_run(case, module, case.h0, case.c0, case.x)
        check_close(f'{case.name}: h', stack(rec['h']), out)
        check_close(f'{case.name}: L', torch.tensor(L.item()), torch.tensor(module_L))
        # the unrolled backward agrees with the framework's (looser: summation orders differ)
        for n in dW:
            check_close(f'{case.name}: dL_dW.{n}', params[n].grad, dW[n], 1e-10)
        for n in db:
            check_close(f'{case.name}: dL_db.{n}', params[n].grad, db[n], 1e-10)
        check_close(f'{case.name}: dL_dx', x.grad, dx, 1e-10)
        check_close(f'{case.name}: dL_dh0', h0.grad, dh0, 1e-10)
        if cell == 'lstm':
            check_close(f'{case.name}: dL_dc0', c0.grad, dc0, 1e-10)
    else:
        # the hand-written peephole cell with p = 0 is nn.LSTM
        zero_p = {n: (torch.zeros(H) if n.startswith('p_') else v) for n, v in textbook.items()}
        check_rec, _ = unrolled(case, {n: leaf(v) for n, v in zero_p.items()}, leaf(case.h0), leaf(case.c0), case.x)
        module = module_for(case, zero_p)
        out, *_ = module_run(case, module, case.h0, case.c0, case.x)
        check_close(f'{case.name}: peephole cell with p = 0 vs nn.LSTM', stack(check_rec['h']), out)
        dW = {n: params[n].grad for n in textbook if n.startswith('W')}
        db = {n: params[n].grad for n in textbook if n.startswith('b')}
        dx, dh0, dc0 = x.grad, h0.grad, c0.grad

    trace = {'cell': cell, 'inputSize': I, 'hiddenSize': H, 'T': T}
    if case.tokens is not None:
        trace['tokens'] = case.tokens
    backward = {}
    if cell in ('lstm', 'lstm_peephole'):
        forward = {n: nested(stack(rec[n])) for n in ('a_f', 'a_i', 'a_g', 'a_o', 'f', 'i', 'g', 'o', 'c', 'h')}
        backward['dL_dh'] = nested(stack_grads(rec['h'], H))
        backward['dL_dc'] = nested(stack_grads(rec['c'], H))
        for g in LSTM_GATES:
            backward[f'dL_da_{g}'] = nested(stack_grads(rec[f'a_{g}'], H))
    elif cell == 'gru':
        forward = {n: nested(stack(rec[n])) for n in ('a_r', 'a_z', 'hn', 'a_n', 'r', 'z', 'n', 'h')}
        backward['dL_dh'] = nested(stack_grads(rec['h'], H))
        for n in ('a_r', 'a_z', 'a_n'):
            backward[f'dL_d{n}'] = nested(stack_grads(rec[n], H))
        backward['dL_dhn'] = nested(stack_grads(rec['hn'], H))
    else:
        forward = {n: nested(stack(rec[n])) for n in ('a', 'h')}
        backward['dL_dh'] = nested(stack_grads(rec['h'], H))
        backward['dL_da'] = nested(stack_grads(rec['a'], H))
    # h is the framework's output (equal to the unrolled h to 1e-12, checked above)
    if cell != 'lstm_peephole':
        forward['h'] = nested(out)
    backward['dL_dx'] = nested(dx)
    backward['dL_dh0'] = dh0.tolist()
    if cell in ('lstm', 'lstm_peephole'):
        backward['dL_dc0'] = dc0.tolist()
    backward['dL_dW'] = {n: nested(dW[n]) for n in textbook_shapes(cell, H, I) if n in dW}
    backward['dL_db'] = {n: db[n].tolist() for n in textbook_shapes(cell, H, I) if n in db}
    if cell == 'lstm_peephole':
        backward['dL_dp'] = {n: params[n].grad.tolist() for n in ('p_f', 'p_i', 'p_o')}

    trace['forward'] = forward
    trace['loss'] = {'kind': case.loss['kind'], 'L': L.item() if cell == 'lstm_peephole' else module_L}
    trace['backward'] = backward
    if cell in ('lstm', 'lstm_peephole'):
        trace['cellPathDecay'] = {'forgetProduct': nested(suffix_product(stack(rec['f'])))}
    elif cell == 'gru':
        trace['updateGatePathDecay'] = {'zProduct': nested(suffix_product(stack(rec['z'])))}
    trace['vanillaRNN'] = vanilla_rnn(case, textbook, case.x)
    if case.torch_tensors is not None and framework is not None:
        # the framework's own gradients under its own names (the trace's frameworkGrads, once
        # the engine reports them for specs written with PyTorch names)
        trace['frameworkGrads'] = {n: nested(g) for n, g in framework.items()}
    return trace


# ---------------------------------------------------------------------------------------------
# Writing: specs indented like the examples, traces with one row per line.

def spec_json(case):
    if case.spec_text is not None:
        return case.spec_text
    H = case.H
    weights = {}
    if case.torch_tensors is not None:
        for n, v in case.torch_tensors.items():
            weights[n] = nested(v)
    else:
        for n, v in case.params.items():
            weights[n] = nested(v)
    spec = {'name': case.title, 'description': case.description + ' Generated by scripts/golden/make_golden.py.',
            'cell': case.cell, 'inputSize': case.I, 'hiddenSize': H, 'weights': weights,
            'h0': case.h0.tolist()}
    if case.cell in ('lstm', 'lstm_peephole'):
        spec['c0'] = case.c0.tolist()
    spec['inputs'] = nested(case.x)
    if case.tokens is not None:
        spec['tokens'] = case.tokens
    spec['loss'] = ({'kind': 'sum'} if case.loss['kind'] == 'sum'
                    else {'kind': 'mse', 'target': case.loss['target'].tolist()})
    return dump(spec) + '\n'


def dump(value, indent=0):
    """JSON with every list of numbers on one line (a matrix row per line)."""
    pad, inner = '  ' * indent, '  ' * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return '{}'
        items = [f'{inner}{json.dumps(k)}: {dump(v, indent + 1)}' for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + '\n' + pad + '}'
    if isinstance(value, list) and value and isinstance(value[0], list):
        return '[\n' + ',\n'.join(inner + dump(v, indent + 1) for v in value) + '\n' + pad + ']'
    if isinstance(value, float):
        if value != value or value in (float('inf'), float('-inf')):
            sys.exit('non-finite number in a golden file')
        return repr(value)
    return json.dumps(value, separators=(', ', ': '), allow_nan=False)


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = build_cases()
    for case in cases:
        trace = golden_trace(case)
        with open(os.path.join(OUT, f'{case.name}.lstm.json'), 'w', encoding='utf-8') as f:
            f.write(spec_json(case))
        with open(os.path.join(OUT, f'{case.name}.golden.json'), 'w', encoding='utf-8') as f:
            f.write(dump(trace) + '\n')
        print(f'{case.name}: {case.cell} H={case.H} I={case.I} T={case.T} L={trace["loss"]["L"]!r}')
    print(f'{len(cases)} cases written to {os.path.relpath(OUT, ROOT)}')


if __name__ == '__main__':
    main()
