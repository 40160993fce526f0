#!/usr/bin/env python3
"""Float64 PyTorch gradients of the conv2d -> reshape -> matmul -> logSoftmax -> pick -> sum chain
checked in src/gradcheck.test.ts.

Inputs are float32 values of sin(a*i + b), built the same way in the test, so no data file is
needed. Run with PyTorch installed (Debian: apt-get install -y python3-torch) and paste the printed
values into the test; the test itself never needs PyTorch.
"""
import math

import torch
import torch.nn.functional as F


def wave(shape, a, b):
    n = math.prod(shape)
    values = torch.tensor([math.sin(a * i + b) for i in range(n)], dtype=torch.float32)
    return values.to(torch.float64).reshape(shape).requires_grad_()


x = wave([2, 2, 6, 6], 0.37, 0.1)
w = wave([4, 2, 3, 3], 0.91, 0.5)
w2 = wave([64, 10], 0.53, 0.2)
labels = torch.tensor([[1], [3]])
loss = F.log_softmax(F.conv2d(x, w).reshape(2, -1) @ w2, 1).gather(1, labels).sum()
loss.backward()
print(f"torch {torch.__version__}")
print("loss", repr(loss.item()))
for name, t, index in [("x", x, 11), ("x", x, 42), ("w", w, 7), ("w2", w2, 23)]:
    print(name, index, repr(t.grad.flatten()[index].item()))
