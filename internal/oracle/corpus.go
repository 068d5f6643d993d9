package oracle

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"
)

// Verdict is CPython's outcome for one file: the dump of
// ast.parse(raw_bytes) with include_attributes=True, show_empty=True (one
// line), or the exception ast.parse raised.
type Verdict struct {
	Path string `json:"p"` // relative to the corpus root, with '/'
	OK   bool   `json:"ok"`
	Dump string `json:"dump,omitempty"`
	// DumpError is set when parsing succeeded but ast.dump itself failed
	// (e.g. RecursionError on a very deep tree).
	DumpError string `json:"dump_error,omitempty"`
	// The exception, when OK is false.
	Kind      string `json:"kind,omitempty"`
	Msg       string `json:"msg,omitempty"`
	Lineno    *int   `json:"lineno,omitempty"`
	Offset    *int   `json:"offset,omitempty"`
	EndLineno *int   `json:"end_lineno,omitempty"`
	EndOffset *int   `json:"end_offset,omitempty"`
	// Warnings are the warnings ast.parse emitted, in order (CPythonWarnings
	// only).
	Warnings []Warning `json:"w,omitempty"`
}

// Warning is one warning ast.parse emitted: its class, message and line
// (warnings.WarningMessage's category, message and lineno).
type Warning struct {
	Category string `json:"c"`
	Msg      string `json:"m"`
	Line     int    `json:"l"`
}

// corpusScript parses every file listed (one host path per line) in the
// file named by argv[1] and prints one JSON Verdict per line. The host's
// root directory is mounted at /mnt.
const corpusScript = `
import ast, json, sys, warnings
warnings.simplefilter("ignore")
sys.setrecursionlimit(100000)
root = sys.argv[2]
for line in open("/mnt" + sys.argv[1], encoding="utf-8"):
    rel = line.rstrip("\n")
    r = {"p": rel}
    try:
        raw = open("/mnt" + root + "/" + rel, "rb").read()
        tree = ast.parse(raw)
    except SyntaxError as e:
        r.update(ok=False, kind=type(e).__name__, msg=e.msg, lineno=e.lineno, offset=e.offset, end_lineno=e.end_lineno, end_offset=e.end_offset)
    except Exception as e:
        r.update(ok=False, kind=type(e).__name__, msg=str(e))
    else:
        r["ok"] = True
        try:
            r["dump"] = ast.dump(tree, include_attributes=True, show_empty=True)
        except Exception as e:
            r["dump_error"] = type(e).__name__ + ": " + str(e)
    sys.stdout.write(json.dumps(r) + "\n")
`

// errorScript is corpusScript without the dump: each file's verdict and,
// for an error, its class, message and positions. It runs on every CPython
// from 3.10 (ast.dump's show_empty is 3.13's).
const errorScript = `
import ast, json, sys, warnings
warnings.simplefilter("ignore")
sys.setrecursionlimit(100000)
root = sys.argv[2]
for line in open("/mnt" + sys.argv[1], encoding="utf-8"):
    rel = line.rstrip("\n")
    r = {"p": rel}
    try:
        raw = open("/mnt" + root + "/" + rel, "rb").read()
        ast.parse(raw)
    except SyntaxError as e:
        r.update(ok=False, kind=type(e).__name__, msg=e.msg, lineno=e.lineno, offset=e.offset, end_lineno=e.end_lineno, end_offset=e.end_offset)
    except Exception as e:
        r.update(ok=False, kind=type(e).__name__, msg=str(e))
    else:
        r["ok"] = True
    sys.stdout.write(json.dumps(r) + "\n")
`

// warningScript is errorScript that also records, for each file, the
// warnings ast.parse emits (every one: the "always" filter).
const warningScript = `
import ast, json, sys, warnings
sys.setrecursionlimit(100000)
root = sys.argv[2]
for line in open("/mnt" + sys.argv[1], encoding="utf-8"):
    rel = line.rstrip("\n")
    r = {"p": rel}
    with open("/mnt" + root + "/" + rel, "rb") as f:
        raw = f.read()
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        try:
            ast.parse(raw)
        except SyntaxError as e:
            r.update(ok=False, kind=type(e).__name__, msg=e.msg, lineno=e.lineno, offset=e.offset, end_lineno=e.end_lineno, end_offset=e.end_offset)
        except Exception as e:
            r.update(ok=False, kind=type(e).__name__, msg=str(e))
        else:
            r["ok"] = True
    if ws:
        r["w"] = [{"c": w.category.__name__, "m": str(w.message), "l": w.lineno} for w in ws]
    sys.stdout.write(json.dumps(r) + "\n")
`

// CorpusFiles lists the .py files under root, as sorted '/'-separated
// relative paths.
func CorpusFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".py") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// corpusKey identifies a corpus's content and the oracle's version: the
// pyodide version and every file's relative path and SHA-256.
func (e Env) corpusKey(script, root string, files []string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "pyodide %s\n%s", e.PyodideVers, script)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return "", err
		}
		s := sha256.Sum256(b)
		fmt.Fprintf(h, "%s %x\n", f, s)
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// DefaultCacheDir is where CPython's corpus verdicts are cached:
// $PYBATCH_ORACLE_CACHE, else the user cache directory's pybatch-oracle.
func DefaultCacheDir() string {
	if d := os.Getenv("PYBATCH_ORACLE_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "pybatch-oracle")
	}
	return filepath.Join(os.TempDir(), "pybatch-oracle")
}

// CPythonVerdicts runs CPython 3.14 over files (relative to root) in a few
// pyodide processes (one per CPU, at most 4) and returns a path to a JSON Lines file of Verdicts in
// the same order. With cacheDir set, results are cached there under a key
// of the pyodide version and the files' contents, so a second run over an
// unchanged corpus costs nothing. cached reports a cache hit.
func (e Env) CPythonVerdicts(ctx context.Context, root string, files []string, cacheDir string) (path string, cached bool, err error) {
	return e.verdicts(ctx, corpusScript, root, files, cacheDir)
}

// CPythonErrors is CPythonVerdicts without the dumps (Verdict.Dump is
// empty): only whether each file parses and, if not, CPython's error. It
// runs on every CPython FindVersion finds.
func (e Env) CPythonErrors(ctx context.Context, root string, files []string, cacheDir string) (path string, cached bool, err error) {
	return e.verdicts(ctx, errorScript, root, files, cacheDir)
}

// CPythonWarnings is CPythonErrors that also gives the warnings ast.parse
// emits for each file (Verdict.Warnings), in the order emitted.
func (e Env) CPythonWarnings(ctx context.Context, root string, files []string, cacheDir string) (path string, cached bool, err error) {
	return e.verdicts(ctx, warningScript, root, files, cacheDir)
}

func (e Env) verdicts(ctx context.Context, script, root string, files []string, cacheDir string) (path string, cached bool, err error) {
	root, err = filepath.Abs(root)
	if err != nil {
		return "", false, err
	}
	key, err := e.corpusKey(script, root, files)
	if err != nil {
		return "", false, err
	}
	if cacheDir == "" {
		cacheDir, err = os.MkdirTemp("", "pybatch-oracle-")
		if err != nil {
			return "", false, err
		}
	}
	dir := filepath.Join(cacheDir, "pyodide-"+e.PyodideVers)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", false, err
	}
	path = filepath.Join(dir, key+".jsonl")
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return path, true, nil
	}
	// Shard the files over a few pyodide processes (one per CPU, at most 4):
	// each loads CPython once and takes a contiguous slice of the list.
	shards := min(runtime.NumCPU(), 4, max(1, len(files)/50))
	parts := make([]string, shards)
	defer func() {
		for _, p := range parts {
			if p != "" {
				os.Remove(p)
			}
		}
	}()
	g, gctx := errgroup.WithContext(ctx)
	for i := range shards {
		lo, hi := i*len(files)/shards, (i+1)*len(files)/shards
		g.Go(func() error {
			p, err := e.runShard(gctx, script, dir, key, root, files[lo:hi])
			parts[i] = p
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return "", false, err
	}
	out, err := os.CreateTemp(dir, key+"-*.partial")
	if err != nil {
		return "", false, err
	}
	defer os.Remove(out.Name())
	for _, p := range parts {
		f, err := os.Open(p)
		if err != nil {
			out.Close()
			return "", false, err
		}
		_, err = io.Copy(out, f)
		f.Close()
		if err != nil {
			out.Close()
			return "", false, err
		}
	}
	if err := out.Close(); err != nil {
		return "", false, err
	}
	if err := os.Rename(out.Name(), path); err != nil {
		return "", false, err
	}
	return path, false, nil
}

// runShard runs corpusScript over files and returns the path of its output.
func (e Env) runShard(ctx context.Context, script, dir, key, root string, files []string) (string, error) {
	list, err := os.CreateTemp(dir, "list-*.txt")
	if err != nil {
		return "", err
	}
	defer os.Remove(list.Name())
	if _, err := io.WriteString(list, strings.Join(files, "\n")+"\n"); err != nil {
		list.Close()
		return "", err
	}
	if err := list.Close(); err != nil {
		return "", err
	}
	out, err := os.CreateTemp(dir, key+"-*.shard")
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	listAbs, _ := filepath.Abs(list.Name())
	runErr := e.RunTo(ctx, w, "/", script, filepath.ToSlash(listAbs), filepath.ToSlash(root))
	if err := w.Flush(); err != nil && runErr == nil {
		runErr = err
	}
	if err := out.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		os.Remove(out.Name())
		return "", runErr
	}
	return out.Name(), nil
}

// ReadVerdicts calls fn for each Verdict in a JSON Lines file written by
// CPythonVerdicts.
func ReadVerdicts(path string, fn func(Verdict) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			var v Verdict
			if jerr := json.Unmarshal(line, &v); jerr != nil {
				return fmt.Errorf("%s: %w", path, jerr)
			}
			if ferr := fn(v); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// ExtractZip extracts the .py files of a zip archive (such as pyodide's
// python_stdlib.zip) into dir.
func ExtractZip(zipPath, dir string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".py") {
			continue
		}
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("%s: unsafe path %q", zipPath, f.Name)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
