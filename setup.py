"""Build script for minigrad's compiled kernels (minigrad/_ops.pyx).

Everything else is in pyproject.toml; this file exists because the extension needs build logic:

* OpenMP is used when the compiler can compile, link *and run* a tiny OpenMP program (the check
  scikit-learn makes). If it cannot, we warn and build serial kernels that still work.
* Environment switches:
    MINIGRAD_NO_OPENMP=1   force the serial build
    MINIGRAD_NATIVE=1      add -march=native (faster here, but the binary may not run on other CPUs)
    MINIGRAD_SANITIZE=1    build with AddressSanitizer + UndefinedBehaviorSanitizer (tests only)
* Never -ffast-math: it lets the compiler assume there are no NaNs, and minigrad must propagate them.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

OPENMP_TEST_PROGRAM = textwrap.dedent(
    """
    #include <omp.h>
    #include <stdio.h>
    int main(void) {
        int n = 0;
        #pragma omp parallel reduction(+:n)
        n += 1;
        printf("%d\\n", n == omp_get_max_threads());
        return 0;
    }
    """
)


def _flag(name):
    return os.environ.get(name, "").strip() not in ("", "0", "false", "no")


def _openmp_works(compiler, flags):
    """Compile, link and run OPENMP_TEST_PROGRAM with `compiler`; True if it printed 1."""
    tmp = tempfile.mkdtemp(prefix="minigrad-omp-")
    cwd = os.getcwd()
    try:
        os.chdir(tmp)
        with open("omp_test.c", "w") as f:
            f.write(OPENMP_TEST_PROGRAM)
        objects = compiler.compile(["omp_test.c"], extra_postargs=flags)
        compiler.link_executable(objects, "omp_test", extra_postargs=flags)
        out = subprocess.run([os.path.join(tmp, "omp_test")], capture_output=True, text=True, timeout=60)
        return out.returncode == 0 and out.stdout.strip() == "1"
    except Exception as exc:  # any failure means "no usable OpenMP"
        print(f"minigrad: OpenMP check failed: {exc}", file=sys.stderr)
        return False
    finally:
        os.chdir(cwd)
        shutil.rmtree(tmp, ignore_errors=True)


class BuildExt(build_ext):
    """Adds compiler flags once the real compiler is known."""

    def build_extensions(self):
        compile_args = ["-O3", "-std=gnu11", "-Wno-unused-function"]
        link_args = []
        if _flag("MINIGRAD_NATIVE"):
            compile_args.append("-march=native")
        if _flag("MINIGRAD_SANITIZE"):
            san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined"]
            compile_args = ["-O1", "-g", "-std=gnu11"] + san
            link_args += san
        openmp = False
        if _flag("MINIGRAD_NO_OPENMP"):
            print("minigrad: MINIGRAD_NO_OPENMP is set: building serial kernels")
        elif _openmp_works(self.compiler, ["-fopenmp"]):
            openmp = True
        else:
            print(
                "minigrad: WARNING: this compiler cannot build and run an OpenMP program; "
                "building serial kernels (correct, but single-threaded)",
                file=sys.stderr,
            )
        if openmp:
            compile_args.append("-fopenmp")
            link_args.append("-fopenmp")
        for ext in self.extensions:
            ext.extra_compile_args = compile_args + list(ext.extra_compile_args)
            ext.extra_link_args = link_args + list(ext.extra_link_args)
        super().build_extensions()


extensions = [
    Extension(
        "minigrad._ops",
        ["minigrad/_ops.pyx"],
        include_dirs=[np.get_include(), "minigrad/csrc"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        depends=[os.path.join("minigrad", "csrc", f) for f in os.listdir(os.path.join("minigrad", "csrc"))],
    )
]

setup(
    ext_modules=cythonize(
        extensions,
        # Directives set once here, not in every function: the Python wrappers check shapes and
        # bounds before any kernel runs, so the kernels themselves skip those checks.
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
            "embedsignature": True,
        },
    ),
    cmdclass={"build_ext": BuildExt},
)
