"""Build hook: compile the C loops of the matcher (framing/_ckernels.c) into the package.

hatchling builds pure-Python wheels; this hook compiles the one extension with setuptools'
``build_ext`` (which knows every platform's compiler and flags) and puts it next to the sources,
so that an editable install finds it too. Without a working compiler the build goes on with a
warning and framing runs its NumPy path (``framing/_kernels.py``), slower but with the same results.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileKernels(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        for stale in (root / "framing").glob("_ckernels.*"):  # a build from an earlier compile
            if stale.suffix in (".so", ".pyd"):
                stale.unlink()
        cwd = os.getcwd()
        try:
            from setuptools import Distribution, Extension

            os.chdir(root)
            ext = Extension("framing._ckernels", sources=["framing/_ckernels.c"],
                            extra_compile_args=[] if sys.platform == "win32" else ["-O3"])
            cmd = Distribution({"name": "framing", "ext_modules": [ext]}).get_command_obj("build_ext")
            cmd.inplace = True
            cmd.ensure_finalized()
            cmd.run()
            built = Path(cmd.get_ext_fullpath("framing._ckernels")).resolve()
        except Exception as exc:  # noqa: BLE001 - any compiler failure: build without the extension
            message = (f"framing: could not compile framing/_ckernels.c ({exc}); framing will use its "
                       "slower NumPy path")
            self.app.display_warning(message)
            print(message, file=sys.stderr)
            return
        finally:
            os.chdir(cwd)
        if not built.is_file():
            self.app.display_warning(f"framing: compiled extension not found at {built}; using the NumPy path")
            return
        if version != "editable":
            build_data["force_include"][str(built)] = f"framing/{built.name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
