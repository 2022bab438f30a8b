"""minigrad's top-level namespace is PyTorch's: ``import minigrad as torch`` must not offer names that
torch code could not use (helpers such as ``minigrad.getitem`` or ``minigrad.sum_to`` once were)."""
import minigrad

import pytest

torch = pytest.importorskip("torch")

# Public top-level names that torch does not have, kept on purpose. Each needs a reason.
EXTENSIONS = {
    # small built-in datasets (moons, spirals ...) for the examples and tests, documented in README
    "datasets",
    # OpenMP control of the compiled kernels: minigrad.parallel.openmp_enabled() (torch has
    # torch.set_num_threads, which minigrad also has at top level)
    "parallel",
    # the module the factory functions (zeros, randn ...) live in; importing it is unavoidable
    # (minigrad.creation), the functions themselves are re-exported at top level as in torch
    "creation",
    # the safetensors format, with the functions of the safetensors package's torch module
    # (safetensors.torch.save_file -> minigrad.safetensors.save_file); torch has no such module
    "safetensors",
}


def _public(module):
    return {n for n in dir(module) if not n.startswith("_")}


def test_every_top_level_name_is_torch_api_or_an_allowed_extension():
    extra = sorted(n for n in _public(minigrad) - EXTENSIONS if not hasattr(torch, n))
    assert not extra, f"top-level names that torch does not have: {extra}"


def test_allow_list_has_no_stale_entries():
    stale = sorted(n for n in EXTENSIONS if not hasattr(minigrad, n) or hasattr(torch, n))
    assert not stale, f"EXTENSIONS entries that minigrad lacks or torch has: {stale}"


@pytest.mark.parametrize("name", ["getitem", "setitem", "cast", "sum_to", "canonical_dim",
                                  "apply_inplace", "linear", "affine", "add_", "copy_", "view",
                                  "expand", "parse_shape", "infer_shape", "arithmetic",
                                  "tensor_methods"])
def test_internal_helpers_are_not_top_level(name):
    assert not hasattr(minigrad, name)


def test_internal_helpers_stay_reachable_from_minigrad_ops():
    """Tensor's methods and the other modules use them through ``minigrad.ops``."""
    for name in ("getitem", "setitem", "cast", "sum_to", "canonical_dim", "apply_inplace",
                 "affine", "view", "expand"):
        assert callable(getattr(minigrad.ops, name))


def test_tensor_has_no_attributes_torch_tensor_lacks():
    extra = sorted(n for n in _public(minigrad.Tensor) if not hasattr(torch.Tensor, n))
    assert not extra, f"Tensor attributes that torch.Tensor does not have: {extra}"
