"""The unpickler behind ``minigrad.load(weights_only=True)``, as PyTorch's
``torch/_weights_only_unpickler.py``: it reads pickles of state dicts and plain data, and runs no
code from the file.

It interprets pickle's opcodes itself (pickle's own unpickler would import and call whatever a
file names) and allows only this:

* a global (GLOBAL, STACK_GLOBAL) is looked up by name in a table: the names PyTorch's
  ``weights_only`` loader allows, each mapped to what minigrad builds for it
  (``torch_globals.ALLOWED_GLOBALS``), and the names the user allowed with
  ``minigrad.serialization.add_safe_globals``. Nothing is imported; any other name is refused
  with PyTorch's error, naming it;
* REDUCE and NEWOBJ call only what such a lookup returned; BUILD sets the attributes of an
  ``OrderedDict`` (a state dict's ``_metadata``) or of an allowed class only; APPEND(S) extends
  only lists, SETITEM(S) only dicts, ADDITEMS only sets;
* a persistent id must be a storage, handed to the loader (``persistent_load``).

The data is in memory and every read is checked against its end, so a damaged pickle ends in an
exception (which ``minigrad.load`` turns into its error naming the file), never in a crash: no
opcode allocates more than its own bytes hold. Besides protocol 2's opcodes (the ones PyTorch's
loader reads), those of protocols 1 and 3 to 5 that describe the same kinds of data are read as
well (numbers written as text, short strings, bytes, frames, sets).
"""
import codecs
import pickle
import pickletools
import struct
from collections import Counter, OrderedDict

from .torch_globals import ALLOWED_GLOBALS, UNREPRESENTABLE, UnsupportedData

__all__ = ["Unpickler", "WeightsOnlyRefusal", "add_safe_globals", "get_safe_globals",
           "clear_safe_globals", "remove_safe_globals", "user_allowed", "globals_in_pickle"]


class WeightsOnlyRefusal(pickle.UnpicklingError):
    """The pickle asks for something weights_only loading does not allow (a global, an
    operation): ``minigrad.load`` explains it with PyTorch's message. Other errors of this
    unpickler mean a damaged pickle."""

# modules never allowed, even if the user asks (PyTorch's list)
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")

_user_globals = set()  # what add_safe_globals added: objects, or (object, "module.name")


def add_safe_globals(safe_globals):
    global _user_globals
    _user_globals = _user_globals.union(set(safe_globals))


def get_safe_globals():
    return list(_user_globals)


def clear_safe_globals():
    global _user_globals
    _user_globals = set()


def remove_safe_globals(safe_globals):
    global _user_globals
    _user_globals = _user_globals - set(safe_globals)


def user_allowed():
    """{"module.name": object} of the globals the user allowed."""
    table = {}
    for entry in _user_globals:
        if isinstance(entry, tuple):
            if len(entry) != 2:
                raise ValueError("Expected tuple of length 2 (global, str of callable full path), "
                                 f"but got tuple of length: {len(entry)}")
            if type(entry[1]) is not str:
                raise TypeError("Expected second item in tuple to be str of callable full path, "
                                f"but got: {type(entry[1])}")
            table[entry[1]] = entry[0]
        else:
            table[f"{entry.__module__}.{entry.__qualname__}"] = entry
    return table


def _python2_name(module, name):
    """Names as protocol-2 pickles may spell them (``__builtin__.set``): Python 3's names."""
    from _compat_pickle import IMPORT_MAPPING, NAME_MAPPING

    if (module, name) in NAME_MAPPING:
        return NAME_MAPPING[(module, name)]
    return IMPORT_MAPPING.get(module, module), name


def _shown(full_path):
    """A name as PyTorch's error shows it: builtins without their module."""
    if full_path.startswith("builtins."):
        return full_path[len("builtins."):]
    return full_path


_OPCODES = {op.code for op in pickletools.opcodes}
_SIMPLE = {pickle.NONE[0]: None, pickle.NEWTRUE[0]: True, pickle.NEWFALSE[0]: False}
_EMPTY = {pickle.EMPTY_LIST[0]: list, pickle.EMPTY_DICT[0]: dict, pickle.EMPTY_SET[0]: set}


class _Reader:
    """Bounds-checked reads from the pickle's bytes."""

    def __init__(self, data):
        self.data = memoryview(data)
        self.pos = 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise pickle.UnpicklingError("pickle data was truncated")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def byte(self):
        return self.take(1)[0]

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def line(self):
        end = bytes(self.data[self.pos:self.pos + 4096]).find(b"\n")
        if end < 0:
            raise pickle.UnpicklingError("pickle data was truncated (a name has no end)")
        out = bytes(self.take(end + 1))[:-1]
        return out


class Unpickler:
    """``Unpickler(data, persistent_load, encoding="utf-8").load()``: the object pickled in the
    bytes ``data``. ``encoding`` decodes protocol-0/1 byte strings ("bytes" keeps them bytes)."""

    def __init__(self, data, persistent_load, *, encoding="utf-8"):
        self.reader = _Reader(data)
        self.persistent_load = persistent_load
        self.encoding = encoding
        self.memo = {}
        self.user = user_allowed()
        self.allowed_callables = {id(v): v for v in ALLOWED_GLOBALS.values() if callable(v)}
        self.allowed_callables.update({id(v): v for v in self.user.values()})

    # -------------------------------------------------------------------------------- globals
    def find_global(self, module, name):
        module, name = _python2_name(module, name)
        full = f"{module}.{name}"
        if module in _BLOCKED_MODULES:
            raise WeightsOnlyRefusal(
                f"Trying to load unsupported GLOBAL {full} whose module {module} is blocked.")
        if full in self.user:
            return self.user[full]
        if full in ALLOWED_GLOBALS:
            return ALLOWED_GLOBALS[full]
        if full in UNREPRESENTABLE:
            raise UnsupportedData(f"{full}: {UNREPRESENTABLE[full]}")
        shown = _shown(full)
        raise WeightsOnlyRefusal(
            f"Unsupported global: GLOBAL {shown} was not an allowed global by default. "
            f"Please use `minigrad.serialization.add_safe_globals([{shown}])` or the "
            f"`minigrad.serialization.safe_globals([{shown}])` context manager to allowlist this "
            "global if you trust this class/function.")

    def _user_class(self, cls):
        return isinstance(cls, type) and any(cls is v for v in self.user.values())

    # ----------------------------------------------------------------------------------- load
    def load(self):
        r = self.reader
        stack, marks, memo = [], [], self.memo

        def pop_mark():
            nonlocal stack
            if not marks:
                raise pickle.UnpicklingError("could not find MARK")
            items, stack = stack, marks.pop()
            return items

        def top(what):
            if not stack:
                raise pickle.UnpicklingError(f"{what}: the stack is empty")
            return stack[-1]

        def pop():
            if not stack:
                raise pickle.UnpicklingError("unpickling stack underflow")
            return stack.pop()

        while True:
            op = r.byte()
            if op in _SIMPLE:
                stack.append(_SIMPLE[op])
            elif op in _EMPTY:
                stack.append(_EMPTY[op]())
            elif op == pickle.EMPTY_TUPLE[0]:
                stack.append(())
            elif op == pickle.PROTO[0]:
                r.byte()
            elif op == pickle.FRAME[0]:
                r.unpack("<Q")  # frames only group opcodes; the data is read as it comes
            elif op == pickle.STOP[0]:
                return pop()
            elif op == pickle.MARK[0]:
                marks.append(stack)
                stack = []
            elif op == pickle.POP[0]:
                pop()
            elif op == pickle.POP_MARK[0]:
                pop_mark()
            elif op == pickle.DUP[0]:
                stack.append(top("DUP"))
            # numbers and strings
            elif op == pickle.BININT[0]:
                stack.append(r.unpack("<i"))
            elif op == pickle.BININT1[0]:
                stack.append(r.byte())
            elif op == pickle.BININT2[0]:
                stack.append(r.unpack("<H"))
            elif op == pickle.LONG1[0]:
                stack.append(int.from_bytes(r.take(r.byte()), "little", signed=True))
            elif op == pickle.LONG4[0]:
                stack.append(int.from_bytes(r.take(r.unpack("<i")), "little", signed=True))
            elif op == pickle.INT[0]:  # protocols 0 and 1 (and their booleans, I01 / I00)
                text = r.line()
                stack.append({b"01": True, b"00": False}.get(text) if text in (b"01", b"00")
                             else int(text))
            elif op == pickle.LONG[0]:
                stack.append(int(r.line().rstrip(b"L")))
            elif op == pickle.FLOAT[0]:
                stack.append(float(r.line()))
            elif op == pickle.BINFLOAT[0]:
                stack.append(r.unpack(">d"))
            elif op == pickle.BINUNICODE[0]:
                stack.append(str(r.take(r.unpack("<I")), "utf-8", "surrogatepass"))
            elif op == pickle.SHORT_BINUNICODE[0]:
                stack.append(str(r.take(r.byte()), "utf-8", "surrogatepass"))
            elif op == pickle.BINUNICODE8[0]:
                stack.append(str(r.take(r.unpack("<Q")), "utf-8", "surrogatepass"))
            elif op == pickle.BINBYTES[0]:
                stack.append(bytes(r.take(r.unpack("<I"))))
            elif op == pickle.SHORT_BINBYTES[0]:
                stack.append(bytes(r.take(r.byte())))
            elif op == pickle.BINBYTES8[0]:
                stack.append(bytes(r.take(r.unpack("<Q"))))
            elif op == pickle.BYTEARRAY8[0]:
                stack.append(bytearray(r.take(r.unpack("<Q"))))
            elif op in (pickle.SHORT_BINSTRING[0], pickle.BINSTRING[0]):
                raw = bytes(r.take(r.byte() if op == pickle.SHORT_BINSTRING[0] else r.unpack("<i")))
                stack.append(raw if self.encoding == "bytes" else codecs.decode(raw, self.encoding))
            # containers
            elif op == pickle.TUPLE[0]:
                items = tuple(pop_mark())  # (pop_mark rebinds `stack`: call it first)
                stack.append(items)
            elif op in (pickle.TUPLE1[0], pickle.TUPLE2[0], pickle.TUPLE3[0]):
                n = op - pickle.TUPLE1[0] + 1
                if len(stack) < n:
                    raise pickle.UnpicklingError("unpickling stack underflow")
                items = tuple(stack[-n:])
                del stack[-n:]
                stack.append(items)
            elif op == pickle.LIST[0]:
                items = pop_mark()
                stack.append(items)
            elif op == pickle.DICT[0]:
                items = pop_mark()
                stack.append(self._dict_of(items))
            elif op == pickle.FROZENSET[0]:
                items = frozenset(pop_mark())
                stack.append(items)
            elif op == pickle.APPEND[0]:
                item = pop()
                self._check(top("APPEND"), list, "Can only append to lists").append(item)
            elif op == pickle.APPENDS[0]:
                items = pop_mark()
                self._check(top("APPENDS"), list, "Can only extend lists").extend(items)
            elif op == pickle.SETITEM[0]:
                value, key = pop(), pop()
                self._mapping(top("SETITEM"), "SETITEM")[key] = value
            elif op == pickle.SETITEMS[0]:
                items = pop_mark()
                target = self._mapping(top("SETITEMS"), "SETITEMS")
                if len(items) % 2:
                    raise pickle.UnpicklingError("SETITEMS with an odd number of items")
                for i in range(0, len(items), 2):
                    target[items[i]] = items[i + 1]
            elif op == pickle.ADDITEMS[0]:
                items = pop_mark()
                self._check(top("ADDITEMS"), set, "Can only add items to sets").update(items)
            # the memo
            elif op in (pickle.BINPUT[0], pickle.LONG_BINPUT[0]):
                memo[r.byte() if op == pickle.BINPUT[0] else r.unpack("<I")] = top("PUT")
            elif op == pickle.MEMOIZE[0]:
                memo[len(memo)] = top("MEMOIZE")
            elif op in (pickle.BINGET[0], pickle.LONG_BINGET[0]):
                key = r.byte() if op == pickle.BINGET[0] else r.unpack("<I")
                if key not in memo:
                    raise pickle.UnpicklingError(f"Memo value not found at index {key}")
                stack.append(memo[key])
            # what can build objects: checked
            elif op == pickle.GLOBAL[0]:
                module = r.line().decode("utf-8")
                name = r.line().decode("utf-8")
                stack.append(self.find_global(module, name))
            elif op == pickle.STACK_GLOBAL[0]:
                name, module = pop(), pop()
                if type(module) is not str or type(name) is not str:
                    raise pickle.UnpicklingError("STACK_GLOBAL requires str")
                stack.append(self.find_global(module, name))
            elif op == pickle.REDUCE[0]:
                args = pop()
                func = top("REDUCE")
                stack[-1] = self._call(func, args)
            elif op == pickle.NEWOBJ[0]:
                args = pop()
                cls = pop()
                stack.append(self._new(cls, args))
            elif op == pickle.BUILD[0]:
                state = pop()
                self._build(top("BUILD"), state)
            elif op == pickle.BINPERSID[0]:
                pid = pop()
                if type(pid) is not tuple or not pid or pid[0] not in ("storage", b"storage"):
                    raise WeightsOnlyRefusal(
                        f"Only persistent_load of storage is allowed, but got {pid!r}"[:200])
                stack.append(self.persistent_load(pid))
            elif chr(op) in _OPCODES:  # pickle has it, weights_only loading does not run it
                raise WeightsOnlyRefusal(f"Unsupported operand {op}")
            else:  # not an opcode at all: a damaged pickle (pickle's own message)
                raise pickle.UnpicklingError(f"invalid load key, {chr(op)!r}.")

    # -------------------------------------------------------------------------------- helpers
    @staticmethod
    def _check(obj, kind, message):
        if type(obj) is not kind:
            raise pickle.UnpicklingError(f"{message}, but got {type(obj)}")
        return obj

    @staticmethod
    def _mapping(obj, opcode):
        if type(obj) not in (dict, OrderedDict, Counter):
            raise pickle.UnpicklingError(
                f"Can only {opcode} for dict, collections.OrderedDict, collections.Counter, but "
                f"got {type(obj)}")
        return obj

    @staticmethod
    def _dict_of(items):
        if len(items) % 2:
            raise pickle.UnpicklingError("DICT with an odd number of items")
        return {items[i]: items[i + 1] for i in range(0, len(items), 2)}

    def _call(self, func, args):
        if id(func) not in self.allowed_callables or self.allowed_callables[id(func)] is not func:
            raise WeightsOnlyRefusal(f"Trying to call reduce for unrecognized function {func!r}"[:300])
        if type(args) is not tuple:
            raise pickle.UnpicklingError("REDUCE expects a tuple of arguments")
        return func(*args)

    def _new(self, cls, args):
        from ..nn.parameter import Parameter

        if type(args) is not tuple:
            raise pickle.UnpicklingError("NEWOBJ expects a tuple of arguments")
        if cls is Parameter:
            return Parameter(*args)
        if self._user_class(cls):
            return cls.__new__(cls, *args)
        raise WeightsOnlyRefusal(
            "Can only create new object for nn.Parameter or classes allowlisted via "
            f"`add_safe_globals` but got {cls!r}"[:300])

    def _build(self, inst, state):
        if type(inst) is OrderedDict:
            if not isinstance(state, dict):
                raise pickle.UnpicklingError("an OrderedDict's state must be a dict")
            for name in state:
                if type(name) is not str or name.startswith("__"):
                    raise pickle.UnpicklingError(f"cannot set attribute {name!r} of an OrderedDict"[:200])
            inst.__dict__.update(state)
        elif self._user_class(type(inst)):
            if hasattr(inst, "__setstate__"):
                inst.__setstate__(state)
                return
            slots = None
            if isinstance(state, tuple) and len(state) == 2:
                state, slots = state
            if state:
                inst.__dict__.update(state)
            if slots:
                for k, v in slots.items():
                    setattr(inst, k, v)
        else:
            raise WeightsOnlyRefusal(
                "Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                f"`add_safe_globals`, but got {type(inst)}")


def globals_in_pickle(data):
    """The names of the globals a pickle refers to (for ``get_unsafe_globals_in_checkpoint``),
    read without building anything."""
    found = set()
    strings = []
    for opcode, arg, _ in pickletools.genops(bytes(data)):
        if opcode.name == "GLOBAL":
            module, name = arg.split(" ", 1)
            module, name = _python2_name(module, name)
            found.add(f"{module}.{name}")
        elif opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"):
            strings.append(arg)
        elif opcode.name == "STACK_GLOBAL" and len(strings) >= 2:
            found.add(f"{strings[-2]}.{strings[-1]}")
    return found
