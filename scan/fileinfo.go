package scan

import "time"

// SkipReason says why a file was not analyzed: the one vocabulary of skip
// reasons (FileInfo.Skip, result.Record.SkipReason, the skip_reason column
// and field of every output).
type SkipReason string

// Reasons for skipping, the values of FileInfo.Skip.
const (
	// SkipTooLarge: the file is larger than Options.MaxSize (the size
	// limit, --max-size). A file that grew past it after the scan fails
	// with the error class recovery.TooLarge instead.
	SkipTooLarge SkipReason = "too_large"
	// SkipTooLargeForMemory: the pipeline's, not the scanner's: the file
	// could never fit in the memory budget (memory.ErrTooLarge), even alone.
	SkipTooLargeForMemory SkipReason = "too_large_for_memory"
	// SkipBinary: a NUL byte in the first BinaryCheckSize bytes.
	SkipBinary SkipReason = "binary"
	// SkipNotRegular: a FIFO, socket, device or other non-regular file; it is
	// never opened (an open that races with a replacement uses O_NONBLOCK, so a
	// FIFO cannot block the scanner either).
	SkipNotRegular SkipReason = "not_regular"
	// SkipSymlink: a symbolic link matching the include globs while
	// Options.FollowSymlinks is off.
	SkipSymlink SkipReason = "symlink"
	// SkipBrokenSymlink: a followed symbolic link whose target does not exist.
	SkipBrokenSymlink SkipReason = "broken_symlink"
	// SkipSymlinkLoop: a followed link to a directory that is its own ancestor
	// (or a link chain the kernel refuses with ELOOP).
	SkipSymlinkLoop SkipReason = "symlink_loop"
	// SkipDuplicate: a followed link to a file or directory already yielded or
	// walked under another path.
	SkipDuplicate SkipReason = "duplicate"
	// SkipUnreadableDir: a directory that could not be opened or listed; Err
	// says why. The walk goes on elsewhere.
	SkipUnreadableDir SkipReason = "unreadable_dir"
	// SkipUnreadable: a file that could not be opened or read; Err says why.
	SkipUnreadable SkipReason = "unreadable"
	// SkipVanished: the file or directory was listed but was gone when it was
	// opened (deleted or renamed during the walk).
	SkipVanished SkipReason = "vanished"
	// SkipInvalidOptions: the only FileInfo of a Scan or Filter given options
	// that fail Options.Validate; Err is the validation error.
	SkipInvalidOptions SkipReason = "invalid_options"
	// SkipIgnored: a root directory that git ignores (it, or a directory
	// above it in the work tree, matches an ignore rule).
	SkipIgnored SkipReason = "ignored"
	// SkipNotFound: a root or explicit path that does not exist.
	SkipNotFound SkipReason = "not_found"
	// SkipArchiveLimit: an archive member not read because the archive's
	// decompressed bytes reached their limit (a compression bomb, or an
	// archive larger than the limit allows: --max-archive-bytes). In a tar,
	// whose members come one after the other, the members after it are
	// not read either (Err says so).
	SkipArchiveLimit SkipReason = "archive_limit"
	// SkipHardLink: an archive member that is a hard link to another
	// member (tar's link entries): the target has its own record.
	SkipHardLink SkipReason = "hardlink"
	// SkipNotPython: a Jupyter notebook whose language (its metadata's
	// language_info.name or kernelspec.language) is not Python; Err names
	// it. The worker decides this, once it has read the notebook.
	SkipNotPython SkipReason = "not_python"
	// SkipSubmodule: a git submodule in a revision's tree (a commit of
	// another repository, whose files this repository does not hold).
	SkipSubmodule SkipReason = "submodule"
)

// BinaryCheckSize is how many leading bytes are searched for a NUL byte.
const BinaryCheckSize = 8 << 10

// FileInfo is one file the scanner found (or one directory it could not walk).
// Skip == "" means it should be analysed (the original plan's is_valid).
// Size, ModTime, Dev and Ino are a snapshot taken when the scanner opened the
// file; the file may change before it is analysed, and the analyser reads it again.
type FileInfo struct {
	// Path is the root (as given) joined with the path below it.
	Path    string
	Size    int64
	ModTime time.Time
	// Dev and Ino identify the file on its device; zero when unknown.
	Dev, Ino uint64
	// IsDir is set for a directory reported with a Skip reason.
	IsDir bool
	// Skip is "" when the file should be analyzed, else one of the Skip*
	// reasons.
	Skip SkipReason
	// Err is the underlying error when Skip is caused by one.
	Err error
	// Unchanged is set when Options.Unchanged claimed the file: Size, ModTime,
	// Dev and Ino come from a stat, and the file was never opened.
	Unchanged bool
}

// Valid reports whether the file should be analysed.
func (f FileInfo) Valid() bool { return f.Skip == "" }
