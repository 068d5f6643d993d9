// Package kubernetes_test runs the exact commands of job.yaml (once per
// index, with JOB_COMPLETION_INDEX set, as the Indexed Job's pods would)
// and of merge-job.yaml on this machine, the shared volume being a
// temporary directory, and compares the merge with a single run; and it
// builds the binary as the Dockerfile does and checks that it is static.
package kubernetes_test

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/pybatch/pybatch/internal/storetest"
	"github.com/pybatch/pybatch/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// job is what the tests read of a Job manifest.
type job struct {
	Kind string
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    int
		Template       struct {
			Spec struct {
				Containers []struct {
					Command      []string
					Env          []struct{ Name, Value string }
					VolumeMounts []struct {
						Name      string
						MountPath string `yaml:"mountPath"`
					} `yaml:"volumeMounts"`
				}
				Volumes []struct {
					Name                  string
					PersistentVolumeClaim *struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				}
			}
		}
	}
}

func readJob(t *testing.T, name string) job {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var j job
	if err := yaml.Unmarshal(b, &j); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if j.Kind != "Job" || len(j.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("%s: not a Job of one container", name)
	}
	c := j.Spec.Template.Spec.Containers[0]
	if len(c.VolumeMounts) != 1 || len(j.Spec.Template.Spec.Volumes) != 1 || j.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim == nil ||
		c.VolumeMounts[0].Name != j.Spec.Template.Spec.Volumes[0].Name {
		t.Fatalf("%s: the container must mount one persistent volume, shared by the pods", name)
	}
	return j
}

// command is the container's command and environment with the volume's
// mount path replaced by vol and /pybatch by the binary built for the
// test.
func command(t *testing.T, j job, pybatch, vol string) ([]string, []string) {
	t.Helper()
	c := j.Spec.Template.Spec.Containers[0]
	mount := c.VolumeMounts[0].MountPath
	if len(c.Command) == 0 || c.Command[0] != "/pybatch" {
		t.Fatalf("the command %q does not run /pybatch, the image's binary", c.Command)
	}
	args := []string{pybatch}
	for _, a := range c.Command[1:] {
		if a == mount || strings.HasPrefix(a, mount+"/") {
			a = vol + strings.TrimPrefix(a, mount)
		}
		args = append(args, a)
	}
	var env []string
	for _, e := range c.Env {
		env = append(env, e.Name+"="+e.Value)
	}
	return args, env
}

func TestIndexedJobMergesToTheSingleRun(t *testing.T) {
	pybatch := testenv.BuildPybatch(t)
	j := readJob(t, "job.yaml")
	if j.Spec.CompletionMode != "Indexed" || j.Spec.Completions < 2 {
		t.Fatalf("job.yaml: completionMode %q, completions %d: want an Indexed Job of several pods", j.Spec.CompletionMode, j.Spec.Completions)
	}
	vol := t.TempDir()
	args, env := command(t, j, pybatch, vol)
	if !slices.Contains(env, "PYBATCH_SHARDS="+strconv.Itoa(j.Spec.Completions)) {
		t.Fatalf("job.yaml: PYBATCH_SHARDS must be the Job's completions (%d); env %v", j.Spec.Completions, env)
	}
	// The tree on the volume: a few packages of the standard library.
	stdlib := testenv.Stdlib(t)
	tree := filepath.Join(vol, "tree")
	if err := os.MkdirAll(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"email", "json", "asyncio", "importlib", "unittest", "xml", "http", "logging", "concurrent"} {
		if out, err := exec.Command("cp", "-R", filepath.Join(stdlib, pkg), filepath.Join(tree, pkg)).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v\n%s", err, out)
		}
	}
	if !slices.Contains(args, tree) {
		t.Fatalf("job.yaml's command %q does not analyze the volume's tree/", args)
	}
	// One pod per index, in a random order (they run at once, in any
	// order, on a cluster).
	order := testenv.Rand(t).Perm(j.Spec.Completions)
	for _, k := range order {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(append(os.Environ(), env...), fmt.Sprintf("JOB_COMPLETION_INDEX=%d", k))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("index %d: %v\n%s", k, err, out)
		}
	}
	m := readJob(t, "merge-job.yaml")
	margs, menv := command(t, m, pybatch, vol)
	cmd := exec.Command(margs[0], margs[1:]...)
	cmd.Env = append(os.Environ(), menv...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("merge-job.yaml: %v\n%s", err, out)
	}
	merged := ""
	for i, a := range margs {
		if a == "-o" && i+1 < len(margs) {
			merged = margs[i+1]
		}
	}
	// The single run: the same analyze flags, without --shard and -o.
	var single []string
	for i := 1; i < len(args); i++ {
		switch args[i] {
		case "--shard", "-o":
			i++
			continue
		}
		single = append(single, args[i])
	}
	singleDB := filepath.Join(t.TempDir(), "single.db")
	single = append([]string{single[0], "-o", singleDB}, single[1:]...)
	if out, err := exec.Command(pybatch, single...).CombinedOutput(); err != nil {
		t.Fatalf("pybatch %s: %v\n%s", strings.Join(single, " "), err, out)
	}
	got, want := storetest.DumpDB(t, merged), storetest.DumpDB(t, singleDB)
	if n := strings.Count(want[:strings.Index(want, "--\n")], "\n"); n < 100 {
		t.Fatalf("the single run holds %d files", n)
	}
	if got != want {
		t.Fatalf("the merge of %d pods differs from the single run: %s", j.Spec.Completions, storetest.Diff(got, want))
	}
}

// The image's binary is built as the Dockerfile builds it, and is static:
// FROM scratch has no C library to load.
func TestDockerfileBuildsAStaticBinary(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var build []string
	scratch := false
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 2 && f[0] == "FROM":
			scratch = f[1] == "scratch" || strings.HasPrefix(f[1], "gcr.io/distroless/static")
		case len(f) > 1 && f[0] == "RUN" && slices.Contains(f, "build"):
			build = f[1:]
		}
	}
	if !scratch {
		t.Fatal("the Dockerfile's last stage is not FROM scratch (or distroless/static)")
	}
	if len(build) < 3 || build[0] != "CGO_ENABLED=0" || build[1] != "go" {
		t.Fatalf("the Dockerfile's build is %q: want CGO_ENABLED=0 go build ...", build)
	}
	go_ := testenv.RequireCommand(t, "go")
	out := filepath.Join(t.TempDir(), "pybatch")
	var args []string
	for i := 2; i < len(build); i++ {
		a := strings.Trim(build[i], `"`)
		if a == "-o" {
			args = append(args, "-o", out)
			i++
			continue
		}
		args = append(args, a)
	}
	cmd := exec.Command(go_, append([]string{"build"}, args[1:]...)...)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary asks for a dynamic loader: it would not run FROM scratch")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("the binary needs %v", libs)
	}
}
