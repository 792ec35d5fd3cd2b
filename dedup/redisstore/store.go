// Package redisstore is a dedup.Store on Redis (go-redis v9): one index
// shared by every crawler process and machine that opens the same URL and
// prefix. It runs on a single server and on Redis Cluster.
//
// # Key layout
//
// Every key starts with the namespace prefix P (Options.Prefix, default
// "newsdedup") and a colon:
//
//   - P:seq is a string counter. NextSeq is one INCRBY on it, so claim
//     numbers are unique across all clients (and increasing for each:
//     an Index takes them in blocks of 64).
//   - P:marker is a string the first Store of the namespace writes (a
//     random token). Its absence while a Store is open means Redis lost
//     its data (restarted without persistence, flushed): the Store then
//     fails with ErrDataLost rather than go on as if the index were new.
//   - P:e:ID is a hash per article ID (the raw id bytes, any string) with
//     the fields q (seq, decimal), s (status, 0 pending, 1 admitted, 2
//     duplicate), d (the DupOf id), g (the encoded signature, opaque
//     bytes), b (the entry's band keys, 8 bytes each, big-endian, so that
//     Remove knows which sets to leave), o and l (the lease of a pending
//     entry: owner and expiry, Unix milliseconds; once decided, o names
//     the writer that decided and l is 0),
//     a (added, Unix ms) and x (expires, Unix ms, 0 never). An entry with
//     an expiry has it as the key's expiry too (PEXPIREAT), so Redis
//     forgets it by itself.
//   - P:b:HHHHHHHHHHHHHHHH is a set per LSH band key, written as 16 lower
//     hex digits, holding the ids filed under it. Redis deletes a set when
//     its last member goes, so no empty sets are left. Band sets never
//     expire (a set may hold entries with and without expiry): a member
//     whose entry expired is skipped by Candidates and taken out by
//     Prune.
//   - P:stats is a hash of counters, fields entries, admitted and
//     duplicates, moved by HINCRBY as entries come, change status and go.
//
// # Redis Cluster
//
// No command and no script touches more than one key, so nothing depends
// on two keys sharing a hash slot and no key carries a hash tag: each key
// hashes whole, which spreads the entries and band sets over the slots (a
// Prefix that contains a {tag} pins the whole namespace to one slot, which
// also works). The three scripts (put, set status, remove) each read and
// write the single entry hash named in KEYS[1]. The insert script creates
// the hash only when it does not exist (and answers with the one there
// otherwise), so of concurrent Inserts of one id exactly one wins; the
// status and take-over scripts change a pending entry only under its
// owner's lease. An operation on several
// keys is a pipeline of single-key commands; go-redis splits it by node.
// Reads go to masters only (the client is never told to read replicas),
// so every acknowledged write is visible to every later read.
//
// # Ordering
//
// Insert writes the entry hash and adds the id to its band sets (in the
// same pipeline, so that a new article costs one round trip; when the
// script finds the id taken, a second pipeline takes the id out of the
// sets the winner's entry is not in); on Cluster
// these land on different nodes in no set order, so a concurrent
// Candidates may meet the id in a set before its hash exists, and then
// skips it, as if the Put had come a moment later. This is safe for the
// admission protocol of dedup.Index, which needs only that a Put's writes
// are all acknowledged when it returns (they are: every command of the
// pipeline is answered, by a master) and that every read is of a single
// key. Then, when a query of article B misses a write of article A, that
// read of B's came before A's write was acknowledged, hence before A's
// own query began, and B's Put, acknowledged before B's query, is seen by
// A's query in full. Remove deletes the hash first and then takes the id
// out of its sets; an id left in a set by a client that died between the
// two is skipped the same way and costs only a set member.
//
// # Round trips and batching
//
// Each call is one pipeline (two for Candidates, and a second one for the
// rare corrections), whatever the number of band keys, so a CheckAndAdd
// of dedup.Index costs four round trips: Insert, SMEMBERS of the bands,
// HMGET of the candidates, SetStatus, and an INCRBY per 64 articles
// (the Index reserves claim numbers in blocks, as a batch run does). Calls made
// at the same moment by different goroutines share pipelines (unless
// Options.NoBatching): with 16 goroutines checking articles a Store sends
// about 2.5 pipelines per article instead of 6.
//
// # Counters
//
// Stats reads P:stats (one command) rather than scanning the keys. Each
// counter move is sent in the same pipeline as the script that changes the
// entry, assuming the common case (Insert of a new id, SetStatus of a
// pending entry); when the guess was wrong a second pipeline corrects the
// counters. A client that dies between the two, a retried pipeline, or
// entries that Redis expired can leave them off; the entries themselves
// are always right, and Prune counts them afresh. BandKeys is -1:
// counting the sets would take a SCAN.
//
// # Faults
//
// A pipeline that fails with a transient error (a refused, reset or timed
// out connection, LOADING, TRYAGAIN, CLUSTERDOWN, MASTERDOWN, READONLY) is
// sent again with backoff (50 ms doubling to 2 s) for up to Options.Retry;
// before it is, the Store checks that P:marker is still there. Each
// command is safe to send twice: INCRBY only skips numbers, SADD and SREM
// are idempotent, an Insert answered with the Store's own entry (same
// claim number and signature) counts as inserted, and a SetStatus whose
// first reply was lost is answered ErrLeaseLost, which dedup.Index
// resolves by reading the decision. A SetStatus whose script was
// answered counts as done even when the rest of its pipeline (a counter
// move, other calls' commands) died with the connection: go-redis then
// marks every command of the pipeline failed, the answered ones too, and
// with a Redis that stays down a decision made would be reported failed,
// its article never written out. go-redis's own log lines are
// discarded (redis.SetLogger): errors reach the caller, never stderr.
package redisstore

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newsdedup/newsdedup/dedup"
)

// DefaultPrefix is the namespace of the keys when Options.Prefix is empty.
const DefaultPrefix = "newsdedup"

// DefaultPipelineBatch is the most commands sent in one pipeline when
// Options.PipelineBatch is zero.
const DefaultPipelineBatch = 1000

// Options configure a Store. A nil *Options, and the zero value of each
// field, mean the defaults.
type Options struct {
	// Prefix is the namespace of every key (see the key layout). Empty
	// means the URL's prefix parameter, or DefaultPrefix when there is
	// none. Stores that share a prefix share an index.
	Prefix string
	// Cluster connects with a Redis Cluster client, the URL's host being
	// one seed node (more with addr=HOST:PORT parameters). False means
	// the URL's cluster parameter decides (cluster=true), else a single
	// server.
	Cluster bool
	// TLSConfig, when not nil, replaces the TLS configuration that a
	// rediss:// URL implies (for a private CA or a client certificate),
	// and turns TLS on for a redis:// URL too.
	TLSConfig *tls.Config
	// PoolSize is the number of connections per node; 0 means go-redis's
	// default (10 per CPU).
	PoolSize int
	// PipelineBatch is the most commands sent in one pipeline, so that a
	// query over many band keys or candidates does not build one huge
	// request; 0 means DefaultPipelineBatch.
	PipelineBatch int
	// Pipelines is the most pipelines in flight at once when concurrent
	// calls are batched (see NoBatching); 0 means DefaultPipelines.
	Pipelines int
	// Retry is how long a call goes on retrying a transient failure (see
	// Faults in the package comment) before it fails; 0 means
	// DefaultRetry, a negative value never retries.
	Retry time.Duration
	// NoBatching sends the commands of each call as a pipeline of its own.
	// False (the default) packs the commands of concurrent calls, from
	// many goroutines, into shared pipelines, which saves the client and
	// the server much CPU when many goroutines check articles at once.
	NoBatching bool
}

// DefaultPipelines is the most batched pipelines in flight when
// Options.Pipelines is zero.
const DefaultPipelines = 4

// DefaultRetry is how long a call retries transient failures when
// Options.Retry is zero.
const DefaultRetry = 30 * time.Second

// ErrDataLost is returned when the namespace's marker key is gone while
// a Store is open: Redis lost the index (restarted without persistence,
// or flushed).
var ErrDataLost = errors.New("redisstore: the index's data is gone from Redis (marker key missing: restarted without persistence, or flushed)")

// quietLogger discards go-redis's log lines.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

var quietOnce sync.Once

// Store is a dedup.Store on Redis. It is safe for concurrent use by many
// goroutines, and by many processes and machines that open the same
// server (or cluster) with the same prefix.
type Store struct {
	c      redis.UniversalClient
	b      *batcher // nil with Options.NoBatching
	prefix string
	batch  int
	retry  time.Duration
	seq    string // P:seq
	stats  string // P:stats
	marker string // P:marker
	token  string // its value
	addr   string // the redacted URL, for messages
}

var _ dedup.Store = (*Store)(nil)

// Open connects to the Redis server (or cluster) at url and checks that
// it answers. The URL is redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or
// rediss://... for TLS; besides go-redis's own parameters (dial_timeout,
// pool_size...) it takes prefix=P (the key namespace) and cluster=true.
// A cluster has no DB number other than 0.
func Open(ctx context.Context, url string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	quietOnce.Do(func() { redis.SetLogger(quietLogger{}) })
	p, err := parseURL(url, o.Cluster)
	if err != nil {
		return nil, err
	}
	if o.Prefix == "" {
		o.Prefix = p.prefix
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.PipelineBatch <= 0 {
		o.PipelineBatch = DefaultPipelineBatch
	}
	if o.Pipelines <= 0 {
		o.Pipelines = DefaultPipelines
	}
	switch {
	case o.Retry == 0:
		o.Retry = DefaultRetry
	case o.Retry < 0:
		o.Retry = 0
	}
	c := p.client(o)
	s := &Store{
		c:      c,
		prefix: o.Prefix,
		batch:  o.PipelineBatch,
		retry:  o.Retry,
		seq:    o.Prefix + ":seq",
		stats:  o.Prefix + ":stats",
		marker: o.Prefix + ":marker",
		addr:   p.redacted,
	}
	if err := s.retrying(ctx, func() error { return c.Ping(ctx).Err() }); err != nil {
		c.Close()
		return nil, fmt.Errorf("redisstore: %s: %w", p.redacted, scrub(err, url))
	}
	if err := s.openMarker(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("redisstore: %s: %w", p.redacted, scrub(err, url))
	}
	if !o.NoBatching {
		s.b = newBatcher(c, o.PipelineBatch, o.Pipelines)
	}
	return s, nil
}

// openMarker reads the namespace's marker, writing one when there is none
// (a new index, or one written before markers).
func (s *Store) openMarker(ctx context.Context) error {
	var b [8]byte
	_, _ = crand.Read(b[:])
	token := hex.EncodeToString(b[:])
	return s.retrying(ctx, func() error {
		if err := s.c.SetNX(ctx, s.marker, token, 0).Err(); err != nil {
			return err
		}
		v, err := s.c.Get(ctx, s.marker).Result()
		if err != nil {
			return err
		}
		s.token = v
		return nil
	})
}

// checkMarker returns ErrDataLost when the marker is gone or changed.
func (s *Store) checkMarker(ctx context.Context) error {
	v, err := s.c.Get(ctx, s.marker).Result()
	if errors.Is(err, redis.Nil) || (err == nil && v != s.token) {
		return ErrDataLost
	}
	return err
}

// Prefix returns the key namespace of the store.
func (s *Store) Prefix() string { return s.prefix }

// Marker returns the namespace's marker token (P:marker): the same for
// every Store of one index, whatever URL reached it, and new when the
// index is (or its data was lost). Callers key what they keep about an
// index by it.
func (s *Store) Marker() string { return s.token }

// Client returns the go-redis client of the store (a *redis.Client or a
// *redis.ClusterClient), for callers that want to inspect the keys.
func (s *Store) Client() redis.UniversalClient { return s.c }

// Close waits for the pipelines in flight and closes the connections of
// the store; later calls fail.
func (s *Store) Close() error {
	if s.b != nil {
		s.b.close()
	}
	if err := s.c.Close(); err != nil {
		return fmt.Errorf("redisstore: close: %w", err)
	}
	return nil
}

func (s *Store) entryKey(id string) string { return s.prefix + ":e:" + id }

func (s *Store) bandKey(b uint64) string {
	const hexdigits = "0123456789abcdef"
	buf := make([]byte, 0, len(s.prefix)+3+16)
	buf = append(buf, s.prefix...)
	buf = append(buf, ":b:"...)
	for shift := 60; shift >= 0; shift -= 4 {
		buf = append(buf, hexdigits[b>>uint(shift)&0xf])
	}
	return string(buf)
}

// Hash fields of an entry.
const (
	fieldSeq     = "q"
	fieldStatus  = "s"
	fieldDupOf   = "d"
	fieldSig     = "g"
	fieldBands   = "b"
	fieldOwner   = "o"
	fieldLease   = "l"
	fieldAdded   = "a"
	fieldExpires = "x"
)

// Counter fields of P:stats.
const (
	statEntries    = "entries"
	statAdmitted   = "admitted"
	statDuplicates = "duplicates"
)

// NextSeq reserves n claim numbers greater than every one returned before
// by any client of the namespace (INCRBY P:seq n) and returns the first;
// the same pipeline reads the marker, so a Redis that lost its data is
// noticed at the next batch of claims (ErrDataLost).
func (s *Store) NextSeq(ctx context.Context, n int) (uint64, error) {
	if n < 1 {
		return 0, fmt.Errorf("redisstore: next seq: %d numbers", n)
	}
	var incr *redis.IntCmd
	var mark *redis.StringCmd
	err := s.run(ctx, func(pipe redis.Pipeliner) {
		mark = pipe.Get(ctx, s.marker)
		incr = pipe.IncrBy(ctx, s.seq, int64(n))
	})
	if err != nil {
		return 0, fmt.Errorf("redisstore: next seq: %w", err)
	}
	if v, err := mark.Result(); errors.Is(err, redis.Nil) || v != s.token {
		return 0, fmt.Errorf("redisstore: next seq: %w", ErrDataLost)
	}
	last := incr.Val()
	if last < int64(n) {
		return 0, fmt.Errorf("redisstore: next seq: counter %s is %d", s.seq, last)
	}
	return uint64(last - int64(n) + 1), nil
}

// Insert stores e, unless the id is taken, and files it under bands. A
// new id is one pipeline: the insert script on P:e:ID, an SADD per band
// key and the counter moves;
// a taken one costs a second pipeline that undoes the guesses.
func (s *Store) Insert(ctx context.Context, e dedup.Entry, bands []uint64) (dedup.Entry, bool, error) {
	if e.Status > dedup.StatusDuplicate {
		return dedup.Entry{}, false, fmt.Errorf("redisstore: insert %.100q: invalid status %d", e.ID, e.Status)
	}
	if e.Status != dedup.StatusPending {
		e.Lease = time.Time{}
	}
	packed := packBands(bands)
	guess := counterMove(statusAbsent, int(e.Status))
	exp := millis(e.Expires)
	var ins *redis.Cmd
	err := s.run(ctx, func(pipe redis.Pipeliner) {
		ins = insertScript.Eval(ctx, pipe, []string{s.entryKey(e.ID)},
			strconv.FormatUint(e.Seq, 10), int(e.Status), e.DupOf, e.Sig, packed,
			e.Owner, millis(e.Lease), millis(e.Added), exp)
		for _, b := range bands {
			pipe.SAdd(ctx, s.bandKey(b), e.ID)
		}
		guess.queue(ctx, pipe, s.stats)
	})
	if err != nil {
		return dedup.Entry{}, false, fmt.Errorf("redisstore: insert %.100q: %w", e.ID, err)
	}
	v, err := ins.Slice()
	if err != nil {
		return dedup.Entry{}, false, fmt.Errorf("redisstore: insert %.100q: %w", e.ID, err)
	}
	if len(v) == 1 {
		return dedup.Entry{}, true, nil
	}
	if len(v) != 10 {
		return dedup.Entry{}, false, fmt.Errorf("redisstore: insert %.100q: script reply of %d values", e.ID, len(v))
	}
	old, err := decodeEntry(e.ID, v[1:9])
	if err != nil {
		return dedup.Entry{}, false, fmt.Errorf("redisstore: insert %.100q: %w", e.ID, err)
	}
	if old.Seq == e.Seq && e.Seq != 0 && bytes.Equal(old.Sig, e.Sig) && old.Owner == e.Owner {
		// Our own entry: a retried pipeline whose first reply was lost.
		return dedup.Entry{}, true, nil
	}
	oldBands, _ := v[9].(string)
	keep := make(map[uint64]bool)
	for _, b := range unpackBands(oldBands) {
		keep[b] = true
	}
	err = s.run(ctx, func(pipe redis.Pipeliner) {
		counters{}.minus(guess).queue(ctx, pipe, s.stats)
		for _, b := range bands {
			if !keep[b] {
				pipe.SRem(ctx, s.bandKey(b), e.ID)
			}
		}
	})
	if err != nil {
		return dedup.Entry{}, false, fmt.Errorf("redisstore: insert %.100q: %w", e.ID, err)
	}
	return old, false, nil
}

// Candidates returns the entries filed under any of bands, each once: one
// pipeline of SMEMBERS, then one of HMGET over the distinct ids (split in
// batches of Options.PipelineBatch). An id whose entry is gone, or not yet
// written, is skipped.
func (s *Store) Candidates(ctx context.Context, bands []uint64) ([]dedup.Entry, error) {
	if len(bands) == 0 {
		return nil, nil
	}
	seenBand := make(map[uint64]bool, len(bands))
	var keys []string
	for _, b := range bands {
		if !seenBand[b] {
			seenBand[b] = true
			keys = append(keys, s.bandKey(b))
		}
	}
	var ids []string
	seen := make(map[string]bool)
	for start := 0; start < len(keys); start += s.batch {
		chunk := keys[start:min(start+s.batch, len(keys))]
		cmds := make([]*redis.StringSliceCmd, len(chunk))
		err := s.run(ctx, func(pipe redis.Pipeliner) {
			for i, k := range chunk {
				cmds[i] = pipe.SMembers(ctx, k)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("redisstore: candidates: %w", err)
		}
		for _, c := range cmds {
			for _, id := range c.Val() {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
	}
	out := make([]dedup.Entry, 0, len(ids))
	for start := 0; start < len(ids); start += s.batch {
		chunk := ids[start:min(start+s.batch, len(ids))]
		cmds := make([]*redis.SliceCmd, len(chunk))
		err := s.run(ctx, func(pipe redis.Pipeliner) {
			for i, id := range chunk {
				cmds[i] = pipe.HMGet(ctx, s.entryKey(id), entryFields...)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("redisstore: candidates: %w", err)
		}
		for i, c := range cmds {
			e, err := decodeEntry(chunk[i], c.Val())
			if errors.Is(err, dedup.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("redisstore: candidates: %w", err)
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// SetStatus records the decision about the entry id pending under
// owner: the status script on P:e:ID (which never creates an entry) and
// the counter moves, in one pipeline. It returns dedup.ErrLeaseLost when
// the entry is decided or held by another owner, dedup.ErrNotFound when
// there is none.
func (s *Store) SetStatus(ctx context.Context, id, owner string, st dedup.Status, dupOf string) error {
	if st > dedup.StatusDuplicate {
		return fmt.Errorf("redisstore: set status %.100q: invalid status %d", id, st)
	}
	guess := counterMove(int(dedup.StatusPending), int(st))
	// The first answer of the status script is the decision, even when
	// its pipeline failed after it (the connection died before the
	// counter move's reply): go-redis then stamps the connection's error
	// on every command, the answered ones too, and a Redis that stays
	// down would turn a decision made into an article never written out,
	// which a rerun reports "already in the index". A later answer (to a
	// retry) is -3, the entry being decided already.
	var set *redis.Cmd
	var answer int64
	answered := false
	note := func() {
		if v, ok := scriptInt(set); ok && !answered {
			answer, answered = v, true
		}
	}
	err := s.run(ctx, func(pipe redis.Pipeliner) {
		note()
		set = statusScript.Eval(ctx, pipe, []string{s.entryKey(id)}, owner, int(st), dupOf)
		guess.queue(ctx, pipe, s.stats)
	})
	note()
	switch {
	case !answered && err == nil:
		return fmt.Errorf("redisstore: set status %.100q: script reply %v", id, set.Val())
	case !answered:
		return fmt.Errorf("redisstore: set status %.100q: %w", id, err)
	case answer == 0:
		return nil // its counter move may be lost with the pipeline (Prune recounts)
	}
	r := int(answer)
	// Nothing changed: take the guess back.
	if err := s.run(ctx, func(pipe redis.Pipeliner) { counters{}.minus(guess).queue(ctx, pipe, s.stats) }); err != nil {
		return fmt.Errorf("redisstore: set status %.100q: %w", id, err)
	}
	if r == statusAbsent {
		return fmt.Errorf("redisstore: set status %.100q: %w", id, dedup.ErrNotFound)
	}
	return fmt.Errorf("redisstore: set status %.100q: %w", id, dedup.ErrLeaseLost)
}

// scriptInt returns the integer reply of a script command, when one was
// read (whatever error go-redis set on the command afterwards).
func scriptInt(c *redis.Cmd) (int64, bool) {
	if c == nil {
		return 0, false
	}
	v, ok := c.Val().(int64)
	return v, ok
}

// TakeOver hands the lease of the entry id pending under from to to,
// until until (the take-over script on P:e:ID).
func (s *Store) TakeOver(ctx context.Context, id, from, to string, until time.Time) error {
	var set *redis.Cmd
	err := s.run(ctx, func(pipe redis.Pipeliner) {
		set = takeOverScript.Eval(ctx, pipe, []string{s.entryKey(id)}, from, to, millis(until))
	})
	if err != nil {
		return fmt.Errorf("redisstore: take over %.100q: %w", id, err)
	}
	switch r, err := set.Int(); {
	case err != nil:
		return fmt.Errorf("redisstore: take over %.100q: %w", id, err)
	case r == statusAbsent:
		return fmt.Errorf("redisstore: take over %.100q: %w", id, dedup.ErrNotFound)
	case r != 0:
		return fmt.Errorf("redisstore: take over %.100q: %w", id, dedup.ErrLeaseLost)
	}
	return nil
}

// forEachNode calls fn on the single server, or on every master of a
// cluster, one at a time.
func (s *Store) forEachNode(ctx context.Context, fn func(ctx context.Context, c *redis.Client) error) error {
	switch c := s.c.(type) {
	case *redis.ClusterClient:
		var mu sync.Mutex
		var failed error
		return c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			if failed != nil {
				return failed // another node's failure ends the walk
			}
			failed = fn(ctx, node)
			return failed
		})
	case *redis.Client:
		return fn(ctx, c)
	}
	return fmt.Errorf("client of unexpected type %T", s.c)
}

// scanKeys calls fn with the keys matching pattern, 1000 at a time.
func (s *Store) scanKeys(ctx context.Context, pattern string, fn func(keys []string) error) error {
	return s.forEachNode(ctx, func(ctx context.Context, c *redis.Client) error {
		var cursor uint64
		for {
			var keys []string
			err := s.retrying(ctx, func() error {
				var err error
				var next uint64
				keys, next, err = c.Scan(ctx, cursor, pattern, 1000).Result()
				if err == nil {
					cursor = next
				}
				return err
			})
			if err != nil {
				return err
			}
			if len(keys) > 0 {
				if err := fn(keys); err != nil {
					return err
				}
			}
			if cursor == 0 {
				return nil
			}
		}
	})
}

// Scan calls fn with every entry of the namespace: SCAN over P:e:* (on
// every master of a cluster), then HMGET in pipelines.
func (s *Store) Scan(ctx context.Context, fn func(dedup.Entry) error) error {
	err := s.scanKeys(ctx, escapeGlob(s.prefix)+":e:*", func(keys []string) error {
		cmds := make([]*redis.SliceCmd, len(keys))
		err := s.run(ctx, func(pipe redis.Pipeliner) {
			for i, k := range keys {
				cmds[i] = pipe.HMGet(ctx, k, entryFields...)
			}
		})
		if err != nil {
			return err
		}
		for i, c := range cmds {
			e, err := decodeEntry(strings.TrimPrefix(keys[i], s.prefix+":e:"), c.Val())
			if errors.Is(err, dedup.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: scan: %w", err)
	}
	return nil
}

// Prune removes the entries expired at now that Redis still holds (it
// deletes expired keys by itself), takes out of the band sets the members
// whose entry is gone, and counts the entries afresh into P:stats.
func (s *Store) Prune(ctx context.Context, now time.Time) (int, error) {
	var c counters
	var expired []string
	err := s.Scan(ctx, func(e dedup.Entry) error {
		if !e.Expires.IsZero() && !e.Expires.After(now) {
			expired = append(expired, e.ID)
			return nil
		}
		c.add(int(e.Status), 1)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("redisstore: prune: %w", err)
	}
	n := 0
	for _, id := range expired {
		if err := s.Remove(ctx, id); err == nil {
			n++
		}
	}
	err = s.scanKeys(ctx, escapeGlob(s.prefix)+":b:*", func(keys []string) error {
		for _, k := range keys {
			var members *redis.StringSliceCmd
			err := s.run(ctx, func(pipe redis.Pipeliner) { members = pipe.SMembers(ctx, k) })
			if err != nil {
				return err
			}
			ids := members.Val()
			cmds := make([]*redis.IntCmd, len(ids))
			err = s.run(ctx, func(pipe redis.Pipeliner) {
				for i, id := range ids {
					cmds[i] = pipe.Exists(ctx, s.entryKey(id))
				}
			})
			if err != nil {
				return err
			}
			var gone []any
			for i, c := range cmds {
				if c.Val() == 0 {
					gone = append(gone, ids[i])
				}
			}
			if len(gone) > 0 {
				if err := s.run(ctx, func(pipe redis.Pipeliner) { pipe.SRem(ctx, k, gone...) }); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("redisstore: prune: %w", err)
	}
	err = s.run(ctx, func(pipe redis.Pipeliner) {
		pipe.HSet(ctx, s.stats, statEntries, c.entries, statAdmitted, c.admitted, statDuplicates, c.duplicates)
	})
	if err != nil {
		return n, fmt.Errorf("redisstore: prune: %w", err)
	}
	return n, nil
}

// escapeGlob escapes the glob characters of a SCAN MATCH pattern.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Get returns the entry of id (one HMGET), or dedup.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (dedup.Entry, error) {
	var get *redis.SliceCmd
	err := s.run(ctx, func(pipe redis.Pipeliner) {
		get = pipe.HMGet(ctx, s.entryKey(id), append(entryFields, fieldBands)...)
	})
	if err != nil {
		return dedup.Entry{}, fmt.Errorf("redisstore: get %q: %w", id, err)
	}
	vals := get.Val()
	if len(vals) != len(entryFields)+1 {
		return dedup.Entry{}, fmt.Errorf("redisstore: get %q: %d fields", id, len(vals))
	}
	e, err := decodeEntry(id, vals[:len(entryFields)])
	if b, ok := vals[len(entryFields)].(string); ok && err == nil && e.Status == dedup.StatusPending {
		e.Bands = unpackBands(b)
	}
	if err != nil {
		return dedup.Entry{}, fmt.Errorf("redisstore: get %q: %w", id, err)
	}
	return e, nil
}

// Remove deletes the entry of id (the remove script reads and deletes
// P:e:ID), then takes id out of its band sets and moves the counters in a
// second pipeline. It returns dedup.ErrNotFound when there is no entry.
func (s *Store) Remove(ctx context.Context, id string) error {
	var rm *redis.Cmd
	err := s.run(ctx, func(pipe redis.Pipeliner) { rm = removeScript.Eval(ctx, pipe, []string{s.entryKey(id)}) })
	if err != nil {
		return fmt.Errorf("redisstore: remove %q: %w", id, err)
	}
	old, oldBands, err := scriptOld(rm)
	if err != nil {
		return fmt.Errorf("redisstore: remove %q: %w", id, err)
	}
	if old == statusAbsent {
		return fmt.Errorf("redisstore: remove %q: %w", id, dedup.ErrNotFound)
	}
	err = s.run(ctx, func(pipe redis.Pipeliner) {
		for _, b := range unpackBands(oldBands) {
			pipe.SRem(ctx, s.bandKey(b), id)
		}
		counterMove(old, statusAbsent).queue(ctx, pipe, s.stats)
	})
	if err != nil {
		return fmt.Errorf("redisstore: remove %q: %w", id, err)
	}
	return nil
}

// Stats reads the counters of P:stats (one HMGET). BandKeys is -1.
func (s *Store) Stats(ctx context.Context) (dedup.StoreStats, error) {
	var get *redis.SliceCmd
	err := s.run(ctx, func(pipe redis.Pipeliner) { get = pipe.HMGet(ctx, s.stats, statEntries, statAdmitted, statDuplicates) })
	if err != nil {
		return dedup.StoreStats{}, fmt.Errorf("redisstore: stats: %w", err)
	}
	var n [3]int
	for i, v := range get.Val() {
		if v == nil {
			continue
		}
		str, ok := v.(string)
		if !ok {
			return dedup.StoreStats{}, fmt.Errorf("redisstore: stats: counter of unexpected type %T", v)
		}
		if n[i], err = strconv.Atoi(str); err != nil {
			return dedup.StoreStats{}, fmt.Errorf("redisstore: stats: %w", err)
		}
	}
	return dedup.StoreStats{Entries: n[0], Admitted: n[1], Duplicates: n[2], BandKeys: -1}, nil
}

// run sends the commands queue adds as one pipeline, batched with those
// of concurrent calls unless Options.NoBatching, and returns when all are
// answered; its error is the first of them (redis.Nil aside). A queue that
// adds no command sends nothing. A transient failure is retried (see
// retrying).
func (s *Store) run(ctx context.Context, queue func(pipe redis.Pipeliner)) error {
	return s.retrying(ctx, func() error { return s.runOnce(ctx, queue) })
}

func (s *Store) runOnce(ctx context.Context, queue func(pipe redis.Pipeliner)) error {
	if s.b != nil {
		_, err := s.b.do(ctx, queue)
		return err
	}
	pipe := s.c.Pipeline()
	queue(pipe)
	if pipe.Len() == 0 {
		return nil
	}
	cmds, _ := pipe.Exec(ctx)
	for _, c := range cmds {
		if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
	}
	return nil
}

// retrying calls fn until it succeeds, fails with an error that is not
// transient, or Options.Retry has passed since its first failure, backing
// off from 50 ms to 2 s; before each retry it checks the marker (once the
// Store has one). The error after the retries says how long they went on.
func (s *Store) retrying(ctx context.Context, fn func() error) error {
	err := fn()
	if err == nil || !transient(err) || s.retry <= 0 {
		return err
	}
	deadline := time.Now().Add(s.retry)
	delay := 50 * time.Millisecond
	tries := 1
	for {
		if time.Now().Add(delay).After(deadline) {
			return fmt.Errorf("%w (tried %d times in %v)", err, tries, s.retry)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (while retrying after: %v)", ctx.Err(), err)
		case <-t.C:
		}
		delay = min(2*delay, 2*time.Second)
		tries++
		if s.token != "" {
			if merr := s.checkMarker(ctx); merr != nil {
				if !transient(merr) {
					return merr
				}
				err = merr
				continue
			}
		}
		if err = fn(); err == nil || !transient(err) {
			return err
		}
	}
}

// transient reports whether err is worth retrying: the connection failed
// or timed out, or the server is loading, failing over or resharding.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"LOADING", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "redis: connection pool timeout"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// decodeEntry makes an Entry of the HMGET values of entryFields of id.
// The lease and time fields may be missing (an entry written before
// them).
func decodeEntry(id string, vals []any) (dedup.Entry, error) {
	if len(vals) != len(entryFields) {
		return dedup.Entry{}, fmt.Errorf("entry %q: %d fields, want %d", id, len(vals), len(entryFields))
	}
	if vals[0] == nil && vals[1] == nil {
		return dedup.Entry{}, dedup.ErrNotFound
	}
	var f [8]string
	for i, v := range vals {
		if v == nil {
			if i >= 4 {
				continue
			}
			return dedup.Entry{}, fmt.Errorf("entry %q: field %d missing", id, i)
		}
		str, ok := v.(string)
		if !ok {
			return dedup.Entry{}, fmt.Errorf("entry %q: field %d of unexpected type %T", id, i, v)
		}
		f[i] = str
	}
	seq, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		return dedup.Entry{}, fmt.Errorf("entry %q: seq: %w", id, err)
	}
	st, err := strconv.Atoi(f[1])
	if err != nil || st < 0 || st > int(dedup.StatusDuplicate) {
		return dedup.Entry{}, fmt.Errorf("entry %q: invalid status %q", id, f[1])
	}
	e := dedup.Entry{ID: id, Seq: seq, Status: dedup.Status(st), DupOf: f[2], Owner: f[4]}
	if f[3] != "" {
		e.Sig = []byte(f[3])
	}
	for i, t := range []*time.Time{&e.Lease, &e.Added, &e.Expires} {
		if f[5+i] == "" {
			continue
		}
		ms, err := strconv.ParseInt(f[5+i], 10, 64)
		if err != nil {
			return dedup.Entry{}, fmt.Errorf("entry %q: %s: %w", id, entryFields[5+i], err)
		}
		if ms > 0 {
			*t = time.UnixMilli(ms)
		}
	}
	return e, nil
}

// millis returns t in Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() || t.UnixMilli() < 0 {
		return 0
	}
	return t.UnixMilli()
}

func packBands(bands []uint64) []byte {
	b := make([]byte, 0, 8*len(bands))
	for _, k := range bands {
		b = binary.BigEndian.AppendUint64(b, k)
	}
	return b
}

// unpackBands reads the b field of an entry; a trailing partial key (a
// corrupt field) is ignored.
func unpackBands(b string) []uint64 {
	out := make([]uint64, 0, len(b)/8)
	for i := 0; i+8 <= len(b); i += 8 {
		out = append(out, binary.BigEndian.Uint64([]byte(b[i:i+8])))
	}
	return out
}
