package redisstore

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/newsdedup/newsdedup/dedup"
)

// cutProxy is a TCP proxy to a Redis server that, once armed, passes on
// only the next few bytes of the server's replies and then dies as a
// killed server does: every connection drops and new ones are refused.
type cutProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	conns []net.Conn
	left  int // armed: the reply bytes still passed on; -1 not armed
	down  bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cutProxy{ln: ln, target: target, left: -1}
	go p.accept()
	t.Cleanup(p.cut)
	return p
}

func (p *cutProxy) addr() string { return p.ln.Addr().String() }

func (p *cutProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			s.Close()
			return
		}
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() { _, _ = io.Copy(s, c) }()
		go p.replies(c, s)
	}
}

// replies copies the server's replies to the client, up to the armed
// number of bytes.
func (p *cutProxy) replies(c, s net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := s.Read(buf)
		if n > 0 {
			p.mu.Lock()
			out, last := buf[:n], false
			if p.left >= 0 {
				out, last = out[:min(n, p.left)], n >= p.left
				p.left -= len(out)
			}
			p.mu.Unlock()
			if _, werr := c.Write(out); werr != nil {
				return
			}
			if last {
				p.cut()
				return
			}
		}
		if err != nil {
			c.Close()
			return
		}
	}
}

// arm makes the proxy pass on n more reply bytes, then die.
func (p *cutProxy) arm(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.left = n
}

// cut drops every connection and refuses new ones.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}

// TestStatusAnsweredThenServerDies: a SetStatus whose script was answered
// ("decided") before the server died, the rest of its pipeline (the
// counter move) unanswered, reports the decision: the caller must write
// the article out, since a rerun finds the entry decided and reports it
// "already in the index". go-redis stamps the connection's error on every
// command of the pipeline, the answered ones too.
func TestStatusAnsweredThenServerDies(t *testing.T) {
	direct := serverURL(t)
	u, err := url.Parse(direct)
	require.NoError(t, err)
	for name, batching := range map[string]bool{"batched": true, "alone": false} {
		t.Run(name, func(t *testing.T) {
			ctx := ctxOf(t)
			p := newCutProxy(t, u.Host)
			pu := *u
			pu.Host = p.addr()
			prefix := testPrefix(t)
			dropOnCleanup(t, direct, prefix)
			s, err := Open(ctx, pu.String(), &Options{Prefix: prefix, Retry: 300 * time.Millisecond, NoBatching: !batching})
			require.NoError(t, err)
			defer s.Close()

			e := dedup.Entry{ID: "a", Seq: 1, Status: dedup.StatusPending, Sig: []byte("sig"),
				Owner: "w1", Lease: time.Now().Add(time.Minute), Added: time.Now()}
			_, ok, err := s.Insert(ctx, e, []uint64{1, 2})
			require.NoError(t, err)
			require.True(t, ok)

			p.arm(len(":0\r\n")) // the status script's reply, not the HINCRBY's
			err = s.SetStatus(ctx, "a", "w1", dedup.StatusAdmitted, "")
			assert.NoError(t, err, "the decision was answered before the server died")

			check, err := Open(ctx, direct, &Options{Prefix: prefix})
			require.NoError(t, err)
			defer check.Close()
			got, err := check.Get(ctx, "a")
			require.NoError(t, err)
			assert.Equal(t, dedup.StatusAdmitted, got.Status, "Redis holds the decision")
		})
	}
}
