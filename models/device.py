"""Where torch work runs: "auto" is CUDA whenever torch sees a device, else the CPU."""

from __future__ import annotations

from text.errors import InputError

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str) -> str:
    """The device ("cpu" or "cuda") that a configured name means."""
    if device == "auto":
        import torch  # here, so that naming the devices (CLI flags) does not load torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    if device not in DEVICES:
        raise InputError(f"unknown device {device!r}: use {', '.join(DEVICES)}")
    return device
