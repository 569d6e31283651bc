"""Fixtures for the Winograd conv paths (tests/conv-winograd.test.ts).

Run with Debian's torch: /usr/bin/python3 tests/gen/winograd_fixtures.py
Writes tests/fixtures/conv/winograd.json: stride-1 3x3 conv2d cases (odd and tiny images, C = 1,
O = 1, asymmetric / zero / wide padding, batch 2, with and without bias, channel-transposed input)
and the strided / larger kernels the phase decomposition takes (7x7 and 8x8 stride 2, 5x5 and 6x5
stride 2, 4x4 stride 1, a 3x3 stride-2 one only forced modes take)
with inputs rounded to 4 decimals and the output computed by PyTorch in float64 from exactly those
float32 values. Weights are scaled like a trained net's (std ~ 1/sqrt(9 C)) so outputs are O(1).

It also prints the f32 error of the two transforms' point sets (derivation check used to pick the
F(4x4,3x3) points in simd/winograd.ts).
"""
import json
import os
from fractions import Fraction as Fr

import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'conv')
os.makedirs(OUT, exist_ok=True)


def rnd(t):
    return torch.round(t * 1e4) / 1e4


def T(t):
    t = t.detach()
    return {'shape': list(t.shape), 'data': [round(v, 7) for v in t.flatten().tolist()]}


# (name, N, C, H, W, O, padding, bias, transposed input[, kernel (kh, kw), stride])
SPECS = [
    ('7x7 batch 2 bias', 2, 8, 7, 7, 16, 1, True, False),
    ('13x13', 1, 16, 13, 13, 8, 1, True, False),
    ('1x1 image', 2, 3, 1, 1, 4, 1, True, False),
    ('2x5 image', 1, 4, 2, 5, 3, 1, False, False),
    ('C=1 O=1', 1, 1, 6, 9, 1, 1, True, False),
    ('valid padding 14x14', 1, 12, 14, 14, 20, 0, True, False),
    ('padding 2, transposed input', 2, 5, 9, 11, 7, 2, True, True),
    ('padding (1, 2)', 1, 6, 10, 7, 9, (1, 2), True, False),
    ('10x10 C=48 O=36', 1, 48, 10, 10, 36, 1, True, False),
    ('4x4 C=32 O=33 no bias', 2, 32, 4, 4, 33, 1, False, False),
    ('3x3 image valid', 1, 9, 3, 3, 10, 0, True, False),
    ('7x7 stride 2 stem-like 32x32', 1, 3, 32, 32, 16, 3, True, False, (7, 7), 2),
    ('7x7 stride 2 odd 17x19 batch 2', 2, 3, 17, 19, 8, 3, True, True, (7, 7), 2),
    ('8x8 stride 2', 1, 4, 12, 12, 6, 3, False, False, (8, 8), 2),
    ('5x5 stride 2', 1, 5, 15, 14, 6, 2, True, False, (5, 5), 2),
    ('6x5 stride 2 padding (1, 2)', 1, 6, 11, 13, 7, (1, 2), True, False, (6, 5), 2),
    ('4x4 stride 1', 1, 4, 10, 9, 5, 1, True, False, (4, 4), 1),
    ('3x3 stride 2', 1, 8, 12, 11, 9, 1, True, False, (3, 3), 2),
]

cases = []
for name, N, C, H, W, O, pad, bias, tr, *ks in SPECS:
    (kh, kw), stride = ks if ks else ((3, 3), 1)
    x = rnd(torch.randn(N, C, W, H) if tr else torch.randn(N, C, H, W))
    w = rnd(torch.randn(O, C, kh, kw) / ((kh * kw * C) ** 0.5))
    b = rnd(torch.randn(O)) if bias else None
    xin = x.transpose(2, 3) if tr else x
    y = F.conv2d(xin.double(), w.double(), b.double() if b is not None else None, padding=pad, stride=stride)
    cases.append({
        'name': name, 'x': T(x), 'w': T(w), 'b': T(b) if b is not None else None,
        'padding': list(pad) if isinstance(pad, tuple) else pad, 'stride': stride, 'transposeInput': tr, 'out': T(y),
    })

with open(os.path.join(OUT, 'winograd.json'), 'w') as f:
    json.dump({'cases': cases}, f, separators=(',', ':'))
print('wrote', len(cases), 'cases')


# ---- point-set check: F(m, r) Toom-Cook matrices from the points, f32 error of channel sums ----
def mats(pts, m, r=3):
    n = m + r - 1

    def poly(roots):
        c = [Fr(1)]
        for q in roots:
            c2 = [Fr(0)] * (len(c) + 1)
            for i, a in enumerate(c):
                c2[i + 1] += a
                c2[i] -= q * a
            c = c2
        return c

    AT = [[p ** i for p in pts] + [Fr(1 if i == m - 1 else 0)] for i in range(m)]
    G = []
    for p in pts:
        d = Fr(1)
        for q in pts:
            if q != p:
                d *= p - q
        G.append([p ** j / d for j in range(r)])
    G.append([Fr(0)] * (r - 1) + [Fr(1)])
    BT = []
    for p in pts:
        c = poly([q for q in pts if q != p])
        BT.append(c + [Fr(0)] * (n - len(c)))
    c = poly(pts)
    BT.append(c + [Fr(0)] * (n - len(c)))
    return [torch.tensor([[float(v) for v in r] for r in M], dtype=torch.float64) for M in (AT, G, BT)]


torch.manual_seed(1)
d = torch.randn(64, 256, 6, 6, dtype=torch.float64)
g = torch.randn(64, 256, 3, 3, dtype=torch.float64)
for pts, m in (([0, 1, -1, 2, -2], 4), ([0, 1, -1, Fr(1, 2), Fr(-1, 2)], 4), ([0, 1, -1], 2)):
    AT, G, BT = mats([Fr(p) for p in pts], m)
    dm = d[:, :, :m + 2, :m + 2]
    ref = torch.stack([torch.stack([(dm[:, :, i:i + 3, j:j + 3] * g).sum((1, 2, 3)) for j in range(m)], -1) for i in range(m)], -2)
    f = lambda M: M.float()
    Y = f(AT) @ ((f(G) @ g.float() @ f(G).T) * (f(BT) @ dm.float() @ f(BT).T)).sum(1) @ f(AT).T
    e = (Y.double() - ref).abs()
    print('F(%d,3) points %s: f32 error max %.2e rms %.2e (output rms %.1f)' % (m, [str(p) for p in pts], e.max().item(), e.pow(2).mean().sqrt().item(), ref.pow(2).mean().sqrt().item()))

# F(4x4, 4x4) (the stride-2 7x7 stem as 12 phase channels of 4x4 kernels), input-like magnitudes
d = torch.randn(256, 12, 7, 7, dtype=torch.float64) * 1.5
g = torch.randn(256, 12, 4, 4, dtype=torch.float64) * 0.1
ref = torch.stack([torch.stack([(d[:, :, i:i + 4, j:j + 4] * g).sum((1, 2, 3)) for j in range(4)], -1) for i in range(4)], -2)
for pts in ([0, 1, -1, 2, -2, Fr(1, 2)], [0, 1, -1, Fr(1, 2), Fr(-1, 2), 2]):
    AT, G, BT = mats([Fr(p) for p in pts], 4, 4)
    f = lambda M: M.float()
    Y = f(AT) @ ((f(G) @ g.float() @ f(G).T) * (f(BT) @ d.float() @ f(BT).T)).sum(1) @ f(AT).T
    e = (Y.double() - ref).abs()
    print('F(4,4) points %s: f32 error max %.2e rms %.2e (output rms %.2f)' % ([str(p) for p in pts], e.max().item(), e.pow(2).mean().sqrt().item(), ref.pow(2).mean().sqrt().item()))
