// Package buildinfo says which build of pybatch is running: its version, the
// commit it was built from, and the Go toolchain and platform, from the
// build information the Go linker embeds (runtime/debug.ReadBuildInfo).
package buildinfo

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by the release scripts (packaging/) with -ldflags -X, for builds
// whose VCS stamping is off (GOFLAGS=-buildvcs=false, no git, a source
// archive): the commit, its time (RFC 3339) and "true" when the work tree
// had uncommitted changes. The build information's own vcs.* settings win.
var (
	commit     string
	commitTime string
	modified   string
)

// pseudo matches the pseudo-versions that Go stamps on a local build with
// VCS information (v0.0.0-20260101000000-abcdef123456+dirty): they say no
// more than the commit.
var pseudo = regexp.MustCompile(`\d{14}-[0-9a-f]{12}(\+dirty)?$`)

// Info is what a binary knows about its own build.
type Info struct {
	Version  string // the tool version (batch.Version)
	Module   string // the main module's version when built from a tagged module (go install ...@v1.2.3); "" for a local build
	Commit   string // the VCS revision, "" when the build did not record one (no git, -buildvcs=false)
	Time     string // the commit's time (RFC 3339), when recorded
	Modified bool   // the work tree had changes that are not committed
	Go       string // the Go toolchain, e.g. go1.26.8
	Platform string // GOOS/GOARCH
}

// Read gathers the build information of the running binary; version is
// the tool's own version.
func Read(version string) Info {
	in := Info{Version: version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		Commit: commit, Time: commitTime, Modified: modified == "true"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return in
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" && !pseudo.MatchString(v) {
		in.Module = v // a tagged module: go install ...@v1.2.3
	}
	if bi.GoVersion != "" {
		in.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" { // the build stamped its own VCS state
			in.Time, in.Modified = "", false
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			in.Commit = s.Value
		case "vcs.time":
			in.Time = s.Value
		case "vcs.modified":
			in.Modified = s.Value == "true"
		}
	}
	return in
}

// String is what `pybatch version` prints:
//
//	pybatch 0.1.0-dev
//	commit  653fea3c0f2d... (2026-12-04T18:00:00Z, modified)
//	go      go1.26.8 linux/amd64
func (in Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pybatch %s", in.Version)
	if in.Module != "" && strings.TrimPrefix(in.Module, "v") != in.Version {
		fmt.Fprintf(&b, " (module %s)", in.Module)
	}
	b.WriteString("\ncommit  ")
	if in.Commit == "" {
		b.WriteString("unknown")
	} else {
		b.WriteString(in.Commit)
		var notes []string
		if in.Time != "" {
			notes = append(notes, in.Time)
		}
		if in.Modified {
			notes = append(notes, "modified")
		}
		if len(notes) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(notes, ", "))
		}
	}
	fmt.Fprintf(&b, "\ngo      %s %s\n", in.Go, in.Platform)
	return b.String()
}
