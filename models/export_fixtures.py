#!/usr/bin/env python3
"""Exports the small ONNX fixtures of NetDsl's ONNX importer tests, with PyTorch's outputs for a fixed input.

Each fixture is a tiny CNN with fixed random weights (its own seed), exported by torch.onnx.export with opset 13
(PyTorch 1.13; the `onnx` package is not needed). Next to each `<name>.onnx` goes `<name>.expected.json`:

    {"input": {"shape": [2, C, H, W], "data": [...]}, "output": {"shape": [...], "data": [...]}}

with the input (a fixed random batch of two) and PyTorch's float32 output for it, both flattened row-major in
PyTorch's own layout (NCHW for maps). The tests compare NetDsl's import of each graph with these numbers.

Usage: python3 models/export_fixtures.py [output directory]
(default: tests/NetDsl.Generator.Tests/Onnx next to this repository's models folder)
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class Residual(nn.Module):
    """BatchNormalization after a convolution and after a merge, a residual Add, a channel Concat, and the dynamic
    flatten `x.view(x.size(0), -1)` (Shape, Gather, Unsqueeze, Concat, Reshape)."""

    input_shape = (3, 8, 8)

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv = nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.left = nn.Conv2d(8, 4, 1)
        self.right = nn.Conv2d(8, 6, 3, padding=1)
        self.bn3 = nn.BatchNorm2d(10, eps=1e-3, momentum=0.01)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(10 * 4 * 4, 5)

    def forward(self, x):
        x = F.relu(self.bn1(self.stem(x)))
        y = self.bn2(self.conv(x))
        x = F.relu(x + y)
        x = torch.cat([self.left(x), F.relu(self.right(x))], dim=1)
        x = self.pool(self.bn3(x))
        x = x.view(x.size(0), -1)
        return self.fc(x)


class Decoder(nn.Module):
    """A vector input through a Linear reshaped to an NCHW map (its units reordered for a channels-last Reshape),
    ConvTranspose with Keras's same padding, with output_padding (valid and a crop) and with stride 1, and nearest
    and bilinear Resize."""

    input_shape = (16,)

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4 * 2 * 2)
        self.up1 = nn.ConvTranspose2d(4, 6, 4, stride=2, padding=1)
        self.nearest = nn.Upsample(scale_factor=2, mode="nearest")
        self.bilinear = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.up2 = nn.ConvTranspose2d(6, 5, 3, stride=2, padding=1, output_padding=1)
        self.out = nn.ConvTranspose2d(5, 2, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.fc(x)).view(-1, 4, 2, 2)
        x = F.relu(self.up1(x))
        x = self.bilinear(self.nearest(x))
        x = torch.tanh(self.up2(x))
        return torch.sigmoid(self.out(x))


class Pooling(nn.Module):
    """Padding variants: an even kernel after Keras's asymmetric same padding written out (ZeroPad2d, a Pad node;
    PyTorch 1.13 cannot export padding="same"), ceil_mode max pooling, average pooling that counts
    its padding (zero padding) and one that does not (same), a convolution padded more than same, a dilated one, an
    asymmetric ZeroPad2d (a Pad node), max pooling padded with zeros after a ReLU, and global average pooling."""

    input_shape = (3, 17, 17)

    def __init__(self):
        super().__init__()
        self.same = nn.ZeroPad2d((1, 2, 1, 2))
        self.a = nn.Conv2d(3, 4, 4)
        self.ceil = nn.MaxPool2d(2, ceil_mode=True)
        self.counted = nn.AvgPool2d(3, stride=2, padding=1)
        self.uncounted = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.wide = nn.Conv2d(4, 6, 3, padding=2)
        self.dilated = nn.Conv2d(6, 6, 3, padding=2, dilation=2)
        self.pad = nn.ZeroPad2d((1, 0, 1, 0))
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 5)

    def forward(self, x):
        x = F.relu(self.a(self.same(x)))
        x = self.uncounted(self.counted(self.ceil(x)))
        x = torch.tanh(self.wide(x))
        x = F.relu(self.dilated(x))
        x = self.maxpool(self.pad(x))
        x = torch.flatten(self.gap(x), 1)
        return self.fc(x)


class Depthwise(nn.Module):
    """A depthwise convolution with a depth multiplier of 2 and ReLU6 (Clip), a pointwise one with BatchNorm and
    SiLU (Sigmoid, Mul), a strided depthwise one, LeakyReLU, GELU (PyTorch's Div, Erf, Add, Mul, Mul), global max
    pooling, and a softmax."""

    input_shape = (3, 10, 10)

    def __init__(self):
        super().__init__()
        self.dw1 = nn.Conv2d(3, 6, 3, padding=1, groups=3)
        self.pw = nn.Conv2d(6, 8, 1)
        self.bn = nn.BatchNorm2d(8)
        self.dw2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8)
        self.gmp = nn.AdaptiveMaxPool2d(1)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        x = F.relu6(self.dw1(x))
        x = F.silu(self.bn(self.pw(x)))
        x = F.leaky_relu(self.dw2(x), 0.1)
        x = F.gelu(x)
        x = self.gmp(x).flatten(1)
        return F.softmax(self.fc(x), dim=1)


class ChannelsLast(nn.Module):
    """An NHWC input, as tf2onnx exports: a Transpose to NCHW before the convolution and back to NHWC before the
    flatten (so the features come in NetDsl's order)."""

    input_shape = (6, 6, 2)

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3)
        self.fc = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        x = F.elu(self.conv(x.permute(0, 3, 1, 2)))
        x = x.permute(0, 2, 3, 1).reshape(x.size(0), -1)
        return torch.tanh(self.fc(x))


FIXTURES = {
    "residual": (Residual, 1),
    "decoder": (Decoder, 2),
    "pooling": (Pooling, 3),
    "depthwise": (Depthwise, 4),
    "channels-last": (ChannelsLast, 5),
}


def randomize_batch_norms(model, generator):
    """Gives every BatchNorm statistics and an affine transform other than the defaults."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.5)
            module.running_var.copy_(torch.rand(n, generator=generator) + 0.5)
            module.weight.data.copy_(torch.rand(n, generator=generator) + 0.5)
            module.bias.data.copy_(torch.randn(n, generator=generator) * 0.2)


def export(name, cls, seed, directory):
    torch.manual_seed(seed)
    model = cls()
    generator = torch.Generator().manual_seed(seed + 100)
    with torch.no_grad():
        randomize_batch_norms(model, generator)
    model.eval()
    x = torch.randn((2,) + cls.input_shape, generator=generator)
    path = os.path.join(directory, name + ".onnx")
    # PRESERVE keeps BatchNormalization nodes (EVAL would fold them into the convolutions before them).
    torch.onnx.export(
        model,
        x,
        path,
        input_names=["x"],
        output_names=["y"],
        dynamic_axes={"x": {0: "n"}, "y": {0: "n"}},
        opset_version=13,
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=True,
    )
    with torch.no_grad():
        y = model(x)
    expected = {
        "input": {"shape": list(x.shape), "data": [float(v) for v in x.flatten().tolist()]},
        "output": {"shape": list(y.shape), "data": [float(v) for v in y.flatten().tolist()]},
    }
    with open(os.path.join(directory, name + ".expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {os.path.getsize(path):,} bytes, output {list(y.shape)}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "NetDsl.Generator.Tests", "Onnx")
    os.makedirs(directory, exist_ok=True)
    for name, (cls, seed) in FIXTURES.items():
        export(name, cls, seed, directory)


if __name__ == "__main__":
    main()
