package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one schema step: applying it moves user_version to Version.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// migrations returns the embedded schema steps in order. File names are
// NNNN_name.sql; NNNN is the user_version after the step.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration file %s is not named NNNN_name.sql", e.Name())
		}
		b, err := migrationFS.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations are not numbered 1, 2, ...: %s", m.Name)
		}
	}
	return ms, nil
}

// SchemaVersion is the user_version of a database this package has
// migrated: the number of the last embedded migration.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Options configure Open.
type Options struct {
	// BatchSize is the number of records per transaction; 0 means 256. The
	// memory manager derives it from the budget.
	BatchSize int
	// BatchBytes also ends a batch: once the queued rows' encoded text
	// (reports as JSON) reaches this many bytes, they are committed,
	// however few records that is; 0 means 4 MiB. A Run holds at most two
	// batches (one filling, one committing), so this bounds its memory
	// whatever the size of the reports, where BatchSize alone would let
	// thousands of large reports pile up.
	BatchBytes int
	// MaxDelay commits the queued records once the oldest has waited this
	// long, however few they are, so that a crash loses at most about that
	// much work even with large batches; 0 means 1s, negative means never.
	// (It is checked when a record is queued.)
	MaxDelay time.Duration
	// Wait makes Open wait (until its context is done) while another run
	// holds the database, instead of refusing at once with ErrLocked.
	Wait bool
	// ReadOnly opens the database for queries only: no lock, no migration,
	// no runs. The schema must be the current one.
	ReadOnly bool
	// OnCommit, if set, is told how many records each commit made durable.
	OnCommit CommitFunc

	// migrateTo stops migrations at this version (tests of migrations).
	migrateTo int
	// bulkRowsAt replaces bulkRows (tests).
	bulkRowsAt int64
}

// bulkRows is how many records a run writes, at least, before it drops the
// files table's index by content (files_content) — and only once it has
// written more records than the table held when it began. That index takes
// its keys in no order (a copy's row joins its content's entries, written
// long before), so past the page cache each row written dirties a page of
// its own: over a first run of 1.5 million files, 130 copies of the same
// packages, the CPU outside the workers per file rose by a third as the run
// went (27.6 to 37.2 µs), and the run took 52 s instead of 45. Built again
// at the end of the run from the whole table at once (a sort), it takes
// about a second per million rows (bench/NOTES.md).
const bulkRows = 1 << 16

func (db *DB) bulkRows() int64 {
	if db.opts.bulkRowsAt > 0 {
		return db.opts.bulkRowsAt
	}
	return bulkRows
}

// indexContents builds the files table's index by content if a run dropped
// it (see bulkRows): at the end of that run, or when the database is next
// opened for writing after a run that ended without finishing (a crash,
// kill -9).
func (db *DB) indexContents(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS files_content ON files(content_id)`); err != nil {
		return describe(db.path, "indexing the files of", err)
	}
	return nil
}

// DB is a pybatch SQLite database. A writable DB holds the run lock (an
// flock on LockPath(path)) from Open to Close: one writer at a time, across
// processes. Queries (Known, Failed, Record) are safe from any goroutine;
// a Run serializes its own methods.
type DB struct {
	sql  *sql.DB
	path string
	opts Options
	lock *runLock

	rmu     sync.Mutex
	rd      *sql.DB          // read-only connections, opened by readers
	reports [2]*reportReader // on sql and on rd, made by reportReader
}

// Open opens (creating it if needed) the database at path, takes the run
// lock unless opts.ReadOnly, and migrates the schema to the current version.
// The database is in WAL mode with synchronous=FULL: a committed
// transaction survives a process kill and a power loss.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = 4 << 20
	}
	if opts.MaxDelay == 0 {
		opts.MaxDelay = time.Second
	}
	db := &DB{path: path, opts: opts}
	if !opts.ReadOnly {
		lock, err := acquireLock(ctx, LockPath(path), path, opts.Wait)
		if err != nil {
			return nil, err
		}
		db.lock = lock
	}
	if err := db.open(ctx); err != nil {
		db.lock.release()
		return nil, err
	}
	return db, nil
}

// readers returns a pool of read-only connections to the database, for
// lookups made alongside the writer from several goroutines (in WAL mode a
// reader neither waits for the writer nor blocks it). It is closed with db.
func (db *DB) readers(ctx context.Context) (*sql.DB, error) {
	db.rmu.Lock()
	defer db.rmu.Unlock()
	if db.rd != nil {
		return db.rd, nil
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "cache_size(-2048)")
	rd, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", db.path, err)
	}
	n := runtime.GOMAXPROCS(0)
	rd.SetMaxOpenConns(n)
	rd.SetMaxIdleConns(n)
	if err := rd.PingContext(ctx); err != nil {
		rd.Close()
		return nil, describe(db.path, "opening", err)
	}
	db.rd = rd
	return rd, nil
}

func (db *DB) open(ctx context.Context) error {
	q := url.Values{}
	// BEGIN IMMEDIATE: a writer takes the write lock at the start of its
	// transaction, so a busy database is reported (after busy_timeout) at
	// BEGIN, never as a failed commit halfway.
	q.Set("_txlock", "immediate")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	// The statement journal of a multi-row INSERT is a temporary file by
	// default: a pwrite per page. In memory it is bounded by one statement.
	q.Add("_pragma", "temp_store(MEMORY)")
	// SQLite's default page cache (2 MiB): writes are appends, and the
	// B-tree interior pages an upsert needs fit (bench/NOTES.md, store).
	q.Add("_pragma", "cache_size(-2048)")
	if db.opts.ReadOnly {
		// A read-write connection that makes no change (query_only), so
		// that closing it, the last one, removes the -wal and -shm files
		// as a writer's close does; a read-only one (mode=ro) would leave
		// them behind. Where the file cannot be written, SQLite opens it
		// read-only by itself.
		q.Set("mode", "rw")
		q.Add("_pragma", "query_only(1)")
	} else {
		// page_size only takes effect on a new database, before WAL mode.
		// The driver runs the _pragma list sorted by name, then
		// _journal_mode and _synchronous: so journal_mode is not in the list
		// (it would come before page_size). Larger pages cost memory and
		// save no CPU (bench/NOTES.md, store).
		q.Add("_pragma", "page_size(4096)")
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "FULL")
	}
	dsn := "file:" + (&url.URL{Path: db.path}).EscapedPath() + "?" + q.Encode()
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("store: opening %s: %w", db.path, err)
	}
	if !db.opts.ReadOnly {
		// One connection: the writer's transactions and its queries share it,
		// and prepared statements are prepared once.
		sdb.SetMaxOpenConns(1)
	}
	db.sql = sdb
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return describe(db.path, "opening", err)
	}
	var version int
	if err := sdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		sdb.Close()
		return describe(db.path, "reading the schema version of", err)
	}
	ms, err := migrations()
	if err != nil {
		sdb.Close()
		return err
	}
	if version > len(ms) {
		sdb.Close()
		return fmt.Errorf("store: %s has schema version %d, newer than this pybatch knows (%d); use a newer pybatch", db.path, version, len(ms))
	}
	if version == 0 {
		// A database pybatch did not create: never add tables to it.
		var tables int
		if err := sdb.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
			sdb.Close()
			return describe(db.path, "reading", err)
		}
		if tables > 0 {
			sdb.Close()
			return fmt.Errorf("store: %s is a SQLite database that pybatch did not create (it has tables and no pybatch schema version); write to another file", db.path)
		}
	}
	if db.opts.ReadOnly {
		if version != len(ms) {
			sdb.Close()
			return fmt.Errorf("store: %s has schema version %d, this pybatch reads version %d; open it for writing once to migrate it", db.path, version, len(ms))
		}
		return nil
	}
	if err := db.migrate(ctx, version, ms); err != nil {
		sdb.Close()
		return err
	}
	if db.opts.migrateTo == 0 {
		if err := db.indexContents(ctx); err != nil {
			sdb.Close()
			return err
		}
	}
	return nil
}

// migrate applies the migrations after version, each in its own
// transaction together with its user_version update.
func (db *DB) migrate(ctx context.Context, version int, ms []migration) error {
	target := len(ms)
	if db.opts.migrateTo > 0 {
		target = db.opts.migrateTo
	}
	for _, m := range ms[version:target] {
		tx, err := db.sql.BeginTx(ctx, nil)
		if err != nil {
			return describe(db.path, "migrating", err)
		}
		// Another process may have migrated while we waited for BEGIN.
		var now int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&now); err != nil {
			tx.Rollback()
			return describe(db.path, "migrating", err)
		}
		if now >= m.Version {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migrating %s to schema version %d (%s): %w", db.path, m.Version, m.Name, err)
		}
		if step := goMigrations[m.Version]; step != nil {
			if err := step(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("store: migrating %s to schema version %d: %w", db.path, m.Version, err)
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version)); err != nil {
			tx.Rollback()
			return describe(db.path, "migrating", err)
		}
		if err := tx.Commit(); err != nil {
			return describe(db.path, "migrating", err)
		}
	}
	return nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// SQL is the underlying database handle, for queries beyond this API.
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the database and releases the run lock. Close any Run first.
func (db *DB) Close() error {
	var err error
	for _, rr := range db.reports {
		if rr != nil {
			rr.Close()
		}
	}
	if db.rd != nil {
		err = db.rd.Close()
	}
	if cerr := db.sql.Close(); err == nil {
		err = cerr
	}
	if lerr := db.lock.release(); err == nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("store: closing %s: %w", db.path, err)
	}
	return nil
}

// describe wraps a SQLite error with what was being done to which file, and
// says in words what a full disk or an I/O error means.
func describe(file, doing string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("store: %s %s: the disk is full (or a file size limit was reached); free space and run again to resume: %w", doing, file, err)
		case sqlite3.SQLITE_IOERR:
			return fmt.Errorf("store: %s %s: I/O error (a full disk, a file size limit or a failing device); fix it and run again to resume: %w", doing, file, err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("store: %s %s: the database is busy (another process holds it): %w", doing, file, err)
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("store: %s %s: not a usable pybatch database: %w", doing, file, err)
		}
	}
	return fmt.Errorf("store: %s %s: %w", doing, file, err)
}
