"""The cluster recipe of docs/pytorch.md in small, for PyTorchInteropTests: a generated module trained with
DistributedDataParallel by two CPU processes (gloo, as torchrun would start them on two machines), each on data of
its own; every process must end with the same parameters. Rank 0 then saves them in PyTorch's layout and with the
module's save_netdsl, and writes its eval() outputs on NetDsl's inputs.

Usage: python3 ddp_training.py FOLDER MODULE CLASS H W C (FOLDER holds MODULE.py and input.bin).
"""

import importlib.util
import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_interop import read_floats, save_state_dict, to_netdsl, to_pytorch, write_floats  # noqa: E402

WORLD = 2
STEPS = 3


def train(rank, folder, module, name, shape):
    dist.init_process_group("gloo", init_method="file://" + os.path.join(folder, "rendezvous"), rank=rank, world_size=WORLD)
    spec = importlib.util.spec_from_file_location(module, os.path.join(folder, module + ".py"))
    source = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(source)
    torch.manual_seed(rank)  # different initial weights: DistributedDataParallel starts every process from rank 0's
    model = getattr(source, name)()
    ddp = DistributedDataParallel(model)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=0.05, momentum=0.9)
    generator = torch.Generator().manual_seed(100 + rank)
    for _ in range(STEPS):
        images = torch.rand((8, shape[2], shape[0], shape[1]), generator=generator)
        labels = torch.randint(10, (8,), generator=generator)
        loss = F.cross_entropy(ddp(images, logits=True), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    # The parameters are the same everywhere; BatchNormalization's moving statistics are each process's own (rank
    # 0's are broadcast before every forward pass, and are the ones saved).
    weights = torch.cat([p.detach().flatten() for p in model.parameters()])
    gathered = [torch.zeros_like(weights) for _ in range(WORLD)]
    dist.all_gather(gathered, weights)
    if rank == 0:
        assert all(torch.equal(gathered[0], other) for other in gathered[1:]), "the processes' parameters differ"
        save_state_dict(model.state_dict(), os.path.join(folder, "ddp.pytorch.safetensors"))
        source.save_netdsl(ddp, os.path.join(folder, "ddp.netdsl.safetensors"))  # the wrapper: its module is saved
        model.eval()
        with torch.no_grad():
            x = to_pytorch(read_floats(os.path.join(folder, "input.bin")), shape)
            write_floats(os.path.join(folder, "ddp.outputs.bin"), to_netdsl(model(x)))
    dist.destroy_process_group()


if __name__ == "__main__":
    folder, module, name = sys.argv[1], sys.argv[2], sys.argv[3]
    mp.spawn(train, args=(folder, module, name, [int(v) for v in sys.argv[4:7]]), nprocs=WORLD)
