// Package slurm_test runs deploy/slurm/pybatch-array.sh on a real,
// single-node Slurm cluster (Debian's slurm-wlm and munge: slurmctld and
// slurmd on this host, as root, with a minimal slurm.conf and a munge key
// of their own in a temporary directory), merges the parts and compares
// the result with a single run of the same tree.
package slurm_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/storetest"
	"github.com/pybatch/pybatch/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// freePort is a TCP port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// daemon starts a daemon in the foreground, as a child that the test stops.
func daemon(t *testing.T, log string, name string, args ...string) {
	t.Helper()
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		f.Close()
	})
}

// cluster starts munged, slurmctld and slurmd for one node (this host)
// and returns the environment that points Slurm's commands at it.
func cluster(t *testing.T, dir string) []string {
	t.Helper()
	for _, c := range []string{"munged", "slurmctld", "slurmd", "sbatch", "sinfo", "scontrol"} {
		testenv.RequireCommand(t, c)
	}
	testenv.RequireRoot(t)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ = strings.Cut(host, ".")
	mdir := filepath.Join(dir, "munge")
	for _, d := range []string{mdir, filepath.Join(dir, "state"), filepath.Join(dir, "spool")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	key := make([]byte, 1024)
	if f, err := os.Open("/dev/urandom"); err == nil {
		_, _ = f.Read(key)
		f.Close()
	}
	if err := os.WriteFile(filepath.Join(mdir, "munge.key"), key, 0o400); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(mdir, "munge.sock")
	daemon(t, filepath.Join(dir, "munged.out"), "munged", "-F", "--force", "--socket="+sock,
		"--key-file="+filepath.Join(mdir, "munge.key"), "--pid-file="+filepath.Join(mdir, "munged.pid"),
		"--log-file="+filepath.Join(mdir, "munged.log"), "--seed-file="+filepath.Join(mdir, "munge.seed"))
	conf := filepath.Join(dir, "slurm.conf")
	err = os.WriteFile(conf, fmt.Appendf(nil, `ClusterName=pybatchtest
SlurmctldHost=%[1]s
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%[2]s
SlurmctldPort=%[3]d
SlurmdPort=%[4]d
StateSaveLocation=%[5]s/state
SlurmdSpoolDir=%[5]s/spool
SlurmctldPidFile=%[5]s/slurmctld.pid
SlurmdPidFile=%[5]s/slurmd.pid
SlurmctldLogFile=%[5]s/slurmctld.log
SlurmdLogFile=%[5]s/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
NodeName=%[1]s CPUs=%[6]d State=UNKNOWN
PartitionName=debug Nodes=%[1]s Default=YES MaxTime=INFINITE State=UP
`, host, sock, freePort(t), freePort(t), dir, nproc(t)), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "SLURM_CONF="+conf)
	waitFor(t, "munged's socket", func() bool { _, err := os.Stat(sock); return err == nil })
	daemon(t, filepath.Join(dir, "slurmctld.out"), "slurmctld", "-D", "-i", "-f", conf)
	daemon(t, filepath.Join(dir, "slurmd.out"), "slurmd", "-D", "-f", conf)
	waitFor(t, "the node to be idle", func() bool {
		cmd := exec.Command("sinfo", "-h", "-o", "%T")
		cmd.Env = env
		out, _ := cmd.Output()
		return strings.TrimSpace(string(out)) == "idle"
	})
	return env
}

// nproc is the number of CPUs slurmd will find.
func nproc(t *testing.T) int {
	out, err := exec.Command("nproc", "--all").Output()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(string(out), &n)
	return max(n, 1)
}

// waitFor polls ok until it holds, failing after a minute (the daemons
// start in a second; a minute is for a busy machine).
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for start := time.Now(); !ok(); time.Sleep(200 * time.Millisecond) {
		if time.Since(start) > time.Minute {
			t.Fatalf("waited a minute for %s", what)
		}
	}
}

func TestJobArrayMergesToTheSingleRun(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	env := cluster(t, dir)
	pybatch := testenv.BuildPybatch(t)
	script, err := filepath.Abs("pybatch-array.sh")
	if err != nil {
		t.Fatal(err)
	}
	tree := testenv.Stdlib(t)
	flags := []string{"--exclude", "/site-packages"}
	const tasks = 4
	parts := filepath.Join(dir, "parts")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// submit runs the array (or one task of it) and waits for it.
	submit := func(array string) string {
		t.Helper()
		start := time.Now()
		sb := exec.CommandContext(ctx, "sbatch", append([]string{"--wait", "--parsable", "--array=" + array, "--chdir=" + dir, script, tree}, flags...)...)
		sb.Env = append(env, "PARTS="+parts, "PYBATCH="+pybatch, fmt.Sprintf("PYBATCH_SHARDS=%d", tasks))
		out, err := sb.CombinedOutput()
		wall := time.Since(start)
		job := strings.TrimSpace(string(out))
		t.Logf("PYBATCH_SHARDS=%d sbatch --array=%s %s %s %s: job %s, %v wall", tasks, array, filepath.Base(script), tree, strings.Join(flags, " "), job, wall.Round(time.Millisecond))
		// Every task of the array, as Slurm saw it.
		sc := exec.Command("scontrol", "show", "job", "-o", job)
		sc.Env = env
		show, _ := sc.Output()
		for _, l := range strings.Split(strings.TrimSpace(string(show)), "\n") {
			var keep []string
			for _, f := range strings.Fields(l) {
				for _, k := range []string{"JobId=", "ArrayJobId=", "ArrayTaskId=", "JobState=", "ExitCode=", "RunTime=", "NodeList="} {
					if strings.HasPrefix(f, k) {
						keep = append(keep, f)
					}
				}
			}
			t.Logf("  %s", strings.Join(keep, " "))
		}
		logs, _ := filepath.Glob(filepath.Join(dir, "pybatch-"+job+"_*.log"))
		if err != nil {
			for _, l := range logs {
				b, _ := os.ReadFile(l)
				t.Logf("%s:\n%s", l, b)
			}
			for _, l := range []string{"slurmctld.log", "slurmd.log"} {
				b, _ := os.ReadFile(filepath.Join(dir, l))
				t.Logf("%s:\n%s", l, b)
			}
			t.Fatalf("sbatch: %v\n%s", err, out)
		}
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			if !strings.Contains(string(b), "pybatch-array: job "+job+" task ") {
				t.Errorf("%s does not name job %s:\n%s", l, job, b)
			}
		}
		return job
	}
	job := submit(fmt.Sprintf("0-%d", tasks-1))
	if logs, _ := filepath.Glob(filepath.Join(dir, "pybatch-"+job+"_*.log")); len(logs) != tasks {
		t.Errorf("%d task logs, want %d: %v", len(logs), tasks, logs)
	}
	// Task 2 again, alone: its part is replaced, the others stay.
	mtimes := map[string]time.Time{}
	partsNow, _ := filepath.Glob(filepath.Join(parts, "part-*-of-*.db"))
	for _, p := range partsNow {
		st, _ := os.Stat(p)
		mtimes[p] = st.ModTime()
	}
	if len(partsNow) != tasks {
		t.Fatalf("%d parts after the array: %v", len(partsNow), partsNow)
	}
	retry := submit("2")
	for _, p := range partsNow {
		st, _ := os.Stat(p)
		if changed := !st.ModTime().Equal(mtimes[p]); changed != strings.Contains(p, "part-00002-of-") {
			t.Errorf("after task 2 ran again (job %s), %s changed: %v", retry, filepath.Base(p), changed)
		}
	}

	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(pybatch, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pybatch %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	mstart := time.Now()
	run("merge", "-q", "-o", filepath.Join(dir, "merged.db"), parts)
	mwall := time.Since(mstart)
	run(append([]string{"analyze", "-q", "--progress", "none", "-o", filepath.Join(dir, "single.db"), tree}, flags...)...)
	got, want := storetest.DumpDB(t, filepath.Join(dir, "merged.db")), storetest.DumpDB(t, filepath.Join(dir, "single.db"))
	files := strings.Count(want[:strings.Index(want, "--\n")], "\n")
	if files < 100 {
		t.Fatalf("the single run holds %d files: not a real tree", files)
	}
	if got != want {
		t.Fatalf("the merge of job %s differs from the single run: %s", job, storetest.Diff(got, want))
	}
	t.Logf("merged %d parts in %v: identical to the single run (%d files, %d dump lines)", tasks, mwall.Round(time.Millisecond), files, strings.Count(want, "\n"))
}
