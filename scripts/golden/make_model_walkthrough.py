#!/usr/bin/python3
"""PyTorch's numbers for the model-file walkthrough the e2e and integration tests make
("LSTM: New Spec from Model File…" on test/fixtures/models/lstm2bi_float64.pt, random inputs with
seed 1, T = 4, cross-entropy on the head `fc` with target 1). Writes
test/fixtures/models/lstm2bi_float64.walkthrough.json: the inputs, the loss, every (layer,
direction)'s hidden states h_t in time order, and the autograd .grad of every parameter, all in
float64, computed by torch from the file's own state_dict. The inputs are the extension's: the
mulberry32 draws of docs/spec-format.md#random-weights-init, scaled to [-1, 1) and rounded to 4
decimals (half away from zero, as JavaScript's Math.round for these values).
Run: /usr/bin/python3 scripts/golden/make_model_walkthrough.py
"""
import json, math, os
import torch
import torch.nn as nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
MODEL = os.path.join(ROOT, 'test', 'fixtures', 'models', 'lstm2bi_float64.pt')
OUT = os.path.join(ROOT, 'test', 'fixtures', 'models', 'lstm2bi_float64.walkthrough.json')
SEED, T, TARGET = 1, 4, 1

M = 0xFFFFFFFF
def mulberry32(seed):
    state = seed & M
    while True:
        state = (state + 0x6D2B79F5) & M
        t = ((state ^ (state >> 15)) * (state | 1)) & M
        t = ((t + (((t ^ (t >> 7)) * (t | 61)) & M)) & M) ^ t
        yield (t ^ (t >> 14)) & M

def js_round4(x):
    return math.floor(x * 1e4 + 0.5) / 1e4

sd = torch.load(MODEL)
lstm_sd = {k[len('encoder.lstm.'):]: v for k, v in sd.items() if k.startswith('encoder.lstm.')}
I = lstm_sd['weight_ih_l0'].shape[1]
H = lstm_sd['weight_hh_l0'].shape[1]
g = mulberry32(SEED)
inputs = [[js_round4(2 * (next(g) / 2**32) - 1) for _ in range(I)] for _ in range(T)]

L = 2
lstm = nn.LSTM(I, H, num_layers=L, bidirectional=True).double()
lstm.load_state_dict({k: v.double() for k, v in lstm_sd.items()})
fc = nn.Linear(2 * H, sd['fc.weight'].shape[0]).double()
fc.load_state_dict({'weight': sd['fc.weight'].double(), 'bias': sd['fc.bias'].double()})

# run the layers one by one to keep every (layer, direction)'s h_t: PyTorch's stack semantics
x = torch.tensor(inputs, dtype=torch.float64).unsqueeze(1)  # (T, 1, I)
hs = {}
layer_in = x
for k in range(L):
    outs = []
    for d, suffix in enumerate(['', '_reverse']):
        cell = nn.LSTM(layer_in.shape[2], H).double()
        cell.load_state_dict({f'{w}_l0': getattr(lstm, f'{w}_l{k}{suffix}') for w in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh')})
        seq = layer_in if d == 0 else torch.flip(layer_in, [0])
        out, _ = cell(seq)
        if d == 1: out = torch.flip(out, [0])
        hs[f'L{k + 1} {"←" if d else "→"}'] = out.squeeze(1).detach().tolist()
        outs.append(out)
    layer_in = torch.cat(outs, dim=2)

output, _ = lstm(x)
assert torch.allclose(output, layer_in, atol=1e-12, rtol=0)
logits = fc(output[-1, 0])
loss = nn.functional.cross_entropy(logits.unsqueeze(0), torch.tensor([TARGET]))
loss.backward()
grads = {('encoder.lstm.' + n): p.grad.tolist() for n, p in lstm.named_parameters()}
grads.update({'fc.' + n: p.grad.tolist() for n, p in fc.named_parameters()})

with open(OUT, 'w') as f:
    json.dump({'model': 'lstm2bi_float64.pt', 'prefix': 'encoder.lstm', 'seed': SEED, 'T': T, 'target': TARGET,
               'inputs': inputs, 'loss': loss.item(), 'h': hs, 'grad': grads}, f, indent=1)
print('wrote', OUT, 'loss', loss.item())
