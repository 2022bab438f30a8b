"""Merging samples into batches (``torch.utils.data._utils.collate``): ``default_collate`` stacks,
``default_convert`` only converts numpy data to tensors; ``collate`` with a ``collate_fn_map``
lets a program choose how each type of sample is merged."""
import collections.abc
import copy
import re

import numpy as np

from .... import _dtype
from .... import creation
from ....ops.joining import stack
from ....tensor import Tensor

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map",
           "default_collate_err_msg_format"]

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)
_STRING_OR_OBJECT = re.compile("[SaUO]")  # numpy dtype codes that do not become tensors


def _is_numpy_data(x):
    return type(x).__module__ == "numpy" and type(x).__name__ not in ("str_", "string_")


def _rebuild(template, items):
    """A container of ``template``'s type holding ``items`` (a dict's values in key order, or a
    sequence's elements): a copy of a mutable container updated in place (keeping subclasses'
    extra state), a new immutable one, or a plain dict / list when the type cannot be rebuilt."""
    if isinstance(template, collections.abc.Mapping):
        try:
            if isinstance(template, collections.abc.MutableMapping):
                clone = copy.copy(template)
                clone.update(items)
                return clone
            return type(template)(items)
        except TypeError:
            return dict(items)
    try:
        if isinstance(template, collections.abc.MutableSequence):
            clone = copy.copy(template)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(template)(items)
    except TypeError:
        return list(items)


def default_convert(data):
    """Convert numpy arrays and numbers (inside dicts, lists, tuples, namedtuples) to tensors and
    leave everything else: what ``DataLoader`` applies to each sample when ``batch_size=None``.

    Example::

        >>> import numpy as np
        >>> default_convert({"x": np.arange(3), "name": "a"})
        {'x': tensor([0, 1, 2]), 'name': 'a'}
    """
    if isinstance(data, Tensor):
        return data
    if _is_numpy_data(data):
        if isinstance(data, np.ndarray) and _STRING_OR_OBJECT.search(data.dtype.str):
            return data
        return creation.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: default_convert(data[k]) for k in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [default_convert(d) for d in data])
    return data


def collate(batch, *, collate_fn_map=None):
    """Merge the samples of ``batch`` into one: the function that ``collate_fn_map`` gives for the
    samples' type (the exact type first, then the first entry it is an instance of) does the
    work; dicts, namedtuples and sequences are merged field by field (a tuple gives a list).

    Example::

        >>> merge_str = {str: lambda batch, *, collate_fn_map: "".join(batch)}
        >>> collate([("a", "x"), ("b", "y")], collate_fn_map=merge_str)
        ['ab', 'xy']
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild(elem, {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                               for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map)
                           for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        merged = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return merged  # a list, as PyTorch (backward compatibility)
        return _rebuild(elem, merged)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Tensors: stacked along a new first dimension."""
    return stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """numpy arrays: made tensors, then stacked (arrays of strings or objects are refused)."""
    elem = batch[0]
    if _STRING_OR_OBJECT.search(elem.dtype.str):
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([creation.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """numpy scalars: one tensor of their dtype."""
    return creation.as_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    """Python floats: a float64 tensor."""
    return creation.tensor(batch, dtype=_dtype.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Python ints (and bools): an int64 (bool) tensor."""
    return creation.tensor(batch)


def collate_str_fn(batch, *, collate_fn_map=None):
    """Strings and bytes: kept as a list."""
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Merge a list of samples into a batch, as PyTorch's ``default_collate``: tensors and numpy
    arrays are stacked along a new first dimension, Python floats become a float64 tensor, ints
    an int64 tensor, strings stay a list; tuples, lists, dicts and namedtuples are collated
    field by field (a tuple of fields gives a list).

    Example::

        >>> default_collate([(minigrad.zeros(2), 0), (minigrad.ones(2), 1)])
        [tensor([[0., 0.],
                [1., 1.]]), tensor([0, 1])]
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
