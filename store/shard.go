package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Shard is one of Count parts of a run spread over machines that do not
// talk to each other: shard Index of Count analyzes the files whose path
// (relative to its source, as File.Path and Record.Path name it) hashes to
// Index (ShardOf). Every machine names a file by the same path below the
// source, whatever the directory the tree is mounted at, so N machines
// given the same tree and the same N split it the same way. The zero Shard
// is not sharded: it has every file.
type Shard struct {
	Index, Count int
}

// MaxShards bounds Count: part names have five digits.
const MaxShards = 99999

// Sharded reports whether s is one part of a sharded run.
func (s Shard) Sharded() bool { return s.Count > 0 }

// String is "K/N" ("" when not sharded).
func (s Shard) String() string {
	if !s.Sharded() {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Validate reports an Index outside [0, Count) or a Count over MaxShards.
func (s Shard) Validate() error {
	if s == (Shard{}) {
		return nil
	}
	if s.Count < 1 || s.Count > MaxShards {
		return fmt.Errorf("the number of shards must be between 1 and %d (got %d)", MaxShards, s.Count)
	}
	if s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard %d of %d: the shard must be between 0 and %d", s.Index, s.Count, s.Count-1)
	}
	return nil
}

// Has reports whether the file at path (relative to its source) belongs to
// s. Every file belongs to the zero Shard.
func (s Shard) Has(path string) bool {
	return !s.Sharded() || ShardOf(path, s.Count) == s.Index
}

// ShardOf is the shard of n that the file at path (relative to its source,
// slash-separated) belongs to: the first 8 bytes of the SHA-256 of the
// path, as a big-endian unsigned integer, modulo n. Any language computes
// the same; in Python:
//
//	int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "big") % n
func ShardOf(path string, n int) int {
	sum := sha256.Sum256([]byte(path))
	return int(binary.BigEndian.Uint64(sum[:8]) % uint64(n))
}

// PartName is the name every output format gives shard s's part, without
// an extension: "part-00003-of-00008".
func (s Shard) PartName() string {
	return fmt.Sprintf("part-%05d-of-%05d", s.Index, s.Count)
}

var partName = regexp.MustCompile(`^part-(\d{5})-of-(\d{5})$`)

// ParsePartName is the inverse of PartName.
func ParsePartName(name string) (Shard, bool) {
	m := partName.FindStringSubmatch(name)
	if m == nil {
		return Shard{}, false
	}
	k, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	s := Shard{Index: k, Count: n}
	return s, s.Validate() == nil
}

// ParseShard parses "K/N" (0 ≤ K < N).
func ParseShard(text string) (Shard, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(text), "/")
	if !ok {
		return Shard{}, fmt.Errorf("%q is not a shard: want K/N, such as 3/8 (shard 3 of 8, counted from 0), or auto", text)
	}
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("%q is not a shard: want K/N with two whole numbers, such as 3/8", text)
	}
	s := Shard{Index: ki, Count: ni}
	return s, s.Validate()
}

// ShardFromEnv is the shard the environment (getenv) gives a task of a
// batch system: a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with the
// number of shards from shards (when > 0) or PYBATCH_SHARDS; else a Slurm
// job array's SLURM_ARRAY_TASK_ID: of shards or PYBATCH_SHARDS when one
// is given (the task id is then the shard, so that a retried task, an
// array of one, keeps its shard), else counted from SLURM_ARRAY_TASK_MIN,
// of SLURM_ARRAY_TASK_COUNT tasks. The error says which variable is
// missing or wrong.
func ShardFromEnv(getenv func(string) string, shards int) (Shard, error) {
	num := func(name string) (int, error) {
		v := strings.TrimSpace(getenv(name))
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("--shard auto: %s=%q is not a whole number", name, v)
		}
		return n, nil
	}
	if getenv("JOB_COMPLETION_INDEX") != "" {
		k, err := num("JOB_COMPLETION_INDEX")
		if err != nil {
			return Shard{}, err
		}
		n := shards
		if n <= 0 {
			if getenv("PYBATCH_SHARDS") == "" {
				return Shard{}, errors.New("--shard auto: JOB_COMPLETION_INDEX is set but not the number of shards: give --shards N or set PYBATCH_SHARDS (the Job's completions)")
			}
			if n, err = num("PYBATCH_SHARDS"); err != nil {
				return Shard{}, err
			}
		}
		s := Shard{Index: k, Count: n}
		if err := s.Validate(); err != nil {
			return Shard{}, fmt.Errorf("--shard auto: %w", err)
		}
		return s, nil
	}
	if getenv("SLURM_ARRAY_TASK_ID") != "" {
		id, err := num("SLURM_ARRAY_TASK_ID")
		if err != nil {
			return Shard{}, err
		}
		// With the number of shards given, the task id is the shard: an
		// array of one task (--array=3) runs shard 3 again.
		if shards <= 0 && getenv("PYBATCH_SHARDS") != "" {
			if shards, err = num("PYBATCH_SHARDS"); err != nil {
				return Shard{}, err
			}
		}
		if shards > 0 {
			s := Shard{Index: id, Count: shards}
			if err := s.Validate(); err != nil {
				return Shard{}, fmt.Errorf("--shard auto: SLURM_ARRAY_TASK_ID: %w (the array's task ids are the shards: --array=0-%d)", err, shards-1)
			}
			return s, nil
		}
		if getenv("SLURM_ARRAY_TASK_COUNT") == "" {
			return Shard{}, errors.New("--shard auto: SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT")
		}
		n, err := num("SLURM_ARRAY_TASK_COUNT")
		if err != nil {
			return Shard{}, err
		}
		lo := 0
		if getenv("SLURM_ARRAY_TASK_MIN") != "" {
			if lo, err = num("SLURM_ARRAY_TASK_MIN"); err != nil {
				return Shard{}, err
			}
		}
		s := Shard{Index: id - lo, Count: n}
		if err := s.Validate(); err != nil {
			return Shard{}, fmt.Errorf("--shard auto: SLURM_ARRAY_TASK_ID %d from SLURM_ARRAY_TASK_MIN %d: %w (the array must be contiguous, such as --array=0-7)", id, lo, err)
		}
		return s, nil
	}
	return Shard{}, errors.New("--shard auto: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (a Slurm job array) is set; give --shard K/N")
}

// ShardRunID identifies one sharded run, the same on every machine that
// runs one of its shards: it is made of the tool version, the options hash
// (batch.OptionsHash), the number of shards and the roots (source and
// prefix). Parts of one run carry it in their PartStats; merge refuses a
// part with another. A shard run again (a retry) has the same identity.
func ShardRunID(toolVersion, optionsHash string, count int, roots []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d", toolVersion, optionsHash, count)
	for _, r := range roots {
		fmt.Fprintf(h, "\x00%s", r)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// MaxPartRoots bounds PartStats.Roots.
const MaxPartRoots = 100

// SetRoots records roots in p (see PartStats.Roots).
func (p *PartStats) SetRoots(roots []string) {
	h := sha256.New()
	for _, r := range roots {
		fmt.Fprintf(h, "%s\x00", r)
	}
	p.RootsHash = hex.EncodeToString(h.Sum(nil))[:16]
	p.RootsCount = len(roots)
	p.Roots = roots[:min(len(roots), MaxPartRoots)]
}

// PartStats is the small JSON written beside each part of a sharded run
// (PartFiles.Stats): what the part is, of which run, and its statistics.
type PartStats struct {
	// Run is the run's identity (ShardRunID), Shard and Shards its K/N.
	Run    string `json:"run"`
	Shard  int    `json:"shard"`
	Shards int    `json:"shards"`
	// Part is the part's file or directory name in its directory, Format
	// its format ("sqlite", "jsonl", "parquet").
	Part   string `json:"part"`
	Format string `json:"format"`
	// Roots are the run's roots: source, or source and a path below it
	// (slash-separated), as the records name them; only the first
	// MaxPartRoots (a list of files may give thousands). RootsHash
	// identifies them all.
	Roots       []string `json:"roots"`
	RootsCount  int      `json:"roots_count"`
	RootsHash   string   `json:"roots_hash"`
	ToolVersion string   `json:"tool_version"`
	OptionsHash string   `json:"options_hash"`
	// Plan identifies how the run split the tree (batch.ShardPlan.Hash):
	// the same in every part of a run over an unchanged tree. Threshold
	// is the size over which files were placed by size, and Placed are the
	// files this part holds by placement rather than by ShardOf.
	Plan      string       `json:"plan,omitempty"`
	Threshold int64        `json:"threshold,omitempty"`
	Placed    []PlacedFile `json:"placed,omitempty"`
	// What the shard did.
	Files        int     `json:"files"`
	Analyzed     int     `json:"analyzed"`
	SyntaxErrors int     `json:"syntax_errors"`
	Skipped      int     `json:"skipped"`
	Failed       int     `json:"failed"`
	Bytes        int64   `json:"bytes"`
	ElapsedS     float64 `json:"elapsed_s"`
	Host         string  `json:"host,omitempty"`
	StartedAt    string  `json:"started_at"`
	EndedAt      string  `json:"ended_at"`
}

// ShardOf is the part's shard.
func (p PartStats) ShardOf() Shard { return Shard{Index: p.Shard, Count: p.Shards} }

// PlacedFile is a file a shard holds because of its size, not the hash of
// its path.
type PlacedFile struct {
	Source string `json:"source"`
	Path   string `json:"path"`
}

// PartFiles are the names of a part of a sharded run in its directory:
// the part itself (a file, or for Parquet one file per table directory),
// the statistics JSON and the completion marker.
type PartFiles struct {
	Dir    string
	Shard  Shard
	Part   string // DIR/part-00003-of-00008.db (or .jsonl; Parquet: DIR, whose TABLE/part-00003-of-00008-cCCCC.parquet are the part)
	Stats  string // DIR/part-00003-of-00008.json
	Marker string // DIR/_SUCCESS.part-00003-of-00008
}

// PartExt is the extension of a part of each single-file format.
var PartExt = map[string]string{"sqlite": ".db", "jsonl": ".jsonl"}

// PartsOf names shard s's files in dir for format.
func PartsOf(dir string, s Shard, format string) PartFiles {
	name := s.PartName()
	return PartFiles{Dir: dir, Shard: s,
		Part:   filepath.Join(dir, name+PartExt[format]),
		Stats:  filepath.Join(dir, name+".json"),
		Marker: filepath.Join(dir, "_SUCCESS."+name),
	}
}

// Temp is where the part is written before it is complete: a hidden name
// in the same directory (so the rename is atomic), per host and process.
func (p PartFiles) Temp() string {
	return p.tempPrefix() + strconv.Itoa(os.Getpid())
}

// tempPrefix is Temp without the process id.
func (p PartFiles) tempPrefix() string {
	host, _ := os.Hostname()
	host = strings.NewReplacer("/", "_", "-", "_").Replace(host)
	return filepath.Join(p.Dir, fmt.Sprintf(".%s.tmp-%s-", filepath.Base(p.Part), host))
}

// Begin prepares a run of the shard: the directory exists, and the
// shard's marker is removed (a part is complete only once it is back).
// Temporary files that earlier, killed runs of this shard left are
// removed.
func (p PartFiles) Begin() error {
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return fmt.Errorf("store: creating the parts directory: %w", err)
	}
	if err := os.Remove(p.Marker); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: %w", err)
	}
	// (Only this host's: a process id says nothing about another's.)
	prefix := p.tempPrefix()
	old, _ := filepath.Glob(globQuote(prefix) + "*")
	for _, o := range old {
		if pid, err := strconv.Atoi(strings.TrimPrefix(o, prefix)); err == nil && pid != os.Getpid() && !processAlive(pid) {
			for _, f := range []string{o, o + "-wal", o + "-shm", LockPath(o), CheckpointPath(o)} {
				_ = os.RemoveAll(f)
			}
		}
	}
	return nil
}

// Commit puts a complete part in place: the temporary file tmp is renamed
// to the part (replacing an earlier run's), then the statistics are
// written, then the marker. A crash in between leaves no marker: merge
// refuses the part until the shard is run again.
func (p PartFiles) Commit(tmp string, st PartStats) error {
	if err := os.Rename(tmp, p.Part); err != nil {
		return fmt.Errorf("store: putting the part in place: %w", err)
	}
	return p.Mark(st)
}

// Mark writes the statistics and then the marker of a part that is in
// place: a Parquet output's shard, whose chunks were each renamed into
// place as they were completed (see Parquet).
func (p PartFiles) Mark(st PartStats) error {
	st.Part = filepath.Base(p.Part)
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(p.Stats, append(b, '\n')); err != nil {
		return err
	}
	return writeFileAtomic(p.Marker, nil)
}

// writeFileAtomic writes b to name through a temporary file and a rename,
// synced.
func writeFileAtomic(name string, b []byte) error {
	tmp := fmt.Sprintf("%s.tmp-%d", name, os.Getpid())
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: writing %s: %w", name, err)
	}
	return nil
}

func globQuote(s string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(s)
}

// A Part is a complete part of a sharded run, found by FindParts.
type Part struct {
	Files PartFiles
	Stats PartStats
}

// FindParts finds the parts of one sharded run among args (part files,
// their statistics files, or directories of parts) and checks that they
// make one whole run: every part complete (its marker and statistics
// present), all of one run (the same identity, number of shards, roots,
// options and version), each shard present once. The error names the
// shard that is missing, duplicated, incomplete or foreign. Parts come
// back in shard order.
func FindParts(args []string) ([]Part, error) {
	var stats []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		if st.IsDir() {
			found, err := filepath.Glob(filepath.Join(a, "part-*-of-*.json"))
			if err != nil {
				return nil, err
			}
			var kept []string
			for _, f := range found {
				if _, ok := ParsePartName(strings.TrimSuffix(filepath.Base(f), ".json")); ok {
					kept = append(kept, f)
				}
			}
			if len(kept) == 0 {
				return nil, fmt.Errorf("store: %s holds no part of a sharded run (no part-KKKKK-of-NNNNN.json)", a)
			}
			stats = append(stats, kept...)
			continue
		}
		base := filepath.Base(a)
		name := base
		if i := strings.IndexByte(base, '.'); i >= 0 {
			name = base[:i]
		}
		if _, ok := ParsePartName(name); !ok {
			return nil, fmt.Errorf("store: %s is not a part of a sharded run (want a name part-KKKKK-of-NNNNN.*, as pybatch analyze --shard writes)", a)
		}
		stats = append(stats, filepath.Join(filepath.Dir(a), name+".json"))
	}
	var parts []Part
	seen := map[string]bool{}
	for _, s := range stats {
		abs, _ := filepath.Abs(s)
		if seen[abs] {
			continue // the same part named twice (its file and its directory)
		}
		seen[abs] = true
		sh, _ := ParsePartName(strings.TrimSuffix(filepath.Base(s), ".json"))
		dir := filepath.Dir(s)
		b, err := os.ReadFile(s)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("store: %s (shard %s) is incomplete: %s is missing; run shard %s again", sh.PartName(), sh, s, sh)
			}
			return nil, fmt.Errorf("store: %w", err)
		}
		var st PartStats
		if err := json.Unmarshal(b, &st); err != nil || st.Run == "" {
			return nil, fmt.Errorf("store: %s is not the statistics of a part of a sharded run: %v", s, err)
		}
		if st.ShardOf() != sh {
			return nil, fmt.Errorf("store: %s says it is shard %d/%d, but is named %s", s, st.Shard, st.Shards, sh.PartName())
		}
		pf := PartsOf(dir, sh, st.Format)
		if st.Part != "" {
			pf.Part = filepath.Join(dir, st.Part)
		}
		if _, err := os.Stat(pf.Marker); err != nil {
			return nil, fmt.Errorf("store: %s (shard %s) is incomplete: no completion marker %s; run shard %s again", sh.PartName(), sh, pf.Marker, sh)
		}
		if st.Format == "parquet" {
			// The shard's chunks are in the tables' directories of dir.
			pf.Part = dir
			if !IsParquetDir(dir) {
				return nil, fmt.Errorf("store: %s (shard %s): %s is not a pybatch Parquet output (no _schema.json)", sh.PartName(), sh, dir)
			}
		} else if _, err := os.Stat(pf.Part); err != nil {
			return nil, fmt.Errorf("store: %s (shard %s): %w", sh.PartName(), sh, err)
		}
		parts = append(parts, Part{Files: pf, Stats: st})
	}
	if len(parts) == 0 {
		return nil, errors.New("store: no part given")
	}
	slices.SortStableFunc(parts, func(a, b Part) int { return a.Stats.Shard - b.Stats.Shard })
	// All of one run: the first part found decides; anything else is
	// foreign, and the message says how it differs.
	ref := parts[0]
	for _, p := range parts[1:] {
		if why := foreign(ref.Stats, p.Stats); why != "" {
			return nil, fmt.Errorf("store: %s is foreign: it belongs to another run than %s (%s)", p.Files.Part, ref.Files.Part, why)
		}
	}
	byShard := make([][]Part, ref.Stats.Shards)
	for _, p := range parts {
		byShard[p.Stats.Shard] = append(byShard[p.Stats.Shard], p)
	}
	var missing []string
	for k, ps := range byShard {
		switch {
		case len(ps) == 0:
			missing = append(missing, Shard{k, ref.Stats.Shards}.PartName())
		case len(ps) > 1:
			return nil, fmt.Errorf("store: shard %d/%d is given twice: %s and %s", k, ref.Stats.Shards, ps[0].Files.Part, ps[1].Files.Part)
		}
	}
	if len(missing) > 0 {
		n, more := len(missing), ""
		if n > 5 {
			more = fmt.Sprintf(" and %d more", n-5)
			missing = missing[:5]
		}
		return nil, fmt.Errorf("store: %d of %d shards are missing: %s%s (run them, or name the directory that holds them)", n, ref.Stats.Shards, strings.Join(missing, ", "), more)
	}
	return parts, nil
}

// foreign says how b differs from a as parts of one run, or "".
func foreign(a, b PartStats) string {
	switch {
	case a.Shards != b.Shards:
		return fmt.Sprintf("%d shards, not %d", b.Shards, a.Shards)
	case a.ToolVersion != b.ToolVersion:
		return fmt.Sprintf("pybatch %s, not %s", b.ToolVersion, a.ToolVersion)
	case a.OptionsHash != b.OptionsHash:
		return fmt.Sprintf("other options: %s, not %s", b.OptionsHash, a.OptionsHash)
	case !slices.Equal(a.Roots, b.Roots) || a.RootsHash != b.RootsHash:
		return fmt.Sprintf("roots %s, not %s: every machine must see the tree at the same path", strings.Join(b.Roots, ", "), strings.Join(a.Roots, ", "))
	case a.Plan != b.Plan:
		return fmt.Sprintf("its plan %s is not %s: the tree changed between the shards' walks; run every shard again", b.Plan, a.Plan)
	case a.Format != b.Format:
		return fmt.Sprintf("format %s, not %s", b.Format, a.Format)
	case a.Run != b.Run:
		return fmt.Sprintf("run %s, not %s", b.Run, a.Run)
	}
	return ""
}
