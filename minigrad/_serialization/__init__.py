"""The pieces behind ``minigrad.serialization`` (``save``/``load``) and ``minigrad.safetensors``,
one job per module: PyTorch's zip checkpoint format (``torch_zip_format``), the names PyTorch's
pickles use, written (``torch_pickler``) and read back (``torch_globals``), the restricted
unpickler of ``weights_only`` loading (``weights_only_unpickler``), minigrad's former format
(``legacy_checkpoint``), zip reading with size bounds (``bounded_zip``) and atomic file
replacement (``atomic_file``)."""
