#!/usr/bin/env python3
"""Exports the Fashion-MNIST sample's network (BatchNormalization and Dropout) to ONNX, for the comparison of
inference with ONNX Runtime (`NetDsl.Benchmarks compare`, the BatchNormalization row).

Same layers as samples/FashionMnist/FashionNet.netdsl, in PyTorch's NCHW:
Conv2d 32 3x3 same (no bias), BatchNorm, ReLU, MaxPool 2; the same with 64 and 128 filters; Flatten;
Linear 256 (no bias), BatchNorm, ReLU, Dropout 0.5; Linear 10 (logits). Random weights (seed 0) and random
moving statistics, so no BatchNormalization is the identity. Exported in inference mode (Dropout is the
identity, BatchNormalization uses the moving statistics; ONNX Runtime folds it into the convolutions, as
NetDsl does).

    /usr/bin/python3 export_fashion_bn.py [output path]   # default: ../models/fashion-bn-nchw.onnx
"""
import os
import sys

import torch
from torch import nn


def fashion_model() -> nn.Module:
    def block(cin: int, cout: int) -> list:
        return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3), nn.ReLU(), nn.MaxPool2d(2)]

    return nn.Sequential(
        *block(1, 32), *block(32, 64), *block(64, 128),
        nn.Flatten(),
        nn.Linear(128 * 3 * 3, 256, bias=False), nn.BatchNorm1d(256, eps=1e-3), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(256, 10),
    )


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "models", "fashion-bn-nchw.onnx")
    torch.manual_seed(0)
    model = fashion_model()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
    model.eval()
    torch.onnx.export(
        model, torch.rand(1, 1, 28, 28), path, input_names=["x"], output_names=["y"],
        dynamic_axes={"x": {0: "n"}, "y": {0: "n"}}, opset_version=13, do_constant_folding=True)
    print(f"wrote {os.path.normpath(path)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
