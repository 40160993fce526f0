#!/usr/bin/env python3
"""Expected values for the infinite-logit loss tests in src/losses/classification.test.ts.

Run with PyTorch installed (Debian: apt-get install -y python3-torch), then paste the printed
values into the test. The tests themselves never need PyTorch. Computed in float64.
"""
import json

import torch
import torch.nn.functional as F

inf = float("inf")
nan = float("nan")


def case(name, logits, target, **kw):
    z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(z, target, **kw)
    loss.backward()
    return name, loss.item(), z.grad.tolist()


cases = [
    case("wrong class at -inf", [[0.0, -inf, 1.0], [2.0, 0.5, -inf]], torch.tensor([0, 1])),
    case("target class at -inf", [[0.0, -inf, 1.0]], torch.tensor([1])),
    case("smoothing 0.1, wrong class at -inf", [[0.0, -inf, 1.0]], torch.tensor([0]), label_smoothing=0.1),
    case("probability target, 0 mass at -inf", [[0.0, -inf, 1.0]], torch.tensor([[0.25, 0.0, 0.75]], dtype=torch.float64)),
    case("+inf logit", [[inf, 0.0, 1.0]], torch.tensor([0])),
    case("all -inf", [[-inf, -inf]], torch.tensor([0])),
]
lp = torch.tensor([[0.0, -inf, -1.0], [-0.5, -1.0, -inf]], dtype=torch.float64, requires_grad=True)
nll = F.nll_loss(lp, torch.tensor([0, 1]))
nll.backward()
cases.append(("nllLoss, wrong class at -inf", nll.item(), lp.grad.tolist()))
log_softmax = {
    "[0, -inf, 1]": F.log_softmax(torch.tensor([0.0, -inf, 1.0], dtype=torch.float64), 0).tolist(),
    "[+inf, 0]": F.log_softmax(torch.tensor([inf, 0.0], dtype=torch.float64), 0).tolist(),
    "[-inf, -inf]": F.log_softmax(torch.tensor([-inf, -inf], dtype=torch.float64), 0).tolist(),
    "[nan, 0]": F.log_softmax(torch.tensor([nan, 0.0], dtype=torch.float64), 0).tolist(),
}
print(f"torch {torch.__version__}")
for name, loss, grad in cases:
    print(json.dumps({"case": name, "loss": loss, "grad": grad}))
print(json.dumps({"logSoftmax": log_softmax}))
