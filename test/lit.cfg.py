# lit configuration for dsc: importer (.onnxtxt), dialect, conversion,
# target and pipeline tests (.mlir), checked with FileCheck.
import os

import lit.formats

config.name = "dsc"
config.test_format = lit.formats.ShTest(True)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.dsc_obj_root, "test")
config.excludes = ["Execution", "unit", "conformance", "Inputs",
                   "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]
config.environment["PATH"] = os.pathsep.join(
    [config.dsc_tools_dir, config.llvm_tools_dir,
     config.environment.get("PATH", os.environ.get("PATH", ""))])
# Cached `dsc run` artefacts stay inside the build tree.
config.environment["DSC_CACHE_DIR"] = os.path.join(config.dsc_obj_root,
                                                   "test-tmp", "lit-cache")
