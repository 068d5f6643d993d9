package scan

import (
	"encoding/binary"
	"hash/fnv"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pybatch/pybatch/internal/varblob"
)

// DirCache remembers, between runs, what each directory's listing gave the
// walk (its subdirectories to walk and its candidate files), so that a walk
// over an unchanged tree stats a directory instead of opening, listing and
// closing it (a re-run's walk is mostly those system calls; bench/NOTES.md).
// It is git's untracked cache, with the same reasoning and the same guards:
//
//   - A directory's modification and change times move whenever an entry is
//     created, removed or renamed in it; an entry is used only when the
//     directory's device, inode, mtime and ctime (ns) are the ones recorded.
//     (The ctime cannot be set back: a tool that restores directory mtimes,
//     like tar, cp -p or rsync -t, does not fool the cache.)
//   - A directory changed within racyWindow of its listing is not trusted:
//     a change made in the same timestamp tick after the listing would leave
//     its times as they were. (As for git, this takes the clock to move
//     forward: set back between two changes, it could stamp the second with
//     the exact times of the first.)
//   - Only file systems known to keep that rule are trusted (ext2/3/4, XFS,
//     Btrfs, tmpfs, F2FS, by statfs(2)); elsewhere (NFS, FUSE, overlayfs...)
//     every directory is listed.
//   - The ignore rules a listing was classified under are part of the entry:
//     the sum of the chain of ignore files (their places and contents, from
//     the user's excludes file down to the directory's own .gitignore), and
//     the directory's place in its work tree. An edited .gitignore, global
//     excludes file or info/exclude makes the entries below it miss.
//   - Directories holding .git (a nested work tree), or named like an old
//     virtualenv (whose marker is in a subdirectory), and directories with
//     entries the walk reports (links, FIFOs), are always listed; so are all
//     directories when following links or detecting shebangs, or in sorted
//     mode.
//   - The options that decide what a listing keeps (globs, Stubs, Hidden,
//     SkipDirs, Virtualenvs, the ignore switches) are part of the cache:
//     entries recorded under other options, or for other roots, are not used.
//
// Files are never trusted from the cache: each candidate is still stat'ed
// (and asked about, or opened) as in a listing walk.
//
// One walk at a time records what it lists into a DirCache, and Encode
// returns the entries of its last complete walk; walks with ReadOnly views
// of it only read.
type DirCache struct {
	readOnly bool     // walks with this cache record nothing
	roots    []string // absolute roots of the loaded entries
	opts     uint64   // listingSum of the options they were recorded under
	rootOffs []int    // offset in data of each root's entry, -1 for none
	data     string   // the loaded entries, decoded when the walk needs them
	n        int      // how many entries data holds

	mu       sync.Mutex
	newRoots []string
	newOpts  uint64
	new      map[dirKey]*cachedDir
	complete bool
	changed  bool // the walk recorded a listing the loaded entries did not have

	fsOK map[uint64]bool // by device: the file system keeps the rule

	hits, misses atomic.Int64
}

// racyWindow: a directory changed this close to its listing is not trusted
// (file system timestamps tick coarsely).
const racyWindow = 2 * time.Second

// now is the clock the racy check reads (a variable for the tests, which
// cannot set a ctime in the past).
var now = time.Now

type dirKey struct {
	root int
	rel  string
}

// cachedDir is one directory's recorded listing. An untrusted entry (the
// directory changed just before its listing, or its file system or entries
// do not allow caching) is kept only to find its subdirectories' entries.
type cachedDir struct {
	dev, ino  uint64
	mtime     int64  // ns
	ctime     int64  // ns
	rules     uint64 // rulesSum of the directory's job after its own .gitignore
	trusted   bool
	gitignore bool // it has a regular .gitignore the walk read
	subdirs   []string
	subOffs   []int // offset of each subdirectory's entry in data, -1 for none (decoded entries)
	files     []string
}

// The encoding, in a stable order (post-order, subdirectories sorted), so
// that a directory's entry follows its subdirectories' and can point back
// at them: nothing but the entries the walk meets is ever decoded.
//
//	magic
//	8 bytes listingSum of the recording walk's options
//	uvarint len(body), body (the entries), then the roots:
//	uvarint nroots, nroots × (string path, varint offset of its entry or -1)
//	entry: uvarint dev, ino; varint mtime, ctime; 8 bytes rules; 1 byte flags;
//	       uvarint nsub, nsub × (string name, varint offset or -1);
//	       uvarint nfiles, nfiles × string name
//	string: uvarint length, bytes
const dirCacheMagic = "pybatch-dircache-4\n"

const (
	flagTrusted   = 1
	flagGitignore = 2
)

// NewDirCache returns a cache holding the entries data (from Encode) holds.
// Data that cannot be decoded gives an empty cache: every directory is
// listed, and recorded again. Entries are decoded only when the walk
// reaches their directory; one that turns out corrupt is a miss.
func NewDirCache(data []byte) *DirCache {
	c := &DirCache{}
	s, ok := strings.CutPrefix(string(data), dirCacheMagic)
	if !ok {
		return c
	}
	d := varblob.Decoder{S: s}
	opts := d.Uint64()
	n := d.Uvarint()
	if d.Err != nil || n > uint64(len(d.S)) {
		return c
	}
	body := d.S[:n]
	d.S = d.S[n:]
	count := d.Uvarint()
	nroots := d.Uvarint()
	var roots []string
	var offs []int
	for range min(nroots, 1<<16) {
		roots = append(roots, d.String())
		offs = append(offs, int(d.Varint()))
	}
	if d.Err != nil || len(d.S) != 0 || uint64(len(roots)) != nroots {
		return c
	}
	c.roots, c.opts, c.rootOffs, c.data, c.n = roots, opts, offs, body, int(count)
	return c
}

// ReadOnly returns a cache with the same entries whose walks record
// nothing: for a second walk (a counting walk) alongside the one that
// records.
func (c *DirCache) ReadOnly() *DirCache {
	return &DirCache{readOnly: true, roots: c.roots, opts: c.opts, rootOffs: c.rootOffs, data: c.data, n: c.n}
}

// Len is the number of directories the cache was loaded with.
func (c *DirCache) Len() int { return c.n }

// Stats returns how many directories were walked from the cache and how many
// had to be listed although the cache held a trusted entry for them.
func (c *DirCache) Stats() (hits, misses int64) { return c.hits.Load(), c.misses.Load() }

// entry decodes the entry at off, nil if there is none or it is corrupt.
func (c *DirCache) entry(off int) *cachedDir {
	if off < 0 || off >= len(c.data) {
		return nil
	}
	d := varblob.Decoder{S: c.data[off:]}
	e := &cachedDir{dev: d.Uvarint(), ino: d.Uvarint(), mtime: d.Varint(), ctime: d.Varint(), rules: d.Uint64()}
	flags := d.Byte()
	e.trusted, e.gitignore = flags&flagTrusted != 0, flags&flagGitignore != 0
	nsub := min(d.Uvarint(), uint64(len(d.S)))
	e.subdirs, e.subOffs = make([]string, 0, nsub), make([]int, 0, nsub)
	for range nsub {
		e.subdirs = append(e.subdirs, d.String())
		o := int(d.Varint())
		if o >= off { // entries point back only
			o = -1
		}
		e.subOffs = append(e.subOffs, o)
	}
	nfiles := min(d.Uvarint(), uint64(len(d.S)))
	e.files = make([]string, 0, nfiles)
	for range nfiles {
		e.files = append(e.files, d.String())
	}
	if d.Err != nil {
		return nil
	}
	return e
}

// subOff is the offset of the entry of e's subdirectory name, -1 if none.
func (e *cachedDir) subOff(name string) int {
	if e == nil || e.subOffs == nil {
		return -1
	}
	if i, ok := slices.BinarySearch(e.subdirs, name); ok {
		return e.subOffs[i]
	}
	return -1
}

// Changed reports whether the last complete recording walk found anything
// the cache was not loaded with (something new to store).
func (c *DirCache) Changed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.complete && (c.changed || len(c.new) != c.n || !slices.Equal(c.newRoots, c.roots) || c.newOpts != c.opts)
}

// Encode returns what the last complete recording walk found, or nil if no
// walk completed. It can be called once per walk.
func (c *DirCache) Encode() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.complete {
		return nil
	}
	var body []byte
	count := 0
	var write func(k dirKey) int
	write = func(k dirKey) int {
		e := c.new[k]
		if e == nil {
			return -1
		}
		delete(c.new, k)   // (once, whatever links lead to it)
		names := e.subdirs // (sorted: by finish, or as decoded)
		offs := make([]int, len(names))
		for i, name := range names {
			offs[i] = write(dirKey{k.root, joinRel(k.rel, name)})
		}
		off := len(body)
		body = binary.AppendUvarint(body, e.dev)
		body = binary.AppendUvarint(body, e.ino)
		body = binary.AppendVarint(body, e.mtime)
		body = binary.AppendVarint(body, e.ctime)
		body = binary.LittleEndian.AppendUint64(body, e.rules)
		var flags byte
		if e.trusted {
			flags |= flagTrusted
		}
		if e.gitignore {
			flags |= flagGitignore
		}
		body = append(body, flags)
		body = binary.AppendUvarint(body, uint64(len(names)))
		for i, name := range names {
			body = varblob.AppendString(body, name)
			body = binary.AppendVarint(body, int64(offs[i]))
		}
		body = binary.AppendUvarint(body, uint64(len(e.files)))
		for _, name := range e.files {
			body = varblob.AppendString(body, name)
		}
		count++
		return off
	}
	rootOffs := make([]int, len(c.newRoots))
	for i := range c.newRoots {
		rootOffs[i] = write(dirKey{i, ""})
	}
	b := []byte(dirCacheMagic)
	b = binary.LittleEndian.AppendUint64(b, c.newOpts)
	b = binary.AppendUvarint(b, uint64(len(body)))
	b = append(b, body...)
	b = binary.AppendUvarint(b, uint64(count))
	b = binary.AppendUvarint(b, uint64(len(c.newRoots)))
	for i, r := range c.newRoots {
		b = varblob.AppendString(b, r)
		b = binary.AppendVarint(b, int64(rootOffs[i]))
	}
	c.new, c.complete = nil, false // (consumed)
	return b
}

// rulesSum identifies the ignore rules a directory's entries are classified
// under: the frame chain, whether rules apply, and the directory's path in
// its work tree.
func rulesSum(j *dirJob) uint64 {
	h := fnv.New64a()
	var b [9]byte
	binary.LittleEndian.PutUint64(b[:8], j.frame.chainSum())
	if j.ignoring {
		b[8] = 1
	}
	h.Write(b[:])
	h.Write([]byte(j.gitRel))
	return h.Sum64()
}

// cacheWalk is one walk's use of a DirCache.
type cacheWalk struct {
	c      *DirCache
	lookup bool // the loaded entries are relative to this walk's roots
	record bool
}

func newCacheWalk(c *DirCache, cfg *config, roots []string) *cacheWalk {
	if c == nil || !dirCacheSupported || cfg.FollowSymlinks || cfg.Shebang || cfg.Sorted {
		return nil
	}
	abs := make([]string, len(roots))
	for i, r := range roots {
		a, err := filepath.Abs(r)
		if err != nil {
			return nil
		}
		abs[i] = a
	}
	opts := listingSum(cfg)
	cw := &cacheWalk{c: c, lookup: slices.Equal(abs, c.roots) && opts == c.opts, record: !c.readOnly}
	if cw.record {
		c.mu.Lock()
		c.newRoots, c.newOpts, c.new, c.complete, c.changed = abs, opts, make(map[dirKey]*cachedDir, c.n), false, false
		c.mu.Unlock()
	}
	return cw
}

// listingSum identifies the options that decide which entries of a listing
// the walk keeps: a cache recorded under other ones would hide files these
// include, or hand over files they exclude. (FollowSymlinks, Shebang and
// Sorted walk without the cache; MaxSize, the Unchanged hook and the
// listing-only modes act on the files the listing keeps; Getenv's effect,
// the ignore files, is in each entry's rules.)
func listingSum(cfg *config) uint64 {
	h := fnv.New64a()
	field := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	flag := func(b bool) {
		if b {
			field("1")
		} else {
			field("0")
		}
	}
	field("include")
	for _, g := range cfg.include { // (with Stubs' glob)
		field(g)
	}
	field("exclude")
	for _, g := range cfg.Exclude {
		field(g)
	}
	field("skipdirs")
	for _, d := range slices.Sorted(maps.Keys(cfg.skipDirs)) {
		field(d)
	}
	field("flags")
	flag(cfg.Hidden)
	flag(cfg.Virtualenvs)
	flag(cfg.NoIgnore)
	flag(cfg.NoRequireGit)
	flag(cfg.SkipIgnoredRoots)
	return h.Sum64()
}

// rootRef is the reference (offset+1, 0 for none) of root i's entry.
func (cw *cacheWalk) rootRef(i int) int {
	if cw == nil || !cw.lookup || i >= len(cw.c.rootOffs) {
		return 0
	}
	return cw.c.rootOffs[i] + 1
}

// find returns the entry j refers to, if any.
func (cw *cacheWalk) find(j *dirJob) *cachedDir {
	if cw == nil || !cw.lookup || j.cached <= 0 {
		return nil
	}
	return cw.c.entry(j.cached - 1)
}

// keep records e again for j: it was valid in this walk.
func (cw *cacheWalk) keep(j *dirJob, e *cachedDir) {
	if cw == nil || !cw.record {
		return
	}
	cw.c.mu.Lock()
	cw.c.new[dirKey{j.root, j.rel}] = e
	cw.c.mu.Unlock()
}

// trusted reports whether the file system of device dev (where path lives)
// updates directory times as the cache needs.
func (cw *cacheWalk) trusted(dev uint64, path string) bool {
	cw.c.mu.Lock()
	ok, known := cw.c.fsOK[dev]
	cw.c.mu.Unlock()
	if known {
		return ok
	}
	ok = fsKeepsDirMtime(path)
	cw.c.mu.Lock()
	if cw.c.fsOK == nil {
		cw.c.fsOK = map[uint64]bool{}
	}
	cw.c.fsOK[dev] = ok
	cw.c.mu.Unlock()
	return ok
}

// done marks the recording walk complete.
func (cw *cacheWalk) done() {
	if cw == nil || !cw.record {
		return
	}
	cw.c.mu.Lock()
	cw.c.complete = true
	cw.c.mu.Unlock()
}

// startRecord begins recording the listing of j, opened as d, listed at
// the time given; nil when this walk does not record.
func (cw *cacheWalk) startRecord(j *dirJob, d *dirReader, listed time.Time) *cachedDir {
	if cw == nil || !cw.record {
		return nil
	}
	e := &cachedDir{}
	st, err := d.stat()
	if err != nil {
		return e
	}
	e.dev, e.ino, e.mtime, e.ctime = st.dev, st.ino, st.mtime, st.ctime
	switch filepath.Base(j.path) {
	case ".venv", "venv", "env", "virtualenv", ".env":
	default:
		e.trusted = listed.Sub(time.Unix(0, max(st.mtime, st.ctime))) >= racyWindow && cw.trusted(st.dev, j.path)
	}
	return e
}

// finish stores the recorded listing e of j (after openDir's own rules);
// old is the entry the cache had for j, if any.
func (cw *cacheWalk) finish(e, old *cachedDir, j *dirJob, gitignore, dotGit bool) {
	if e == nil {
		return
	}
	if dotGit {
		e.trusted = false
	}
	e.rules, e.gitignore = rulesSum(j), gitignore
	slices.Sort(e.subdirs)
	slices.Sort(e.files)
	same := old != nil && e.dev == old.dev && e.ino == old.ino && e.mtime == old.mtime && e.ctime == old.ctime &&
		e.rules == old.rules && e.trusted == old.trusted && e.gitignore == old.gitignore &&
		slices.Equal(e.subdirs, old.subdirs) && slices.Equal(e.files, old.files)
	cw.c.mu.Lock()
	cw.c.new[dirKey{j.root, j.rel}] = e
	cw.c.changed = cw.c.changed || !same
	cw.c.mu.Unlock()
}
