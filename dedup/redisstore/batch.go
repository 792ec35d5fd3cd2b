package redisstore

import (
	"context"
	"errors"
	"sync"

	"github.com/redis/go-redis/v9"
)

// A batcher sends the commands of concurrent Store calls together: each
// call queues its commands as one request, and a dispatcher packs the
// requests waiting at that moment into one pipeline, keeping at most
// inflight pipelines on the wire. With many goroutines checking articles,
// this turns many small requests into few large ones, which is what costs
// the client and the server CPU (a system call or two per request on each
// side), while a lone caller waits for no one.
//
// The commands of one request stay together and in order in the
// pipeline, and a request returns only when every command of its pipeline
// has been answered, so batching changes neither what a call does nor
// what it sees. A request's context bounds the caller's wait; the
// pipeline it joined runs on to its end (bounded by the client's
// timeouts).
type batcher struct {
	c        redis.UniversalClient
	max      int // most commands per pipeline (a request is never split)
	reqs     chan *request
	slots    chan struct{} // one per pipeline in flight
	closed   chan struct{}
	stopped  chan struct{} // closed when the dispatcher has returned
	flushes  sync.WaitGroup
	closeOne sync.Once
}

// request is the commands of one call.
type request struct {
	queue func(pipe redis.Pipeliner)
	n     int           // how many commands queue added
	cmds  []redis.Cmder // its commands, answered
	done  chan struct{}
}

var errStoreClosed = errors.New("store is closed")

func newBatcher(c redis.UniversalClient, maxCommands, inflight int) *batcher {
	b := &batcher{
		c:       c,
		max:     maxCommands,
		reqs:    make(chan *request),
		slots:   make(chan struct{}, inflight),
		closed:  make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go b.dispatch()
	return b
}

// do runs the commands queue adds, batched with those of concurrent
// calls, and returns them answered. Its error is the first error of its
// own commands (redis.Nil, "no such key", is not an error here: read it
// from the command).
func (b *batcher) do(ctx context.Context, queue func(pipe redis.Pipeliner)) ([]redis.Cmder, error) {
	r := &request{queue: queue, done: make(chan struct{})}
	select {
	case b.reqs <- r:
	case <-b.closed:
		return nil, errStoreClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	for _, c := range r.cmds {
		if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return r.cmds, err
		}
	}
	return r.cmds, nil
}

// dispatch takes a free slot, then the requests waiting (at least one),
// and flushes them as one pipeline.
func (b *batcher) dispatch() {
	defer close(b.stopped)
	for {
		select {
		case b.slots <- struct{}{}:
		case <-b.closed:
			return
		}
		var batch []*request
		select {
		case r := <-b.reqs:
			batch = append(batch, r)
		case <-b.closed:
			<-b.slots
			return
		}
		pipe := b.c.Pipeline()
		add := func(r *request) {
			n := pipe.Len()
			r.queue(pipe)
			r.n = pipe.Len() - n
		}
		add(batch[0])
	more:
		for pipe.Len() < b.max {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
				add(r)
			default:
				break more
			}
		}
		b.flushes.Add(1)
		go b.flush(pipe, batch)
	}
}

func (b *batcher) flush(pipe redis.Pipeliner, batch []*request) {
	defer b.flushes.Done()
	defer func() { <-b.slots }()
	// On a failure go-redis sets the error on every command it concerns
	// (all of them when the connection fails, those of one node on a
	// cluster), so each request reads its own.
	cmds, _ := pipe.Exec(context.Background())
	i := 0
	for _, r := range batch {
		r.cmds = cmds[i : i+r.n]
		i += r.n
		close(r.done)
	}
}

// close stops the dispatcher and waits for the pipelines in flight.
func (b *batcher) close() {
	b.closeOne.Do(func() { close(b.closed) })
	<-b.stopped
	b.flushes.Wait()
}
