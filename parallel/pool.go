package parallel

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// The wire protocol between a Pool and its worker processes is a stream of
// frames on the worker's stdin (requests) and stdout (responses). A frame is
// a 4-byte big-endian length followed by that many bytes of JSON. The worker
// speaks first, with a hello frame naming the protocol, so that a command
// that is not a worker is detected at start instead of failing every item.
// The worker's stderr is free text: the pool keeps its tail for crash
// reports.
const (
	protocolHello = "pybatch-worker/1"
	maxFrame      = 1 << 30 // a larger length is a protocol error, not an allocation
	stderrTail    = 4 << 10
)

type requestFrame[Req any] struct {
	ID  uint64 `json:"id"`
	Req Req    `json:"req"`
}

type responseFrame[Resp any] struct {
	ID    uint64 `json:"id"`
	Resp  Resp   `json:"resp"`
	Err   string `json:"err,omitempty"`
	Hello string `json:"hello,omitempty"`
}

func writeFrame(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) > maxFrame {
		return fmt.Errorf("frame of %d bytes exceeds the %d limit", len(b), maxFrame)
	}
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(len(b)))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// readFrame reads one frame into v. io.EOF means a clean end between
// frames; io.ErrUnexpectedEOF means the peer died in the middle of one.
func readFrame(r io.Reader, v any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return fmt.Errorf("frame length %d exceeds the %d limit", n, maxFrame)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return json.Unmarshal(b, v)
}

// ServeWorker is the worker side of a Pool: it announces itself on w, then
// reads requests from r and answers each with handle's result, until r ends
// (the pool closed the worker's stdin) or ctx is done. A panic in handle is
// returned to the pool as that request's error and the worker carries on; a
// fatal runtime error or an exit kills the process, which the pool reports as
// a crash of that one request.
func ServeWorker[Req, Resp any](ctx context.Context, r io.Reader, w io.Writer, handle func(context.Context, Req) (Resp, error)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := writeFrame(bw, responseFrame[Resp]{Hello: protocolHello}); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	for ctx.Err() == nil {
		var req requestFrame[Req]
		if err := readFrame(br, &req); err != nil {
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("worker: reading request: %w", err)
		}
		resp := responseFrame[Resp]{ID: req.ID}
		out, err := safeCall(ctx, handle, req.Req)
		if err != nil {
			resp.Err = err.Error()
		} else {
			resp.Resp = out
		}
		if err := writeFrame(bw, resp); err != nil {
			return fmt.Errorf("worker: writing response: %w", err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("worker: writing response: %w", err)
		}
	}
	return ctx.Err()
}

// ErrWorkerCrashed is wrapped by the error of an item whose worker process
// died while holding it.
var ErrWorkerCrashed = errors.New("worker process crashed")

// ErrWorkerStart is wrapped by the error of an item for which no worker
// process could be started (bad command, not a worker, resource limits).
var ErrWorkerStart = errors.New("cannot start worker process")

// RemoteError is an error the worker's handler returned (or a panic it
// recovered) for one request; the worker process is fine.
type RemoteError struct{ Msg string }

func (e *RemoteError) Error() string { return e.Msg }

// PoolOptions configure a Pool.
type PoolOptions struct {
	// Size is the number of worker processes; <= 0 means DefaultWorkers().
	// Processes are started on first use.
	Size int
	// Command returns a fresh, unstarted command that runs ServeWorker on its
	// stdin and stdout (typically the current executable with a hidden
	// subcommand). The pool sets Stdin, Stdout and Stderr; it must not.
	Command func() *exec.Cmd
	// MaxTasks recycles a worker process after it has completed this many
	// requests (it is asked to exit and a fresh one takes its place on next
	// use); 0 means never.
	MaxTasks int
	// Stderr, when set, receives the workers' stderr as well as the tail
	// kept for crash reports.
	Stderr io.Writer
	// Timeout is the time limit of one request, counted from when it is sent
	// to a running worker (so neither waiting for a free worker nor starting
	// one counts): a worker over it is killed and replaced, and Do returns an
	// error wrapping ErrTimeout. 0 means none (the caller's context still
	// applies).
	Timeout time.Duration
	// StartTimeout bounds the start of a worker process, up to its hello;
	// <= 0 means 30 seconds.
	StartTimeout time.Duration
	// StopTimeout is how long Close waits for a worker to exit after its
	// stdin is closed before killing it; <= 0 means 5 seconds.
	StopTimeout time.Duration
}

// PoolStats count what happened to worker processes.
type PoolStats struct {
	Started  int64 // processes started
	Crashed  int64 // died while holding a request
	Killed   int64 // killed because the request's context ended (timeout, cancellation)
	Recycled int64 // retired after MaxTasks requests
}

// Pool runs requests in worker processes. Do may be called from many
// goroutines; at most Size requests run at once, one per process.
type Pool[Req, Resp any] struct {
	opts PoolOptions
	// slots holds one entry per allowed process: nil until a process is
	// started in that slot. Holding a slot is the right to use its process.
	slots   chan *proc
	nextID  atomic.Uint64
	stats   struct{ started, crashed, killed, recycled atomic.Int64 }
	retired sync.WaitGroup // background waits for recycled processes
}

// proc is one worker process. It is owned by whoever holds its slot.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	tail  *tailBuffer
	done  chan struct{} // closed when cmd.Wait has returned
	werr  error         // cmd.Wait's result, valid after done
	tasks int
}

// NewPool returns a pool; no process is started until the first Do.
func NewPool[Req, Resp any](opts PoolOptions) (*Pool[Req, Resp], error) {
	if opts.Command == nil {
		return nil, errors.New("parallel: PoolOptions.Command is required")
	}
	if opts.Size <= 0 {
		opts.Size = DefaultWorkers()
	}
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = 5 * time.Second
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 30 * time.Second
	}
	p := &Pool[Req, Resp]{opts: opts, slots: make(chan *proc, opts.Size)}
	for range opts.Size {
		p.slots <- nil
	}
	return p, nil
}

// Stats returns the counters so far.
func (p *Pool[Req, Resp]) Stats() PoolStats {
	return PoolStats{
		Started:  p.stats.started.Load(),
		Crashed:  p.stats.crashed.Load(),
		Killed:   p.stats.killed.Load(),
		Recycled: p.stats.recycled.Load(),
	}
}

// Do sends req to an idle worker process and returns its response. If the
// process dies while holding req, the error wraps ErrWorkerCrashed (with the
// exit status and the tail of its stderr) and the process is replaced on next
// use. If the request exceeds PoolOptions.Timeout, or ctx ends first, the
// process is killed and replaced, and the error wraps ErrTimeout or is ctx's
// cause.
func (p *Pool[Req, Resp]) Do(ctx context.Context, req Req) (Resp, error) {
	var zero Resp
	var pr *proc
	select {
	case pr = <-p.slots:
	case <-ctx.Done():
		return zero, context.Cause(ctx)
	}
	if pr == nil {
		var err error
		pr, err = p.start(ctx)
		if err != nil {
			p.slots <- nil
			return zero, err
		}
	}

	rctx := ctx
	if p.opts.Timeout > 0 {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeoutCause(ctx, p.opts.Timeout, fmt.Errorf("%w after %v", ErrTimeout, p.opts.Timeout))
		defer cancel()
	}
	id := p.nextID.Add(1)
	type reply struct {
		resp responseFrame[Resp]
		err  error
	}
	ch := make(chan reply, 1)
	go func() {
		var r reply
		if err := writeFrame(pr.stdin, requestFrame[Req]{ID: id, Req: req}); err != nil {
			r.err = err
		} else {
			r.err = readFrame(pr.out, &r.resp)
		}
		ch <- r
	}()

	select {
	case r := <-ch:
		if r.err != nil {
			// A broken pipe or a cut frame: the process is dying or dead.
			p.stats.crashed.Add(1)
			err := p.crashError(pr, r.err)
			p.slots <- nil
			return zero, err
		}
		if r.resp.ID != id {
			p.kill(pr)
			p.slots <- nil
			return zero, fmt.Errorf("%w: protocol error: response id %d for request %d", ErrWorkerCrashed, r.resp.ID, id)
		}
		pr.tasks++
		if p.opts.MaxTasks > 0 && pr.tasks >= p.opts.MaxTasks {
			p.stats.recycled.Add(1)
			p.retire(pr)
			p.slots <- nil
		} else {
			p.slots <- pr
		}
		if r.resp.Err != "" {
			return zero, &RemoteError{Msg: r.resp.Err}
		}
		return r.resp.Resp, nil
	case <-rctx.Done():
		p.stats.killed.Add(1)
		p.kill(pr)
		<-ch // the kill closes the pipes, so the round trip returns
		p.slots <- nil
		return zero, context.Cause(rctx)
	}
}

// start launches a worker process and waits for its hello.
func (p *Pool[Req, Resp]) start(ctx context.Context) (*proc, error) {
	cmd := p.opts.Command()
	if cmd == nil {
		return nil, fmt.Errorf("%w: Command returned nil", ErrWorkerStart)
	}
	setProcAttr(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWorkerStart, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWorkerStart, err)
	}
	tail := &tailBuffer{max: stderrTail}
	if p.opts.Stderr != nil {
		cmd.Stderr = io.MultiWriter(tail, p.opts.Stderr)
	} else {
		cmd.Stderr = tail
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWorkerStart, err)
	}
	p.stats.started.Add(1)
	pr := &proc{cmd: cmd, stdin: stdin, out: bufio.NewReaderSize(stdout, 64<<10), tail: tail, done: make(chan struct{})}
	// cmd.Wait closes stdout after the process exits; the readers of stdout
	// (hello, round trips) either finish before that or get an EOF, which is
	// exactly the crash signal we want.
	go func() {
		pr.werr = cmd.Wait()
		close(pr.done)
	}()

	hello := make(chan error, 1)
	go func() {
		var h responseFrame[Resp]
		err := readFrame(pr.out, &h)
		if err == nil && h.Hello != protocolHello {
			err = fmt.Errorf("unexpected hello %q (want %q)", h.Hello, protocolHello)
		}
		hello <- err
	}()
	limit := time.NewTimer(p.opts.StartTimeout)
	defer limit.Stop()
	select {
	case err := <-hello:
		if err != nil {
			p.kill(pr)
			return nil, fmt.Errorf("%w: %w%s", ErrWorkerStart, err, pr.stderrNote())
		}
	case <-limit.C:
		p.kill(pr)
		<-hello
		return nil, fmt.Errorf("%w: no hello within %v%s", ErrWorkerStart, p.opts.StartTimeout, pr.stderrNote())
	case <-ctx.Done():
		p.kill(pr)
		<-hello
		return nil, context.Cause(ctx)
	}
	return pr, nil
}

// crashError waits (briefly) for the dead process and describes its death.
func (p *Pool[Req, Resp]) crashError(pr *proc, ioErr error) error {
	select {
	case <-pr.done:
	case <-time.After(p.opts.StopTimeout):
		p.kill(pr) // alive but speaking nonsense: make sure it is gone
	}
	status := "still running"
	select {
	case <-pr.done:
		if pr.werr != nil {
			status = pr.werr.Error()
		} else {
			status = "exit status 0"
		}
	default:
	}
	return fmt.Errorf("%w (pid %d, %s; %v)%s", ErrWorkerCrashed, pr.cmd.Process.Pid, status, ioErr, pr.stderrNote())
}

func (pr *proc) stderrNote() string {
	if s := pr.tail.String(); s != "" {
		return "; stderr: " + s
	}
	return ""
}

// kill ends a process now and waits for it.
func (p *Pool[Req, Resp]) kill(pr *proc) {
	_ = pr.cmd.Process.Kill()
	_ = pr.stdin.Close()
	<-pr.done
}

// retire asks a process to exit (EOF on its stdin) and reaps it in the
// background, killing it if it lingers.
func (p *Pool[Req, Resp]) retire(pr *proc) {
	_ = pr.stdin.Close()
	p.retired.Go(func() {
		select {
		case <-pr.done:
		case <-time.After(p.opts.StopTimeout):
			p.kill(pr)
		}
	})
}

// Close waits for requests in progress, then stops every worker process
// (closing its stdin, killing it after StopTimeout). The pool must not be
// used after Close.
func (p *Pool[Req, Resp]) Close() error {
	for range p.opts.Size {
		if pr := <-p.slots; pr != nil {
			p.retire(pr)
		}
	}
	p.retired.Wait()
	return nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
