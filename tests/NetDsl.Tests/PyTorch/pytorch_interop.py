"""The PyTorch side of PyTorchInteropTests: runs the generated PyTorchModule of each test network.

For each network of the manifest (written by the C# test, with NetDsl's weights and inputs beside it):
1. builds the module, reads NetDsl's weights with the module's load_netdsl, and writes eval() outputs;
2. trains two Adam steps on random data with forward(x, logits=True) and the loss the output calls for
   (F.cross_entropy after a softmax, binary cross-entropy with logits after a sigmoid, else mean squared error),
   then saves the state dict in PyTorch's names and layouts as safetensors.torch.save_file would, the same
   weights with the module's save_netdsl, and the trained module's eval() outputs;
3. records the statistics of a freshly initialised module's tensors, and how far TorchScript's compilation of the
   module (torch.jit.script) is from it, where no layer's name needs self._modules[...].

Usage: python3 pytorch_interop.py FOLDER (FOLDER holds manifest.json; results.json is written there).
"""

import array
import importlib.util
import json
import os
import struct
import sys
import traceback

import torch
import torch.nn.functional as F

BATCH = 4


def read_floats(path):
    values = array.array("f")
    with open(path, "rb") as file:
        values.frombytes(file.read())
    if sys.byteorder == "big":
        values.byteswap()
    return torch.frombuffer(values, dtype=torch.float32).clone()


def write_floats(path, tensor):
    values = array.array("f", tensor.detach().to(torch.float32).flatten().tolist())
    if sys.byteorder == "big":
        values.byteswap()
    with open(path, "wb") as file:
        file.write(values.tobytes())


def to_pytorch(flat, shape):
    """NetDsl's batch (each sample channels-last) as PyTorch's: NCHW for maps, (N, L) for vectors."""
    if len(shape) == 3:
        return flat.reshape(-1, *shape).permute(0, 3, 1, 2).contiguous()
    return flat.reshape(-1, shape[0])


def to_netdsl(batch):
    """A PyTorch batch in NetDsl's order: NCHW maps become channels-last."""
    return batch.permute(0, 2, 3, 1).contiguous() if batch.dim() == 4 else batch


def save_state_dict(state, path):
    """The bytes safetensors.torch.save_file(state, path) writes (that package is not installed here)."""
    dtypes = {torch.float32: ("F32", "f"), torch.int64: ("I64", "q")}
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(state):
        tensor = state[name].detach().cpu()
        dtype, code = dtypes[tensor.dtype]
        values = array.array(code, tensor.flatten().tolist())
        if sys.byteorder == "big":
            values.byteswap()
        blob = values.tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def loss_kind(y, z):
    """Which loss the output calls for, from forward(x) and forward(x, logits=True)."""
    if torch.allclose(y, z):
        return "mse"
    if torch.allclose(F.softmax(z, dim=1), y, atol=1e-6):
        return "cross_entropy"
    if torch.allclose(torch.sigmoid(z), y, atol=1e-6):
        return "binary_cross_entropy"
    raise AssertionError("forward(x, logits=True) is neither forward(x) nor its input before a softmax or sigmoid")


def loss_of(kind, z, generator):
    if kind == "cross_entropy":
        classes = z.shape[1]
        labels = torch.randint(classes, (z.shape[0],) + tuple(z.shape[2:]), generator=generator)
        return F.cross_entropy(z, labels)
    if kind == "binary_cross_entropy":
        return F.binary_cross_entropy_with_logits(z, torch.rand(z.shape, generator=generator))
    return F.mse_loss(z, torch.randn(z.shape, generator=generator))


def statistics(module):
    """Mean, standard deviation, minimum and maximum of each tensor, by NetDsl name."""
    state = module.state_dict()
    result = {}
    for name, _, key, _ in module.NETDSL_TENSORS:
        values = state[key].detach().double()
        result[name] = {
            "mean": values.mean().item(),
            "std": values.std(unbiased=False).item(),
            "min": values.min().item(),
            "max": values.max().item(),
        }
    return result


def run(entry, folder):
    index, shape = entry["index"], entry["input"]
    prefix = os.path.join(folder, str(index))
    spec = importlib.util.spec_from_file_location(entry["module"], os.path.join(folder, entry["module"] + ".py"))
    source = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(source)
    network = getattr(source, entry["class"])
    torch.manual_seed(index)
    generator = torch.Generator().manual_seed(1000 + index)

    net = network()
    source.load_netdsl(net, prefix + ".netdsl.safetensors")
    net.eval()
    x = to_pytorch(read_floats(prefix + ".input.bin"), shape)
    with torch.no_grad():
        y, z = net(x), net(x, logits=True)
    write_floats(prefix + ".torch.bin", to_netdsl(y))
    kind = loss_kind(y, z)
    scripted = None
    if "_modules[" not in open(os.path.join(folder, entry["module"] + ".py")).read():
        script = torch.jit.script(net)
        with torch.no_grad():
            scripted = max((script(x) - y).abs().max().item(), (script(x, logits=True) - z).abs().max().item())

    parameters = [p for p in net.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(parameters, lr=0.01) if parameters else None
    net.train()
    for _ in range(2):
        batch = torch.rand((BATCH,) + tuple(x.shape[1:]), generator=generator) * 4 - 2
        loss = loss_of(kind, net(batch, logits=True), generator)
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    net.eval()
    save_state_dict(net.state_dict(), prefix + ".pytorch.safetensors")
    source.save_netdsl(net, prefix + ".saved.safetensors")
    with torch.no_grad():
        write_floats(prefix + ".trained.bin", to_netdsl(net(x)))
    return {"loss": kind, "scripted": scripted, "initialization": statistics(network())}


def main(folder):
    with open(os.path.join(folder, "manifest.json")) as file:
        manifest = json.load(file)
    results = {"torch": torch.__version__, "networks": {}}
    for entry in manifest:
        try:
            results["networks"][str(entry["index"])] = run(entry, folder)
        except Exception:  # each network's failure is its own test's
            results["networks"][str(entry["index"])] = {"error": traceback.format_exc()}
    with open(os.path.join(folder, "results.json"), "w") as file:
        json.dump(results, file, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
