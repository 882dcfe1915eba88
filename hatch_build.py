"""Build hook: compile the C loops of the matcher (framing/_ckernels.c) into the package.

hatchling builds pure-Python wheels; this hook compiles the one extension with setuptools'
``build_ext`` (which knows every platform's compiler and flags) and puts it next to the sources,
so that an editable install finds it too. Without a working compiler the build goes on with a
warning and framing runs its NumPy path (``framing/_kernels.py``), slower but with the same results.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileKernels(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        name = "_ckernels" + sysconfig.get_config_var("EXT_SUFFIX")
        try:
            from setuptools import Distribution, Extension

            cwd = os.getcwd()
            os.chdir(root)
            ext = Extension("framing._ckernels", sources=["framing/_ckernels.c"], extra_compile_args=[]
                            if sys.platform == "win32" else ["-O2"])
            dist = Distribution({"name": "framing", "ext_modules": [ext]})
            cmd = dist.get_command_obj("build_ext")
            cmd.inplace = True
            try:
                cmd.ensure_finalized()
                cmd.run()
            finally:
                os.chdir(cwd)
        except Exception as exc:  # noqa: BLE001 - any compiler failure: build without the extension
            print(f"framing: could not compile framing/_ckernels.c ({exc}); "
                  "framing will use its slower NumPy path", file=sys.stderr)
            return
        built = root / "framing" / name
        if version != "editable":
            build_data["force_include"][str(built)] = f"framing/{name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
