#!/usr/bin/env python3
"""PyTorch CPU training throughput of NetDsl's benchmark workloads, NCHW: the seed model (the classic Keras MNIST
CNN, `--model seed`, the default) or the residual network for 32x32x3 inputs (`--model resnet`).

Same architectures, batch, optimizer and loss as the NetDsl side of `NetDsl.Benchmarks compare`:
seed: Conv2d 32 3x3 relu, MaxPool 2, Conv2d 64 3x3 relu, MaxPool 2, Conv2d 64 3x3 relu, Flatten,
Linear 64 relu, Linear 10. resnet: a stem (Conv2d 16 3x3, BatchNorm, ReLU) and three stages of two basic
residual blocks (Conv 3x3, BN, ReLU, Conv 3x3, BN, add, ReLU) with 16, 32 and 64 channels, the second and third
stages starting with stride 2 and a 1x1 projection (Conv, BN) on the shortcut; global average pooling; Linear 10
(benchmarks/NetDsl.Benchmarks/Workload/ResNetCifar.netdsl). Adam; CrossEntropyLoss on logits (softmax fused
into the loss, as NetDsl does). One step = zero_grad + forward + loss + backward + optimizer step on a batch of
random pixels in [0, 1) with random labels, cycling through a pool of batches.

Standalone (prints one parseable line, `samples_per_second=<median>`):
    python3 train_seed.py [--threads 2] [--batch 64] [--warmup 3] [--rounds 10] [--steps 50]

Served (used by the C# harness, which alternates NetDsl and PyTorch blocks in one run):
    python3 train_seed.py --serve [--threads 2] [--batch 64]
    prints `ready torch=<version> threads=<n> batch=<n>`, then answers each stdin line
    `run <steps>` with `done seconds=<elapsed>` (time measured here, excluding the pipe) and stops on `quit`.
"""
import argparse
import statistics
import sys
import time

import torch
from torch import nn

POOL = 16  # distinct batches, so the model does not just memorise one batch


def seed_model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(64, 64, 3), nn.ReLU(),
        nn.Flatten(),
        nn.Linear(576, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )


class BasicBlock(nn.Module):
    """ResNet's basic block: conv 3x3, BN, ReLU, conv 3x3, BN, plus the shortcut (a 1x1 conv and BN when the
    shape changes), ReLU."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3))
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout, eps=1e-3))
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.body(x) + self.shortcut(x))


def resnet_model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16, eps=1e-3), nn.ReLU(),
        BasicBlock(16, 16, 1), BasicBlock(16, 16, 1),
        BasicBlock(16, 32, 2), BasicBlock(32, 32, 1),
        BasicBlock(32, 64, 2), BasicBlock(64, 64, 1),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


MODELS = {"seed": (seed_model, (1, 28, 28)), "resnet": (resnet_model, (3, 32, 32))}


class Trainer:
    def __init__(self, batch: int, model: str = "seed"):
        torch.manual_seed(0)
        build, shape = MODELS[model]
        self.model = build().train()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=0.001)
        self.loss = nn.CrossEntropyLoss()
        self.inputs = [torch.rand(batch, *shape) for _ in range(POOL)]
        self.labels = [torch.randint(0, 10, (batch,)) for _ in range(POOL)]
        self.next = 0

    def steps(self, count: int) -> float:
        """Runs `count` training steps; returns the elapsed seconds."""
        start = time.perf_counter()
        for _ in range(count):
            x, y = self.inputs[self.next], self.labels[self.next]
            self.next = (self.next + 1) % POOL
            self.optimizer.zero_grad(set_to_none=True)
            loss = self.loss(self.model(x), y)
            loss.backward()
            self.optimizer.step()
        return time.perf_counter() - start


def serve(trainer: Trainer, args) -> None:
    print(f"ready torch={torch.__version__} threads={torch.get_num_threads()} batch={args.batch} model={args.model}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "run" and len(words) == 2:
            seconds = trainer.steps(int(words[1]))
            print(f"done seconds={seconds!r}", flush=True)
        else:
            print(f"error unknown command: {line.strip()}", flush=True)


def standalone(trainer: Trainer, args) -> None:
    deadline = time.perf_counter() + args.warmup
    while time.perf_counter() < deadline:
        trainer.steps(5)
    rates = [args.steps * args.batch / trainer.steps(args.steps) for _ in range(args.rounds)]
    print(f"# torch {torch.__version__}, {args.model}, {torch.get_num_threads()} threads, batch {args.batch}, "
          f"{args.rounds} rounds of {args.steps} steps, samples/s per round: "
          + ", ".join(f"{r:.0f}" for r in rates))
    print(f"samples_per_second={statistics.median(rates):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up (standalone)")
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds (standalone)")
    parser.add_argument("--steps", type=int, default=50, help="steps per round (standalone)")
    parser.add_argument("--serve", action="store_true", help="answer `run <steps>` lines on stdin")
    parser.add_argument("--model", choices=sorted(MODELS), default="seed")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    trainer = Trainer(args.batch, args.model)
    if args.serve:
        serve(trainer, args)
    else:
        standalone(trainer, args)


if __name__ == "__main__":
    main()
