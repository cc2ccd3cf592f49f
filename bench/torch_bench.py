"""PyTorch's side of the benchmark (bench/torch.ts runs this with /usr/bin/python3).

Reads one JSON request per line on stdin, {"workload", "params", "budget"},
builds that cell's inputs and model (untimed), times it the way bench/measure.ts
does, and answers one JSON line {"ms": [...]} (or {"ms": null} for a cell it
does not know). The first line it writes describes the setup: torch version and
the BLAS libraries actually mapped into the process, so the table can say which
BLAS each column ran on.
"""

import json
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
DT = torch.float64


def blas_libraries():
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = path.rsplit("/", 1)[-1].lower()
            if "blas" in name or "lapack" in name or "mkl" in name:
                libs.add(path)
    return sorted(libs)


def w1(n, float32=0):
    dt = torch.float32 if float32 else DT
    a = torch.randn(n, n, dtype=dt)
    b = torch.randn(n, n, dtype=dt)
    return lambda: a @ b


def w2(batch, input, hidden, classes):
    model = nn.Sequential(
        nn.Linear(input, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
        nn.Linear(hidden, classes),
    ).to(DT)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(batch, input, dtype=DT)
    y = torch.randint(0, classes, (batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def w3(input, hidden, batch, steps):
    def param(*shape):
        return (torch.randn(*shape, dtype=DT) / hidden ** 0.5).requires_grad_()

    w_ih, w_hh, b_ih, b_hh = param(hidden, input), param(hidden, hidden), param(hidden), param(hidden)
    ln = nn.LayerNorm(hidden).to(DT)
    params = [w_ih, w_hh, b_ih, b_hh, *ln.parameters()]
    xs = torch.randn(steps, batch, input, dtype=DT)
    h0 = torch.zeros(batch, hidden, dtype=DT)

    def step():
        for p in params:
            p.grad = None
        h = h0
        for t in range(steps):
            h = torch.tanh(ln(xs[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh))
        (h * h).mean().backward()

    return step


def w4(iters):
    x = torch.randn(1, 8, dtype=DT, requires_grad=True)

    def step():
        x.grad = None
        y = x
        for _ in range(iters):
            y = y * 1.0001 + 0.0001
        y.sum().backward()

    return step


def w5(batch, features):
    bn = nn.BatchNorm1d(features).to(DT).train()
    x = torch.randn(batch, features, dtype=DT, requires_grad=True)
    g = torch.randn(batch, features, dtype=DT)

    def step():
        x.grad = None
        bn.zero_grad(set_to_none=True)
        (bn(x) * g).sum().backward()

    return step


def w6(batch, c1, c2, classes):
    model = nn.Sequential(
        nn.Conv2d(1, c1, 3), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(c2 * 5 * 5, classes),
    ).to(DT)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(batch, 1, 28, 28, dtype=DT)
    y = torch.randint(0, classes, (batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def w7(batch, input, hidden, classes):
    def block(in_f):
        return [nn.Linear(in_f, hidden), nn.BatchNorm1d(hidden), nn.Sigmoid()]

    model = nn.Sequential(*block(input), *block(hidden), *block(hidden), nn.Linear(hidden, classes)).to(DT)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(batch, input, dtype=DT)
    y = torch.randint(0, classes, (batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return step


BUILDERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7}


def time_reps(step, budget):
    start, i = time.perf_counter(), 0
    while i < budget["warmup"] or (time.perf_counter() - start) * 1e3 < budget["warmupMs"]:
        step()
        i += 1
    samples, total = [], 0.0
    while len(samples) < budget["minReps"] or (total < budget["minMs"] and len(samples) < budget["maxReps"]):
        t0 = time.perf_counter()
        step()
        ms = (time.perf_counter() - t0) * 1e3
        samples.append(ms)
        total += ms
    return samples


def main():
    print(json.dumps({"torch": torch.__version__, "blas": blas_libraries(), "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        torch.manual_seed(0)
        build = BUILDERS.get(req["workload"])
        if build is None:
            print(json.dumps({"ms": None}), flush=True)
            continue
        step = build(**req["params"])
        print(json.dumps({"ms": time_reps(step, req["budget"])}), flush=True)


if __name__ == "__main__":
    main()
