#!/usr/bin/python3
"""Writes the model-file fixtures of test/fixtures/models/ with the real frameworks (torch 1.13,
onnx, h5py, numpy) and, next to each fixture, NAME.expected.json: every tensor the file holds
(name, shape, dtype, values as float64) and every recurrent module mapped to PyTorch's layout
(weight_ih_l{k}[_reverse] rows i,f,g,o / r,z,n, both biases), computed here by hand from the
framework's own numbers, independently of src/models. Run: /usr/bin/python3 scripts/golden/make_models.py

No framework that writes Keras files is installable here, so the Keras fixtures are written with
h5py following Keras's documented layouts (Keras 2 .h5: model_weights/<layer>/<weight name> with
`weight_names` attributes and a `model_config` attribute; Keras 3 .keras: a zip of config.json,
metadata.json and model.weights.h5 with layers/<layer>/cell/vars/0..2), from a PyTorch model whose
weights are transposed and gate-reordered by hand below.
"""
import collections, io, json, os, pickle, struct, zipfile
import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'models')
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
rng = np.random.default_rng(0)


def path(name):
    return os.path.join(OUT, name)


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def tensor_entry(name, a, dtype):
    a = np.asarray(a)
    return {'name': name, 'shape': list(a.shape), 'dtype': dtype, 'data': flat(a)}


def torch_dtype_name(t):
    return {torch.float32: 'float32', torch.float64: 'float64', torch.float16: 'float16', torch.bfloat16: 'bfloat16'}[t.dtype]


def pytorch_modules_of(sd, prefix, cell, num_layers, bidirectional, H, I, dtype, convention='pytorch', reset_after=None):
    """The expected module entry, with its tensors in PyTorch layout (taken from a PyTorch state_dict)."""
    mapped = {}
    for k in range(num_layers):
        for suffix in ([''] + (['_reverse'] if bidirectional else [])):
            for w in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'):
                key = f'{w}_l{k}{suffix}'
                t = sd[(prefix + '.' if prefix else '') + key]
                mapped[key] = {'shape': list(t.shape), 'data': flat(t.detach().double().numpy())}
    m = {'prefix': prefix, 'cell': cell, 'numLayers': num_layers, 'bidirectional': bidirectional,
         'hiddenSize': H, 'inputSize': I, 'dtype': dtype, 'convention': convention, 'mapped': mapped}
    if reset_after is not None:
        m['resetAfter'] = reset_after
    return m


def write_expected(name, fmt, tensors, modules, heads=(), refused=None):
    """refused: the attribute or tensor a refusing error must name (the file is read, its module is not mapped)"""
    entry = {'file': name, 'format': fmt, 'tensors': tensors, 'modules': [] if refused else modules, 'heads': list(heads)}
    if refused:
        entry['refused'] = refused
    with open(path(name + '.expected.json'), 'w') as f:
        json.dump(entry, f)


# ---------------------------------------------------------------- PyTorch models
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.fc = nn.Linear(8, 2)


class GRUModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 4)


class RNNModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(2, 3)


def model_specs():
    """(base name, model, module entries builder, heads)"""
    return [
        ('lstm2bi', Classifier(), lambda sd, dt: [pytorch_modules_of(sd, 'encoder.lstm', 'lstm', 2, True, 4, 3, dt)], ['fc']),
        ('gru', GRUModel(), lambda sd, dt: [pytorch_modules_of(sd, 'gru', 'gru', 1, False, 4, 3, dt, reset_after=True)], []),
        ('rnn', RNNModel(), lambda sd, dt: [pytorch_modules_of(sd, 'rnn', 'rnn', 1, False, 3, 2, dt)], []),
    ]


def all_tensor_entries(sd):
    return [tensor_entry(k, v.detach().double().numpy(), torch_dtype_name(v)) for k, v in sd.items()]


SAFETENSORS_DTYPES = {torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16'}


def write_safetensors(filename, sd, metadata=None):
    """The safetensors format by hand (the package is not installed): u64 LE header length, JSON header
    {name: {dtype, shape, data_offsets}}, padded with spaces to 8 bytes, then the raw little-endian data."""
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header['__metadata__'] = metadata
    for k, v in sd.items():
        v = v.detach().contiguous()
        if v.dtype == torch.bfloat16:
            raw = v.view(torch.int16).numpy().astype('<i2').tobytes()
        else:
            raw = v.numpy().astype(v.numpy().dtype.newbyteorder('<')).tobytes()
        header[k] = {'dtype': SAFETENSORS_DTYPES[v.dtype], 'shape': list(v.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path(filename), 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


for base, model, modules_of, heads in model_specs():
    for dt, conv in (('float32', lambda m: m.float()), ('float64', lambda m: m.double())):
        sd = conv(model).state_dict()
        name = f'{base}_{dt}.pt'
        torch.save(sd, path(name))
        write_expected(name, 'pytorch', all_tensor_entries(sd), modules_of(sd, dt), heads)
        name = f'{base}_{dt}.safetensors'
        write_safetensors(name, sd, {'format': 'pt'})
        write_expected(name, 'safetensors', all_tensor_entries(sd), modules_of(sd, dt), heads)
        name = f'{base}_{dt}.npz'
        np.savez(path(name), **{k: v.detach().numpy() for k, v in sd.items()})
        write_expected(name, 'npz', all_tensor_entries(sd), modules_of(sd, dt), heads)

# half precision storages: the same LSTM in float16 and bfloat16
for dt, conv in (('float16', lambda m: m.half()), ('bfloat16', lambda m: m.bfloat16())):
    m = Classifier()
    sd = conv(m).state_dict()
    for ext, fmt in (('pt', 'pytorch'), ('safetensors', 'safetensors')):
        name = f'lstm2bi_{dt}.{ext}'
        if ext == 'pt':
            torch.save(sd, path(name))
        else:
            write_safetensors(name, sd)
        write_expected(name, fmt, all_tensor_entries(sd), [pytorch_modules_of(sd, 'encoder.lstm', 'lstm', 2, True, 4, 3, dt)], ['fc'])

# strides and storage offsets: views of one storage (a transpose, a slice with an offset)
base_t = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
views = collections.OrderedDict([('transposed', base_t.t()), ('sliced', base_t[1:3, 2:5]), ('stepped', base_t[:, ::2]), ('scalar', base_t[2, 3])])
torch.save(views, path('views_float32.pt'))
write_expected('views_float32.pt', 'pytorch', [tensor_entry(k, v.double().numpy(), 'float32') for k, v in views.items()], [])

# A GRU whose state_dict was saved inside a plain dict (torch.save of a dict, not an OrderedDict)
# is in the plain .pth extension too.
sd = GRUModel().double().state_dict()
torch.save(dict(sd), path('gru_dict.pth'))
write_expected('gru_dict.pth', 'pytorch', all_tensor_entries(sd), [pytorch_modules_of(sd, 'gru', 'gru', 1, False, 4, 3, 'float64', reset_after=True)])

# ---------------------------------------------------------------- refused PyTorch files
torch.save(Classifier().state_dict(), path('legacy.pt'), _use_new_zipfile_serialization=False)
torch.save(Classifier(), path('whole_model.pt'))


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


# a state_dict zip whose data.pkl references os.system: take a real file and replace data.pkl
good = path('rnn_float32.pt')
with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path('evil_os_system.pt'), 'w') as zout:
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename.endswith('/data.pkl'):
            data = pickle.dumps(collections.OrderedDict([('rnn.weight_ih_l0', Evil())]), protocol=2)
        zout.writestr(info, data)

# ---------------------------------------------------------------- NumPy .npy (spec inputs) and Keras-named .npz
x = rng.standard_normal((5, 3))
np.save(path('inputs_f8.npy'), x)
np.save(path('inputs_f4.npy'), x.astype(np.float32))
np.save(path('inputs_f2.npy'), x.astype(np.float16))
np.save(path('inputs_fortran.npy'), np.asfortranarray(x))
np.save(path('inputs_be.npy'), x.astype('>f8'))
for n, a, dt in (('inputs_f8.npy', x, 'float64'), ('inputs_f4.npy', x.astype(np.float32), 'float32'),
                 ('inputs_f2.npy', x.astype(np.float16), 'float16'), ('inputs_fortran.npy', x, 'float64'), ('inputs_be.npy', x, 'float64')):
    write_expected(n, 'npy', [tensor_entry('', a, dt)], [])
with open(path('inputs.csv'), 'w') as f:
    f.write('# x_1 x_2 x_3\n' + '\n'.join(','.join(repr(float(v)) for v in row) for row in x) + '\n')
write_expected('inputs.csv', 'csv', [tensor_entry('', x, 'float64')], [])


# ---------------------------------------------------------------- Keras layouts (by hand)
def reorder_rows(w, order, H):
    """Blocks of H rows of w, taken in `order` (indices into w's blocks)."""
    return np.concatenate([w[i * H:(i + 1) * H] for i in order], axis=0)


def keras_from_torch(cell, sd, H, reset_after=True):
    """PyTorch layout -> Keras kernel (I, G*H), recurrent_kernel (H, G*H), bias. Keras gate orders:
    LSTM i,f,c,o (= PyTorch i,f,g,o), GRU z,r,h (PyTorch r,z,n -> blocks 1,0,2)."""
    order = {'lstm': [0, 1, 2, 3], 'gru': [1, 0, 2], 'rnn': [0]}[cell]
    w_ih = reorder_rows(sd['weight_ih_l0'].double().numpy(), order, H)
    w_hh = reorder_rows(sd['weight_hh_l0'].double().numpy(), order, H)
    b_ih = reorder_rows(sd['bias_ih_l0'].double().numpy(), order, H)
    b_hh = reorder_rows(sd['bias_hh_l0'].double().numpy(), order, H)
    if cell == 'gru' and reset_after:
        bias = np.stack([b_ih, b_hh])
    else:
        bias = b_ih  # one bias: PyTorch's bias_hh is then zero
    return w_ih.T.copy(), w_hh.T.copy(), bias


def keras_modules(cell, name, sd, H, I, reset_after):
    mapped = {}
    for key in ('weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'):
        t = sd[key].double().numpy()
        if key == 'bias_hh_l0' and not (cell == 'gru' and reset_after):
            t = np.zeros_like(t)
        mapped[key] = {'shape': list(t.shape), 'data': flat(t)}
    m = {'prefix': name, 'cell': cell, 'numLayers': 1, 'bidirectional': False, 'hiddenSize': H, 'inputSize': I,
         'dtype': 'float32', 'convention': 'keras', 'mapped': mapped}
    if cell == 'gru':
        m['resetAfter'] = reset_after
    return m


def keras_layer_config(cls, name, H, reset_after):
    cfg = {'name': name, 'trainable': True, 'dtype': 'float32', 'return_sequences': False, 'return_state': False,
           'go_backwards': False, 'stateful': False, 'unroll': False, 'units': H, 'activation': 'tanh',
           'use_bias': True, 'dropout': 0.0, 'recurrent_dropout': 0.0}
    if cls != 'SimpleRNN':
        cfg['recurrent_activation'] = 'sigmoid'
    if cls == 'LSTM':
        cfg['unit_forget_bias'] = True
    if cls == 'GRU':
        cfg['reset_after'] = reset_after
    return {'module': 'keras.layers', 'class_name': cls, 'config': cfg}


def write_keras(base, cls, cell, torch_mod, H, I, reset_after=True, recurrent_activation='sigmoid', with_weights=True):
    import h5py
    torch_mod = torch_mod.float()
    sd = torch_mod.state_dict()
    # Keras stores float32; the expected values are these float32 numbers in float64
    kernel, rec, bias = keras_from_torch(cell, sd, H, reset_after)
    kernel, rec, bias = kernel.astype(np.float32), rec.astype(np.float32), bias.astype(np.float32)
    name = cls.lower()
    layer = keras_layer_config(cls, name, H, reset_after)
    if recurrent_activation != 'sigmoid':
        layer['config']['recurrent_activation'] = recurrent_activation
    model_config = {'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': [
        {'class_name': 'InputLayer', 'config': {'batch_input_shape': [None, None, I], 'dtype': 'float32', 'name': 'input_1'}}, layer]}}
    cell_name = {'LSTM': 'lstm_cell', 'GRU': 'gru_cell', 'SimpleRNN': 'simple_rnn_cell'}[cls]
    tensors = []
    # Keras 2 .h5 (model.save('m.h5')): weight names 'lstm/lstm_cell/kernel:0' under model_weights/lstm
    fn = f'{base}.h5'
    with h5py.File(path(fn), 'w') as f:
        f.attrs['keras_version'] = '2.11.0'
        f.attrs['backend'] = 'tensorflow'
        f.attrs['model_config'] = json.dumps(model_config)
        mw = f.create_group('model_weights')
        mw.attrs['layer_names'] = np.array([b'input_1', name.encode()])
        mw.attrs['backend'] = 'tensorflow'
        mw.attrs['keras_version'] = '2.11.0'
        mw.create_group('input_1').attrs['weight_names'] = np.array([], dtype='S1')
        g = mw.create_group(name)
        if with_weights:
            wn = [f'{name}/{cell_name}/{w}:0' for w in ('kernel', 'recurrent_kernel', 'bias')]
            g.attrs['weight_names'] = np.array([w.encode() for w in wn])
            for w, a in zip(wn, (kernel, rec, bias)):
                g.create_dataset(w, data=a)
                tensors.append(tensor_entry(w, a, 'float32'))
        else:
            g.attrs['weight_names'] = np.array([], dtype='S1')
    mods = [keras_modules(cell, name, sd, H, I, reset_after)] if with_weights else []
    refused = 'recurrent_activation' if recurrent_activation != 'sigmoid' else None
    write_expected(fn, 'keras', tensors, mods, refused=refused)
    # Keras 3 .keras: zip of config.json, metadata.json, model.weights.h5 (layers/<name>/cell/vars/0..2)
    fn = f'{base}.keras'
    buf = io.BytesIO()
    with h5py.File(buf, 'w') as f:
        v = f.create_group('layers').create_group(name).create_group('cell').create_group('vars')
        tensors = []
        if with_weights:
            for i, a in enumerate((kernel, rec, bias)):
                v.create_dataset(str(i), data=a)
                tensors.append(tensor_entry(f'layers/{name}/cell/vars/{i}', a, 'float32'))
    config = {'module': 'keras', 'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': [
        {'module': 'keras.layers', 'class_name': 'InputLayer', 'config': {'batch_shape': [None, None, I], 'dtype': 'float32', 'name': 'input_layer'}}, layer]}}
    with zipfile.ZipFile(path(fn), 'w', compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr('metadata.json', json.dumps({'keras_version': '3.3.3', 'date_saved': '2024-05-01@00:00:00'}))
        z.writestr('config.json', json.dumps(config))
        if with_weights:
            z.writestr('model.weights.h5', buf.getvalue())
    write_expected(fn, 'keras', tensors, mods, refused=refused)


write_keras('keras_lstm', 'LSTM', 'lstm', nn.LSTM(3, 4), 4, 3)

# an .npz of Keras-named arrays (layer.weights saved with np.savez, no config): lstm/kernel, …
m = nn.GRU(3, 4).float()
sd = m.state_dict()
kernel, rec, bias = keras_from_torch('gru', sd, 4, reset_after=True)
arrays = {'gru/kernel': kernel.astype(np.float32), 'gru/recurrent_kernel': rec.astype(np.float32), 'gru/bias': bias.astype(np.float32)}
np.savez(path('keras_names_gru.npz'), **arrays)
write_expected('keras_names_gru.npz', 'npz', [tensor_entry(k, v, 'float32') for k, v in arrays.items()], [keras_modules('gru', 'gru', sd, 4, 3, True)])
write_keras('keras_gru', 'GRU', 'gru', nn.GRU(3, 4), 4, 3, reset_after=True)
write_keras('keras_gru_v1', 'GRU', 'gru', nn.GRU(3, 4), 4, 3, reset_after=False)
write_keras('keras_rnn', 'SimpleRNN', 'rnn', nn.RNN(2, 3), 3, 2)
write_keras('keras_hard_sigmoid', 'LSTM', 'lstm', nn.LSTM(3, 4), 4, 3, recurrent_activation='hard_sigmoid')
write_keras('keras_no_weights', 'LSTM', 'lstm', nn.LSTM(3, 4), 4, 3, with_weights=False)

# ---------------------------------------------------------------- ONNX
import onnx
from onnx import helper, numpy_helper, TensorProto


def onnx_tensor_entries(model):
    return [tensor_entry(t.name, numpy_helper.to_array(t), {TensorProto.FLOAT: 'float32', TensorProto.DOUBLE: 'float64', TensorProto.FLOAT16: 'float16'}[t.data_type])
            for t in model.graph.initializer if t.data_type in (TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16)]


def export_onnx(base, module, cell, H, I, L, bidirectional):
    module = module.float().eval()
    x = torch.zeros(5, 1, I)
    fn = path(base + '.onnx')
    torch.onnx.export(module, (x,), fn, opset_version=14, input_names=['x'], do_constant_folding=True)
    model = onnx.load(fn)
    op = {'lstm': 'LSTM', 'gru': 'GRU', 'rnn': 'RNN'}[cell]
    nodes = [n for n in model.graph.node if n.op_type == op]
    assert len(nodes) == L, [n.op_type for n in model.graph.node]
    inits = {t.name for t in model.graph.initializer}
    for t in model.graph.initializer:
        assert t.HasField('raw_data') and len(t.float_data) == 0, t.name  # torch writes raw_data
    sd = module.state_dict()
    mods = []
    for k, n in enumerate(nodes):
        assert n.name, 'torch names its nodes'
        for inp in list(n.input)[1:4]:
            assert inp == '' or inp in inits, f'{inp} is not an initializer'
        # node k is layer k of the PyTorch module: its weights, renamed to layer 0
        single = {}
        for suffix in ([''] + (['_reverse'] if bidirectional else [])):
            for w in ('weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'):
                single[f'{w}_l0{suffix}'] = sd[f'{w}_l{k}{suffix}']
        I_k = I if k == 0 else H * (2 if bidirectional else 1)
        m = pytorch_modules_of(single, '', cell, 1, bidirectional, H, I_k, 'float32', 'onnx', True if cell == 'gru' else None)
        m['prefix'] = n.name
        mods.append(m)
    write_expected(base + '.onnx', 'onnx', onnx_tensor_entries(model), mods)
    return model, mods


lstm_onnx, lstm_onnx_mods = export_onnx('onnx_lstm2bi', nn.LSTM(3, 4, num_layers=2, bidirectional=True), 'lstm', 4, 3, 2, True)
export_onnx('onnx_gru', nn.GRU(3, 4), 'gru', 4, 3, 1, False)
export_onnx('onnx_rnn', nn.RNN(2, 3), 'rnn', 3, 2, 1, False)

# the same LSTM with typed float_data fields (as other exporters write), and a float64 copy in double_data
typed = onnx.ModelProto()
typed.CopyFrom(lstm_onnx)
for t in typed.graph.initializer:
    if t.data_type == TensorProto.FLOAT:
        a = numpy_helper.to_array(t)
        t.ClearField('raw_data')
        t.float_data.extend(a.reshape(-1).tolist())
onnx.save(typed, path('onnx_lstm2bi_float_data.onnx'))
write_expected('onnx_lstm2bi_float_data.onnx', 'onnx', onnx_tensor_entries(typed), lstm_onnx_mods)
dbl = onnx.ModelProto()
dbl.CopyFrom(lstm_onnx)
for t in dbl.graph.initializer:
    if t.data_type == TensorProto.FLOAT:
        a = numpy_helper.to_array(t).astype(np.float64)
        t.ClearField('raw_data')
        t.data_type = TensorProto.DOUBLE
        t.double_data.extend(a.reshape(-1).tolist())
onnx.save(dbl, path('onnx_lstm2bi_double_data.onnx'))
dbl_mods = json.loads(json.dumps(lstm_onnx_mods))
for m in dbl_mods:
    m['dtype'] = 'float64'
write_expected('onnx_lstm2bi_double_data.onnx', 'onnx', onnx_tensor_entries(dbl), dbl_mods)


def onnx_by_hand(fn, op, H, I, gates, attrs, with_p=False, directions=1, refused=None):
    """A one-node ONNX graph written with the onnx helper API (what other exporters write): W [D,G*H,I],
    R [D,G*H,H], B [D,2*G*H] in ONNX gate order, and P [D,3H] (i,o,f) for a peephole LSTM. The
    expected PyTorch-layout tensors are reordered by hand here."""
    D = directions
    W = rng.standard_normal((D, gates * H, I)).astype(np.float32)
    R = rng.standard_normal((D, gates * H, H)).astype(np.float32)
    B = rng.standard_normal((D, 2 * gates * H)).astype(np.float32)
    inits = [numpy_helper.from_array(W, 'W'), numpy_helper.from_array(R, 'R'), numpy_helper.from_array(B, 'B')]
    inputs = ['X', 'W', 'R', 'B']
    if with_p:
        P = rng.standard_normal((D, 3 * H)).astype(np.float32)
        inits.append(numpy_helper.from_array(P, 'P'))
        inputs += ['', '', '', 'P']
    node = helper.make_node(op, inputs, ['Y'], name='rnn_node', hidden_size=H, **attrs)
    graph = helper.make_graph([node], 'g', [helper.make_tensor_value_info('X', TensorProto.FLOAT, [5, 1, I])],
                              [helper.make_tensor_value_info('Y', TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 14)])
    onnx.save(model, path(fn))
    # ONNX -> PyTorch: LSTM i,o,f,c -> i,f,g,o is blocks [0,2,3,1]; GRU z,r,h -> r,z,n is [1,0,2]
    order = {'LSTM': [0, 2, 3, 1], 'GRU': [1, 0, 2], 'RNN': [0]}[op]
    mapped = {}
    for d in range(D):
        s = '_reverse' if d == 1 else ''
        for key, a in (('weight_ih', W[d]), ('weight_hh', R[d]), ('bias_ih', B[d][:gates * H]), ('bias_hh', B[d][gates * H:])):
            t = reorder_rows(a.astype(np.float64), order, H)
            mapped[f'{key}_l0{s}'] = {'shape': list(t.shape), 'data': flat(t)}
        if with_p:
            p = P[d].astype(np.float64)
            for j, g in enumerate(('i', 'o', 'f')):
                mapped[f'p_{g}_l0{s}'] = {'shape': [H], 'data': flat(p[j * H:(j + 1) * H])}
    cell = {'LSTM': 'lstm_peephole' if with_p else 'lstm', 'GRU': 'gru', 'RNN': 'rnn'}[op]
    m = {'prefix': 'rnn_node', 'cell': cell, 'numLayers': 1, 'bidirectional': D == 2, 'hiddenSize': H, 'inputSize': I,
         'dtype': 'float32', 'convention': 'onnx', 'mapped': mapped}
    if op == 'GRU':
        m['resetAfter'] = attrs.get('linear_before_reset', 0) == 1
    write_expected(fn, 'onnx', onnx_tensor_entries(model), [m], refused=refused)


onnx_by_hand('onnx_lstm_peephole.onnx', 'LSTM', 3, 2, 4, {'direction': 'bidirectional'}, with_p=True, directions=2)
onnx_by_hand('onnx_gru_lbr0.onnx', 'GRU', 3, 2, 3, {'linear_before_reset': 0})
onnx_by_hand('onnx_lstm_reverse.onnx', 'LSTM', 3, 2, 4, {'direction': 'reverse'}, refused='direction')  # one reverse direction only
onnx_by_hand('onnx_lstm_clip.onnx', 'LSTM', 3, 2, 4, {'clip': 3.0}, refused='clip')
onnx_by_hand('onnx_lstm_input_forget.onnx', 'LSTM', 3, 2, 4, {'input_forget': 1}, refused='input_forget')
onnx_by_hand('onnx_lstm_relu.onnx', 'LSTM', 3, 2, 4, {'activations': ['Sigmoid', 'Relu', 'Tanh']}, refused='activations')
# no recurrent node at all
relu = helper.make_model(helper.make_graph([helper.make_node('Relu', ['X'], ['Y'], name='relu')], 'g',
                                           [helper.make_tensor_value_info('X', TensorProto.FLOAT, [2])],
                                           [helper.make_tensor_value_info('Y', TensorProto.FLOAT, [2])]))
onnx.save(relu, path('onnx_no_rnn.onnx'))

# ---------------------------------------------------------------- a projected LSTM (refused: proj_size)
sd = nn.LSTM(3, 4, proj_size=2).state_dict()
torch.save(sd, path('lstm_proj.pt'))
write_expected('lstm_proj.pt', 'pytorch', all_tensor_entries(sd), [], refused='weight_hr_l0')
# Parameters rather than tensors (state_dict(keep_vars=True)): pickled through torch._utils._rebuild_parameter
sd = RNNModel().double().state_dict(keep_vars=True)
torch.save(sd, path('rnn_parameters.pt'))
write_expected('rnn_parameters.pt', 'pytorch', all_tensor_entries(sd), [pytorch_modules_of(sd, 'rnn', 'rnn', 1, False, 3, 2, 'float64')])
print('wrote', len(os.listdir(OUT)), 'files to', os.path.normpath(OUT))
