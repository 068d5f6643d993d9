package buildinfo

import (
	"runtime"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	in := Info{Version: "1.2.0", Module: "v1.2.0", Commit: "abc123", Time: "2026-01-02T03:04:05Z", Modified: true, Go: "go1.26.8", Platform: "linux/amd64"}
	want := "pybatch 1.2.0\ncommit  abc123 (2026-01-02T03:04:05Z, modified)\ngo      go1.26.8 linux/amd64\n"
	if got := in.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	in = Info{Version: "0.1.0-dev", Module: "v0.0.0-20260101000000-abcdef123456", Go: "go1.26.8", Platform: "darwin/arm64"}
	want = "pybatch 0.1.0-dev (module v0.0.0-20260101000000-abcdef123456)\ncommit  unknown\ngo      go1.26.8 darwin/arm64\n"
	if got := in.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestPseudo(t *testing.T) {
	for v, want := range map[string]bool{"v0.0.0-20261204185049-2415c0f2e0d4+dirty": true, "v0.1.1-0.20261204185049-2415c0f2e0d4": true, "v1.2.0": false, "v1.2.0-rc.1": false} {
		if pseudo.MatchString(v) != want {
			t.Errorf("pseudo(%q) = %v", v, !want)
		}
	}
}

func TestRead(t *testing.T) {
	in := Read("9.9.9")
	if in.Version != "9.9.9" || in.Go != runtime.Version() || in.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("%+v", in)
	}
	if !strings.HasPrefix(in.String(), "pybatch 9.9.9") {
		t.Error(in.String())
	}
}
