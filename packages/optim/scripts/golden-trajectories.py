#!/usr/bin/env python3
"""Golden trajectories of PyTorch's optimizers and learning-rate schedules, for optimizers.test.ts
and schedules.test.ts (src/__fixtures__/*.json). The tests only read the JSON: they never need
PyTorch.

Run from the repository root, with Debian's PyTorch (apt-get install -y python3-torch):

    /usr/bin/python3 packages/optim/scripts/golden-trajectories.py
    npx biome format --write packages/optim/src/__fixtures__

Generated with torch 1.13.0a0 (Debian 12's python3-torch), CPU, one thread, float32, the
single-tensor (foreach=False) code path. The output is deterministic: the same torch gives the same
bytes.

Every case starts from fixed float32 parameters and feeds a fixed sequence of float32 gradients
(no loss, so the trajectory depends on the optimizer alone; a `null` gradient means that parameter
has no gradient on that step and is skipped, as PyTorch skips `grad is None`). It records the
parameters after every step and, with a schedule, the learning rate each step used (that of the
first parameter group). Options are written with Lacuna's names; TORCH_NAMES maps them to PyTorch's keywords.
Hyper-parameters are chosen so that every term moves the result well past float32 rounding (a
large eps, large weight decays, gradients that shrink so amsgrad's maximum matters).

Float32 values are written in their shortest round-trip form (Math.fround of the JSON number is
the exact float32); learning rates are float64 as PyTorch computes them.
"""
import json
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)
OUT = Path(__file__).resolve().parent.parent / "src" / "__fixtures__"
STEPS = 16

TORCH_NAMES = {
    "lr": "lr",
    "momentum": "momentum",
    "dampening": "dampening",
    "weightDecay": "weight_decay",
    "nesterov": "nesterov",
    "betas": "betas",
    "eps": "eps",
    "amsgrad": "amsgrad",
    "alpha": "alpha",
    "centered": "centered",
    "lrDecay": "lr_decay",
    "initialAccumulatorValue": "initial_accumulator_value",
}
OPTIMIZERS = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad,
}


def f32(values):
    """Float32 values as Python floats whose repr is the shortest float32 round-trip string."""
    return [float(repr(np.float32(v))) for v in np.asarray(values, dtype=np.float32).ravel()]


def torch_options(options):
    return {TORCH_NAMES[k]: (tuple(v) if k == "betas" else v) for k, v in options.items()}


INITIAL = [[0.5, -1.25, 2.0], [0.75, -0.3]]


def gradients(seed, missing=()):
    """STEPS steps of float32 gradients for the INITIAL shapes; they shrink over time (×0.8 a step)
    with a sign-changing, seeded spread. `missing` lists (step, param) pairs left without one."""
    gen = torch.Generator().manual_seed(seed)
    steps = []
    for t in range(STEPS):
        scale = 2.0 * 0.8**t
        steps.append(
            [
                None if (t, i) in missing else f32(torch.randn(len(p), generator=gen) * scale)
                for i, p in enumerate(INITIAL)
            ]
        )
    return steps


def run(optimizer, options, grads, groups=None, schedule=None):
    params = [torch.tensor(p, dtype=torch.float32, requires_grad=True) for p in INITIAL]
    if groups is None:
        spec = params
    else:
        spec = [{"params": [params[i] for i in g["params"]], **torch_options(g["options"])} for g in groups]
    opt = OPTIMIZERS[optimizer](spec, foreach=False, **torch_options(options))
    sched = make_schedule(opt, schedule) if schedule else None
    trajectory, lrs = [], []
    for step in grads:
        lrs.append(opt.param_groups[0]["lr"])
        for p, g in zip(params, step):
            p.grad = None if g is None else torch.tensor(g, dtype=torch.float32)
        opt.step()
        if sched:
            sched.step()
        trajectory.append([f32(p.detach()) for p in params])
    return trajectory, lrs


def make_schedule(opt, schedule):
    kind, o = schedule["kind"], schedule["options"]
    s = torch.optim.lr_scheduler
    if kind == "StepLR":
        return s.StepLR(opt, step_size=o["stepSize"], gamma=o["gamma"])
    if kind == "MultiStepLR":
        return s.MultiStepLR(opt, milestones=o["milestones"], gamma=o["gamma"])
    if kind == "ExponentialLR":
        return s.ExponentialLR(opt, gamma=o["gamma"])
    if kind == "CosineAnnealingLR":
        return s.CosineAnnealingLR(opt, T_max=o["tMax"], eta_min=o["etaMin"])
    if kind == "LinearWarmup":
        # PyTorch's LinearLR with end_factor 1 (its start_factor must be > 0; Lacuna allows 0).
        return s.LinearLR(opt, start_factor=o["startFactor"], end_factor=1.0, total_iters=o["warmupSteps"])
    if kind == "OneCycleLR":
        # Lacuna's OneCycleLR schedules only the lr: no momentum cycling.
        return s.OneCycleLR(
            opt,
            max_lr=o["maxLr"],
            total_steps=o["totalSteps"],
            pct_start=o["pctStart"],
            div_factor=o["divFactor"],
            final_div_factor=o["finalDivFactor"],
            anneal_strategy="cos",
            cycle_momentum=False,
            three_phase=False,
        )
    raise ValueError(kind)


def optimizer_case(name, optimizer, options, seed, groups=None, missing=()):
    grads = gradients(seed, missing)
    trajectory, _ = run(optimizer, options, grads, groups)
    case = {"name": name, "optimizer": optimizer, "options": options}
    if groups is not None:
        case["groups"] = groups
    return {**case, "initial": [f32(p) for p in INITIAL], "grads": grads, "trajectory": trajectory}


def schedule_case(name, schedule, seed, steps=STEPS, options=None):
    options = options or {"lr": 0.1, "momentum": 0.9}
    grads = gradients(seed)[:steps]
    trajectory, lrs = run("SGD", options, grads, schedule=schedule)
    return {
        "name": name,
        "optimizer": "SGD",
        "options": options,
        "schedule": schedule,
        "initial": [f32(p) for p in INITIAL],
        "grads": grads,
        "lrs": lrs,
        "trajectory": trajectory,
    }


def optimizer_cases():
    return [
        optimizer_case("SGD plain", "SGD", {"lr": 0.1}, 1),
        optimizer_case("SGD momentum", "SGD", {"lr": 0.1, "momentum": 0.9}, 2),
        optimizer_case(
            "SGD momentum, dampening, weight decay",
            "SGD",
            {"lr": 0.05, "momentum": 0.8, "dampening": 0.5, "weightDecay": 0.3},
            3,
        ),
        optimizer_case(
            "SGD nesterov, weight decay", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 0.2}, 4
        ),
        optimizer_case(
            "SGD two groups, one without a gradient on some steps",
            "SGD",
            {"lr": 0.1, "momentum": 0.9},
            5,
            groups=[{"params": [0], "options": {}}, {"params": [1], "options": {"lr": 0.02, "momentum": 0.5}}],
            missing={(0, 1), (4, 1), (5, 1)},
        ),
        optimizer_case("Adam defaults", "Adam", {"lr": 0.1}, 6),
        optimizer_case(
            "Adam betas, large eps, L2 weight decay",
            "Adam",
            {"lr": 0.05, "betas": [0.8, 0.95], "eps": 0.1, "weightDecay": 0.3},
            7,
        ),
        optimizer_case("Adam amsgrad, weight decay", "Adam", {"lr": 0.1, "amsgrad": True, "weightDecay": 0.1}, 8),
        optimizer_case(
            "Adam, a parameter without a gradient on some steps (its own step count)",
            "Adam",
            {"lr": 0.1},
            9,
            missing={(2, 1), (3, 1), (9, 1)},
        ),
        optimizer_case("AdamW default weight decay", "AdamW", {"lr": 0.1}, 10),
        optimizer_case(
            "AdamW weight decay, amsgrad, betas", "AdamW", {"lr": 0.05, "weightDecay": 0.5, "amsgrad": True, "betas": [0.5, 0.9]}, 11
        ),
        optimizer_case("RMSprop defaults", "RMSprop", {"lr": 0.01}, 12),
        optimizer_case(
            "RMSprop alpha, large eps, weight decay", "RMSprop", {"lr": 0.02, "alpha": 0.9, "eps": 0.1, "weightDecay": 0.2}, 13
        ),
        optimizer_case("RMSprop momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}, 14),
        optimizer_case(
            "RMSprop centered, momentum, weight decay",
            "RMSprop",
            {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weightDecay": 0.1},
            15,
        ),
        optimizer_case("Adagrad defaults", "Adagrad", {"lr": 0.1}, 16),
        optimizer_case(
            "Adagrad lr decay, weight decay, initial accumulator, large eps",
            "Adagrad",
            {"lr": 0.5, "lrDecay": 0.05, "weightDecay": 0.2, "initialAccumulatorValue": 0.5, "eps": 0.1},
            17,
        ),
    ]


def schedule_cases():
    one_cycle = {"maxLr": 0.5, "totalSteps": STEPS, "divFactor": 25, "finalDivFactor": 1e4}
    return [
        schedule_case("StepLR", {"kind": "StepLR", "options": {"stepSize": 3, "gamma": 0.5}}, 21),
        schedule_case("MultiStepLR", {"kind": "MultiStepLR", "options": {"milestones": [2, 5, 9], "gamma": 0.3}}, 22),
        schedule_case("ExponentialLR", {"kind": "ExponentialLR", "options": {"gamma": 0.8}}, 23),
        # Up to tMax only: past it PyTorch's cosine rises again, Lacuna's stays at etaMin (documented).
        schedule_case(
            "CosineAnnealingLR", {"kind": "CosineAnnealingLR", "options": {"tMax": STEPS, "etaMin": 0.01}}, 24
        ),
        schedule_case("LinearWarmup", {"kind": "LinearWarmup", "options": {"warmupSteps": 5, "startFactor": 0.2}}, 25),
        # pctStart·totalSteps = 4, a whole number of steps.
        schedule_case(
            "OneCycleLR, whole warm-up", {"kind": "OneCycleLR", "options": {**one_cycle, "pctStart": 0.25}}, 26
        ),
        # pctStart·totalSteps = 4.8: PyTorch peaks at step 3.8 (between steps), not rounded to 4.
        schedule_case(
            "OneCycleLR, fractional warm-up", {"kind": "OneCycleLR", "options": {**one_cycle, "pctStart": 0.3}}, 27
        ),
        # pctStart·totalSteps = 15.2: the cool-down is shorter than one step and still ends at the floor.
        schedule_case(
            "OneCycleLR, warm-up ends in the last step",
            {"kind": "OneCycleLR", "options": {**one_cycle, "pctStart": 0.95}},
            28,
        ),
    ]


def write(name, cases):
    data = {
        "generatedBy": "packages/optim/scripts/golden-trajectories.py",
        "torch": torch.__version__,
        "cases": cases,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text(json.dumps(data, indent=2, allow_nan=False) + "\n")
    print(f"wrote {OUT / name}: {len(cases)} cases")


write("optimizer-trajectories.json", optimizer_cases())
write("schedule-trajectories.json", schedule_cases())
