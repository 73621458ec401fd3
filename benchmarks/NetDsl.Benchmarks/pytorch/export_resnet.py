#!/usr/bin/env python3
"""Exports the residual benchmark network (train_seed.py's `resnet_model`: a stem and three stages of two basic
blocks with 16, 32 and 64 channels, BatchNormalization everywhere) to ONNX, for the comparison of inference with
ONNX Runtime (`NetDsl.Benchmarks compare`, the residual network rows). Random weights (seed 0) and random moving
statistics; exported in inference mode (ONNX Runtime folds BatchNormalization into the convolutions, as NetDsl
does).

    /usr/bin/python3 export_resnet.py [output path]   # default: ../models/resnet-cifar-nchw.onnx
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_seed import resnet_model  # noqa: E402


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "models", "resnet-cifar-nchw.onnx")
    torch.manual_seed(0)
    model = resnet_model()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
    model.eval()
    torch.onnx.export(
        model, torch.rand(1, 3, 32, 32), path, input_names=["x"], output_names=["y"],
        dynamic_axes={"x": {0: "n"}, "y": {0: "n"}}, opset_version=13, do_constant_folding=True)
    print(f"wrote {os.path.normpath(path)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
