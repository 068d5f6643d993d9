package parallel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the worker program: when this variable is set,
// TestMain serves the pool protocol instead of running tests. The crash and
// hang operations below exist only in this test binary, so nothing in
// production code can be made to crash on purpose.
const workerEnv = "PARALLEL_TEST_WORKER"

type testReq struct {
	Op string `json:"op"` // echo, crash, hang, panic, sigkill
	N  int    `json:"n"`
}

type testResp struct {
	PID int `json:"pid"`
	N   int `json:"n"`
}

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if d, err := time.ParseDuration(os.Getenv("PARALLEL_TEST_SLOW_START")); err == nil {
			time.Sleep(d)
		}
		err := ServeWorker(context.Background(), os.Stdin, os.Stdout, func(_ context.Context, r testReq) (testResp, error) {
			switch r.Op {
			case "crash":
				fmt.Fprintln(os.Stderr, "boom: worker exiting on purpose")
				os.Exit(7)
			case "sigkill":
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Hour)
			case "hang":
				for {
					time.Sleep(time.Hour)
				}
			case "panic":
				panic("kaboom")
			case "fail":
				return testResp{}, errors.New("handler says no")
			}
			return testResp{PID: os.Getpid(), N: r.N}, nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func workerCommand() *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	return cmd
}

func newTestPool(t *testing.T, opts PoolOptions) *Pool[testReq, testResp] {
	t.Helper()
	if opts.Command == nil {
		opts.Command = workerCommand
	}
	p, err := NewPool[testReq, testResp](opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func alive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}

func mustEcho(t *testing.T, p *Pool[testReq, testResp], n int) int {
	t.Helper()
	r, err := p.Do(t.Context(), testReq{Op: "echo", N: n})
	if err != nil {
		t.Fatalf("echo %d: %v", n, err)
	}
	if r.N != n {
		t.Fatalf("echo %d returned %d", n, r.N)
	}
	return r.PID
}

func TestPoolCrashFailsOnlyThatItemAndIsReplaced(t *testing.T) {
	for _, op := range []string{"crash", "sigkill"} {
		t.Run(op, func(t *testing.T) {
			p := newTestPool(t, PoolOptions{Size: 1})
			defer p.Close()
			pid1 := mustEcho(t, p, 1)
			_, err := p.Do(t.Context(), testReq{Op: op})
			if !errors.Is(err, ErrWorkerCrashed) {
				t.Fatalf("got %v, want ErrWorkerCrashed", err)
			}
			if op == "crash" && (!strings.Contains(err.Error(), "exit status 7") || !strings.Contains(err.Error(), "boom: worker exiting on purpose")) {
				t.Fatalf("crash error lacks exit status or stderr tail: %v", err)
			}
			if op == "sigkill" && !strings.Contains(err.Error(), "killed") {
				t.Fatalf("crash error lacks the signal: %v", err)
			}
			if alive(pid1) {
				t.Fatalf("crashed worker %d still exists", pid1)
			}
			pid2 := mustEcho(t, p, 2)
			if pid2 == pid1 {
				t.Fatal("crashed worker was not replaced")
			}
			if s := p.Stats(); s.Crashed != 1 || s.Started != 2 {
				t.Fatalf("stats %+v", s)
			}
		})
	}
}

func TestPoolHangIsKilledAndReplaced(t *testing.T) {
	p := newTestPool(t, PoolOptions{Size: 1})
	defer p.Close()
	pid1 := mustEcho(t, p, 1)
	ctx, cancel := context.WithTimeoutCause(t.Context(), 200*time.Millisecond, ErrTimeout)
	defer cancel()
	_, err := p.Do(ctx, testReq{Op: "hang"})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want the context's cause", err)
	}
	if alive(pid1) {
		t.Fatalf("hung worker %d was not killed", pid1)
	}
	if pid2 := mustEcho(t, p, 2); pid2 == pid1 {
		t.Fatal("hung worker was not replaced")
	}
	if s := p.Stats(); s.Killed != 1 || s.Started != 2 {
		t.Fatalf("stats %+v", s)
	}
}

func TestPoolHandlerPanicAndErrorKeepTheProcess(t *testing.T) {
	p := newTestPool(t, PoolOptions{Size: 1})
	defer p.Close()
	pid1 := mustEcho(t, p, 1)
	_, err := p.Do(t.Context(), testReq{Op: "panic"})
	var re *RemoteError
	if !errors.As(err, &re) || !strings.Contains(re.Msg, "kaboom") || !strings.Contains(re.Msg, "goroutine") {
		t.Fatalf("got %v, want a RemoteError with the panic and its stack", err)
	}
	_, err = p.Do(t.Context(), testReq{Op: "fail"})
	if !errors.As(err, &re) || re.Msg != "handler says no" {
		t.Fatalf("got %v", err)
	}
	if pid2 := mustEcho(t, p, 2); pid2 != pid1 {
		t.Fatal("a recovered panic must not cost the process")
	}
}

func TestPoolRecyclesAfterMaxTasks(t *testing.T) {
	p := newTestPool(t, PoolOptions{Size: 1, MaxTasks: 3})
	var pids []int
	for i := range 10 {
		pids = append(pids, mustEcho(t, p, i))
	}
	for i := range pids {
		if same := pids[i] == pids[i/3*3]; !same {
			t.Fatalf("pids %v: requests %d and %d should share a process", pids, i/3*3, i)
		}
		if i%3 == 0 && i > 0 && pids[i] == pids[i-1] {
			t.Fatalf("pids %v: process not recycled before request %d", pids, i)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Fatalf("worker %d still running after Close", pid)
		}
	}
	if s := p.Stats(); s.Recycled != 3 || s.Started != 4 || s.Crashed != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestPoolRejectsANonWorkerCommand(t *testing.T) {
	p := newTestPool(t, PoolOptions{Size: 1, Command: func() *exec.Cmd {
		return exec.Command("sh", "-c", "echo oops >&2; echo not a worker")
	}})
	defer p.Close()
	_, err := p.Do(t.Context(), testReq{Op: "echo"})
	if !errors.Is(err, ErrWorkerStart) || !strings.Contains(err.Error(), "oops") {
		t.Fatalf("got %v, want ErrWorkerStart with stderr", err)
	}
}

// Isolated mode end to end: Run with Pool.Do as the function, one slot per
// process, the pool's per-request timeout, and a mix of good, crashing and hanging items.
func TestRunWithPoolIsolatesCrashesAndHangs(t *testing.T) {
	// The timeout only has to be ample for an echo on a loaded machine; the
	// hangs wait it out.
	p := newTestPool(t, PoolOptions{Size: 2, MaxTasks: 5, Timeout: time.Second})
	ops := []string{"echo", "crash", "echo", "hang", "echo", "echo", "sigkill", "echo", "echo", "hang", "echo", "echo"}
	in := func(yield func(testReq) bool) {
		for i, op := range ops {
			if !yield(testReq{Op: op, N: i}) {
				return
			}
		}
	}
	got := map[string]int{}
	for r := range Run(t.Context(), in, p.Do, Options{Workers: 2}) {
		switch {
		case r.Err == nil:
			if r.Out.N != r.In.N {
				t.Fatalf("item %d got response %d", r.In.N, r.Out.N)
			}
			got["ok"]++
		case errors.Is(r.Err, ErrWorkerCrashed):
			got["crash"]++
		case errors.Is(r.Err, ErrTimeout):
			got["timeout"]++
		default:
			t.Fatalf("item %d (%s): %v", r.Index, r.In.Op, r.Err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"ok": 8, "crash": 2, "timeout": 2}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if s := p.Stats(); s.Crashed != 2 || s.Killed != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// PoolOptions.Timeout counts from when the request reaches a running worker:
// a slow start does not eat into it, a hang is killed by it. The worker's
// start is made longer than the timeout on purpose (a sleep in the worker,
// which is the condition under test, not a synchronisation); the timeout is
// ample for the echo itself.
func TestPoolTimeoutExcludesStartAndKillsHangs(t *testing.T) {
	p := newTestPool(t, PoolOptions{Size: 1, Timeout: 500 * time.Millisecond, Command: func() *exec.Cmd {
		cmd := workerCommand()
		cmd.Env = append(cmd.Env, "PARALLEL_TEST_SLOW_START=1s")
		return cmd
	}})
	defer p.Close()
	pid1 := mustEcho(t, p, 1) // starts slowly, well over the timeout
	_, err := p.Do(t.Context(), testReq{Op: "hang"})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if alive(pid1) {
		t.Fatal("the hung worker was not killed")
	}
	if pid2 := mustEcho(t, p, 2); pid2 == pid1 {
		t.Fatal("the hung worker was not replaced")
	}
}
