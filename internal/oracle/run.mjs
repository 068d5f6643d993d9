// run.mjs runs one Python script in CPython 3.14 (pyodide) under Node.js.
//
// usage: node run.mjs HOSTDIR SCRIPT [ARGS...]
//
// HOSTDIR is mounted (NODEFS, read-write) at /mnt inside pyodide and is the
// working directory; SCRIPT is a host path of the Python source to run, with
// sys.argv = [SCRIPT, ARGS...]. The script's stdout and stderr go byte for
// byte to this process's stdout and stderr. The exit status is the script's
// (SystemExit), 1 on an uncaught exception (traceback on stderr).
//
// Loading pyodide costs a few seconds, so scripts are meant to do a whole
// batch of work per run.
//
// PYBATCH_PYODIDE names the npm package to load (default "pyodide"), e.g.
// "pyodide-3.12", an alias of an older pyodide release that embeds CPython
// 3.12 (see package.json).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);

const pkg = process.env.PYBATCH_PYODIDE || "pyodide";

function findPyodide() {
  // Resolve from the working directory upwards, then from this file.
  for (const base of [process.cwd(), path.dirname(new URL(import.meta.url).pathname)]) {
    try {
      return require.resolve(pkg, { paths: [base] });
    } catch {}
  }
  return require.resolve(pkg);
}

const [hostDir, scriptPath, ...args] = process.argv.slice(2);
if (!hostDir || !scriptPath) {
  process.stderr.write("usage: node run.mjs HOSTDIR SCRIPT [ARGS...]\n");
  process.exit(2);
}
const source = fs.readFileSync(scriptPath, "utf8");
const { loadPyodide } = require(findPyodide());

function writer(fd) {
  return {
    write(buf) {
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
      return buf.length;
    },
  };
}

const py = await loadPyodide({ stdout: () => {}, stderr: () => {} });
py.setStdout(writer(1));
py.setStderr(writer(2));
py.FS.mkdirTree("/mnt");
py.FS.mount(py.FS.filesystems.NODEFS, { root: path.resolve(hostDir) }, "/mnt");
py.FS.chdir("/mnt");
py.globals.set("__oracle_argv", py.toPy([scriptPath, ...args]));
const status = py.runPython(`
import sys, traceback
sys.argv = list(__oracle_argv)
del __oracle_argv
def __oracle_main(src):
    g = {"__name__": "__main__", "__file__": sys.argv[0]}
    try:
        exec(compile(src, sys.argv[0], "exec"), g)
    except SystemExit as e:
        c = e.code
        if c is None:
            return 0
        if isinstance(c, int):
            return c
        print(c, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0
__oracle_main
`)(source);
process.exitCode = status;
