# SPDX-License-Identifier: MIT
"""loadtool: imports a script of tests/runner/ whose file name has a dash (ktest-runner.py) as a module.

    import loadtool
    runner = loadtool.load("ktest-runner.py")       # the module ktest_runner

Loading sets sys.dont_write_bytecode, so no __pycache__ is left in the tree,
and puts tests/runner/ on sys.path for the modules the script imports
(ktap, matrix, ...). Each file is loaded once: a second load returns the
same module.
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(file):
    """tests/runner/FILE as a module named like it, dashes as underscores."""
    sys.dont_write_bytecode = True
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    name = os.path.splitext(file)[0].replace("-", "_")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod
