"""PyTorch's implementation of one bench workload; prints one JSON line shaped like peer.js's.

Spawned by apps/bench (src/peers/pytorch.ts), which passes everything about the workload as one
JSON argument built from describeWorkload and sizes, so nothing about it is restated here:
  {"workload": "W3", "info": {"title", "work", "unit"}, "sizes": {...}, "runs": 9, "warmup": 2,
   "threads": 2}
"""

import json
import resource
import sys
import time

import torch
import torch.nn.functional as F

torch.manual_seed(0)


def prepare(workload, s):
    """Returns one call of the workload, built the way PyTorch's documentation shows."""
    if workload in ("W1", "W2"):
        x = torch.rand(s["dropout"])
        if workload == "W1":
            return lambda: F.dropout(x, 0.5, training=True)
        x.requires_grad_(True)

        def w2():
            x.grad = None
            F.dropout(x, 0.5, training=True).sum().backward()

        return w2
    if workload == "W4":
        n = s["matmul"]
        a, b = torch.rand(n, n), torch.rand(n, n)
        return lambda: a @ b
    if workload in ("W7", "W8"):
        c = s["conv"]
        x = torch.rand(c["batch"], c["channels"], c["size"], c["size"])
        w = torch.empty(c["filters"], c["channels"], 3, 3).uniform_(-0.1, 0.1)
        if workload == "W8":
            return lambda: F.conv2d(x, w, padding=1)
        x.requires_grad_(True)
        w.requires_grad_(True)

        def w7():
            x.grad = None
            w.grad = None
            F.conv2d(x, w, padding=1).sum().backward()

        return w7
    h = s["hidden"]
    net = torch.nn.Sequential(
        torch.nn.Dropout(0.2),
        torch.nn.Linear(784, h),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.5),
        torch.nn.Linear(h, h),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.5),
        torch.nn.Linear(h, 10),
    )
    if workload == "W3":
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        x = torch.rand(s["batch"], 784)
        y = torch.randint(0, 10, (s["batch"],))

        def w3():
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()

        return w3
    net.eval()
    x = torch.rand(s["inferBatch"], 784)

    def w5():
        with torch.no_grad():
            net(x)

    return w5


def measure(fn, runs, warmup):
    """measure.ts's statistics: warm-up calls, then the median, min and max of `runs` timed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    mid = runs // 2
    median = times[mid] if runs % 2 else (times[mid - 1] + times[mid]) / 2
    return {"runs": runs, "medianMs": median, "minMs": times[0], "maxMs": times[-1]}


def main():
    spec = json.loads(sys.argv[1])
    # The caller's thread count (the other peers' two cores); it sets OMP_NUM_THREADS to match.
    torch.set_num_threads(spec["threads"])
    info = spec["info"]
    timing = measure(prepare(spec["workload"], spec["sizes"]), spec["runs"], spec["warmup"])
    print(
        json.dumps(
            {
                "peer": "pytorch",
                "workload": spec["workload"],
                "title": info["title"],
                "unit": info["unit"],
                "work": info["work"],
                "timing": timing,
                "throughput": info["work"] / (timing["medianMs"] / 1000),
                # ru_maxrss is in KiB on Linux, as Node's resourceUsage().maxRSS.
                "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
