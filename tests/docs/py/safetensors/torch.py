"""`load_file` as in safetensors.torch: [u64 little-endian N][N bytes JSON header][data]."""
import json
import struct

import torch

_DTYPES = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64}


def load_file(filename, device="cpu"):
    with open(filename, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    header.pop("__metadata__", None)
    start = 8 + n
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        data = bytearray(blob[start + begin : start + end])
        t = torch.frombuffer(data, dtype=_DTYPES[info["dtype"]]) if data else torch.empty(0, dtype=_DTYPES[info["dtype"]])
        tensors[name] = t.reshape(info["shape"]).to(device)
    return tensors
