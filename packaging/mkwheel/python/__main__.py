"""python -m pybatch ARGS: run the pybatch binary with ARGS."""

import os
import sys

from pybatch import find_pybatch_bin


def main():
    exe = find_pybatch_bin()
    args = [exe] + sys.argv[1:]
    if sys.platform == "win32":
        import subprocess

        try:
            sys.exit(subprocess.call(args))
        except KeyboardInterrupt:
            sys.exit(130)
    os.execv(exe, args)


if __name__ == "__main__":
    main()
