//go:build linux

// Command measure runs a command and reports its wall time, CPU time and
// peak memory, counting every process of its tree: the benchmark compares
// programs that use one process (pybatch, ctags) with programs that use
// many (the Python baseline's multiprocessing pool, pybatch --isolate), and
// GNU time's %M is only the largest single process.
//
//	go run ./bench/measure [-name NAME] [-interval 20ms] -- COMMAND [ARGS...]
//
// It prints one line: name, wall seconds, user and system CPU seconds (from
// wait4, which includes every descendant that was waited for), the peak of
// the sum of the RSS of the process and all its descendants (sampled from
// /proc every -interval), and the largest single-process RSS (ru_maxrss).
// The command's stdout and stderr pass through. Linux only.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	name := flag.String("name", "", "label printed with the figures (default: the command)")
	interval := flag.Duration("interval", 20*time.Millisecond, "RSS sampling interval (0: no sampling, peak tree RSS reported as 0)")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: measure [-name NAME] -- COMMAND [ARGS...]")
		os.Exit(2)
	}
	if *name == "" {
		*name = args[0]
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(1)
	}
	done := make(chan struct{})
	peak := make(chan [2]int64, 1)
	if *interval <= 0 {
		// No sampling: nothing competes with a short command for the CPU.
		peak <- [2]int64{}
	} else {
		go sample(cmd.Process.Pid, *interval, done, peak)
	}
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	treePeak := <-peak
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	user := time.Duration(ru.Utime.Nano())
	sys := time.Duration(ru.Stime.Nano())
	fmt.Fprintf(os.Stderr, "MEASURE %-28s wall %7.3fs  cpu %7.3fs (user %.3f sys %.3f)  peak tree RSS %7.1f MB  max process RSS %7.1f MB  exit %d  peak anon RSS %7.1f MB\n",
		*name, wall.Seconds(), (user + sys).Seconds(), user.Seconds(), sys.Seconds(),
		float64(treePeak[0])/1e6, float64(ru.Maxrss*1024)/1e6, cmd.ProcessState.ExitCode(), float64(treePeak[1])/1e6)
	if err != nil {
		os.Exit(cmd.ProcessState.ExitCode())
	}
}

// sample records the peak tree RSS of pid, and of its anonymous part,
// every interval until done.
func sample(pid int, interval time.Duration, done <-chan struct{}, peak chan<- [2]int64) {
	var max [2]int64
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		rss, anon := treeRSS(pid)
		max[0], max[1] = maxOf(max[0], rss), maxOf(max[1], anon)
		select {
		case <-done:
			peak <- max
			return
		case <-t.C:
		}
	}
}

func maxOf(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// treeRSS is the sum of VmRSS, and of RssAnon, over pid and its
// descendants.
func treeRSS(root int) (total, anon int64) {
	children := map[int][]int{}
	rss := map[int][2]int64{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/status")
		if err != nil {
			continue
		}
		var ppid int
		var kb, anonKB int64
		kbOf := func(v []byte) int64 {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(string(v)), "kB")), 10, 64)
			return n
		}
		for _, line := range bytes.Split(b, []byte{'\n'}) {
			if v, ok := bytes.CutPrefix(line, []byte("PPid:")); ok {
				ppid, _ = strconv.Atoi(strings.TrimSpace(string(v)))
			}
			if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
				kb = kbOf(v)
			}
			if v, ok := bytes.CutPrefix(line, []byte("RssAnon:")); ok {
				anonKB = kbOf(v)
			}
		}
		children[ppid] = append(children[ppid], pid)
		rss[pid] = [2]int64{kb * 1024, anonKB * 1024}
	}
	stack := []int{root}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		total += rss[p][0]
		anon += rss[p][1]
		stack = append(stack, children[p]...)
	}
	return total, anon
}
