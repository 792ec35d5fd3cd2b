// Package redisstore is a dedup.Store on Redis (go-redis v9): one index
// shared by every crawler process and machine that opens the same URL and
// prefix. It runs on a single server and on Redis Cluster.
//
// # Key layout
//
// Every key starts with the namespace prefix P (Options.Prefix, default
// "newsdedup") and a colon:
//
//   - P:seq is a string counter. NextSeq is one INCR on it, so claim
//     numbers are unique and increasing across all clients.
//   - P:e:ID is a hash per article ID (the raw id bytes, any string) with
//     the fields q (seq, decimal), s (status, 0 pending, 1 admitted, 2
//     duplicate), d (the DupOf id), g (the encoded signature, opaque bytes)
//     and b (the entry's band keys, 8 bytes each, big-endian, so that
//     Remove and a replacing Put know which sets to leave).
//   - P:b:HHHHHHHHHHHHHHHH is a set per LSH band key, written as 16 lower
//     hex digits, holding the ids filed under it. Redis deletes a set when
//     its last member goes, so no empty sets are left.
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
// write the single entry hash named in KEYS[1]. An operation on several
// keys is a pipeline of single-key commands; go-redis splits it by node.
// Reads go to masters only (the client is never told to read replicas),
// so every acknowledged write is visible to every later read.
//
// # Ordering
//
// Put writes the entry hash and adds the id to its band sets; on Cluster
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
// rare corrections below), whatever the number of band keys, so a
// CheckAndAdd of dedup.Index costs six round trips: Get, INCR, Put,
// SMEMBERS of the bands, HMGET of the candidates, SetStatus. Calls made
// at the same moment by different goroutines share pipelines (unless
// Options.NoBatching): with 16 goroutines checking articles a Store sends
// about 2.5 pipelines per article instead of 6.
//
// # Counters
//
// Stats reads P:stats (one command) rather than scanning the keys. Each
// counter move is sent in the same pipeline as the script that changes the
// entry, assuming the common case (Put of a new id, SetStatus of a pending
// entry); the script returns what the entry was, and when the guess was
// wrong a second pipeline corrects the counters. A client that dies
// between the two can leave them off by one; the entries themselves are
// always right. BandKeys is -1: counting the sets would take a SCAN.
package redisstore

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

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
	// NoBatching sends the commands of each call as a pipeline of its own.
	// False (the default) packs the commands of concurrent calls, from
	// many goroutines, into shared pipelines, which saves the client and
	// the server much CPU when many goroutines check articles at once.
	NoBatching bool
}

// DefaultPipelines is the most batched pipelines in flight when
// Options.Pipelines is zero.
const DefaultPipelines = 4

// Store is a dedup.Store on Redis. It is safe for concurrent use by many
// goroutines, and by many processes and machines that open the same
// server (or cluster) with the same prefix.
type Store struct {
	c      redis.UniversalClient
	b      *batcher // nil with Options.NoBatching
	prefix string
	batch  int
	seq    string // P:seq
	stats  string // P:stats
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
	c := p.client(o)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redisstore: %s: %w", p.redacted, err)
	}
	s := &Store{
		c:      c,
		prefix: o.Prefix,
		batch:  o.PipelineBatch,
		seq:    o.Prefix + ":seq",
		stats:  o.Prefix + ":stats",
	}
	if !o.NoBatching {
		s.b = newBatcher(c, o.PipelineBatch, o.Pipelines)
	}
	return s, nil
}

// Prefix returns the key namespace of the store.
func (s *Store) Prefix() string { return s.prefix }

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
	fieldSeq    = "q"
	fieldStatus = "s"
	fieldDupOf  = "d"
	fieldSig    = "g"
	fieldBands  = "b"
)

// Counter fields of P:stats.
const (
	statEntries    = "entries"
	statAdmitted   = "admitted"
	statDuplicates = "duplicates"
)

// NextSeq returns a claim number greater than every one returned before
// by any client of the namespace (INCR P:seq).
func (s *Store) NextSeq(ctx context.Context) (uint64, error) {
	var incr *redis.IntCmd
	err := s.run(ctx, func(pipe redis.Pipeliner) { incr = pipe.Incr(ctx, s.seq) })
	if err != nil {
		return 0, fmt.Errorf("redisstore: next seq: %w", err)
	}
	n := incr.Val()
	if n <= 0 {
		return 0, fmt.Errorf("redisstore: next seq: counter %s is %d", s.seq, n)
	}
	return uint64(n), nil
}

// Put stores e, replacing an entry of the same id, and files it under
// bands. In the common case (a new id) it is one pipeline: the put script
// on P:e:ID, an SADD per band key and the counter moves.
func (s *Store) Put(ctx context.Context, e dedup.Entry, bands []uint64) error {
	if e.Status > dedup.StatusDuplicate {
		return fmt.Errorf("redisstore: put %q: invalid status %d", e.ID, e.Status)
	}
	packed := packBands(bands)
	guess := counterMove(statusAbsent, int(e.Status))
	var put *redis.Cmd
	err := s.run(ctx, func(pipe redis.Pipeliner) {
		put = putScript.Eval(ctx, pipe, []string{s.entryKey(e.ID)},
			strconv.FormatUint(e.Seq, 10), int(e.Status), e.DupOf, e.Sig, packed)
		for _, b := range bands {
			pipe.SAdd(ctx, s.bandKey(b), e.ID)
		}
		guess.queue(ctx, pipe, s.stats)
	})
	if err != nil {
		return fmt.Errorf("redisstore: put %q: %w", e.ID, err)
	}
	old, oldBands, err := scriptOld(put)
	if err != nil {
		return fmt.Errorf("redisstore: put %q: %w", e.ID, err)
	}
	if old == statusAbsent {
		return nil
	}
	// The id was there: correct the counters and leave the band sets the
	// old entry was in and the new one is not.
	keep := make(map[uint64]bool, len(bands))
	for _, b := range bands {
		keep[b] = true
	}
	err = s.run(ctx, func(pipe redis.Pipeliner) {
		counterMove(old, int(e.Status)).minus(guess).queue(ctx, pipe, s.stats)
		for _, b := range unpackBands(oldBands) {
			if !keep[b] {
				pipe.SRem(ctx, s.bandKey(b), e.ID)
			}
		}
	})
	if err != nil {
		return fmt.Errorf("redisstore: put %q: %w", e.ID, err)
	}
	return nil
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
				cmds[i] = pipe.HMGet(ctx, s.entryKey(id), fieldSeq, fieldStatus, fieldDupOf, fieldSig)
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

// SetStatus records the decision about id: the status script on P:e:ID
// (which never creates an entry) and the counter moves, in one pipeline
// when the entry was pending. It returns dedup.ErrNotFound when there is
// no entry of id.
func (s *Store) SetStatus(ctx context.Context, id string, st dedup.Status, dupOf string) error {
	if st > dedup.StatusDuplicate {
		return fmt.Errorf("redisstore: set status %q: invalid status %d", id, st)
	}
	guess := counterMove(int(dedup.StatusPending), int(st))
	var set *redis.Cmd
	err := s.run(ctx, func(pipe redis.Pipeliner) {
		set = statusScript.Eval(ctx, pipe, []string{s.entryKey(id)}, int(st), dupOf)
		guess.queue(ctx, pipe, s.stats)
	})
	if err != nil {
		return fmt.Errorf("redisstore: set status %q: %w", id, err)
	}
	old, err := set.Int()
	if err != nil {
		return fmt.Errorf("redisstore: set status %q: %w", id, err)
	}
	if old == int(dedup.StatusPending) {
		return nil
	}
	fix := counterMove(old, int(st)).minus(guess)
	if old == statusAbsent {
		fix = counters{}.minus(guess) // nothing changed: take the guess back
	}
	if err := s.run(ctx, func(pipe redis.Pipeliner) { fix.queue(ctx, pipe, s.stats) }); err != nil {
		return fmt.Errorf("redisstore: set status %q: %w", id, err)
	}
	if old == statusAbsent {
		return fmt.Errorf("redisstore: set status %q: %w", id, dedup.ErrNotFound)
	}
	return nil
}

// Get returns the entry of id (one HMGET), or dedup.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (dedup.Entry, error) {
	var get *redis.SliceCmd
	err := s.run(ctx, func(pipe redis.Pipeliner) {
		get = pipe.HMGet(ctx, s.entryKey(id), fieldSeq, fieldStatus, fieldDupOf, fieldSig)
	})
	if err != nil {
		return dedup.Entry{}, fmt.Errorf("redisstore: get %q: %w", id, err)
	}
	e, err := decodeEntry(id, get.Val())
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
// adds no command sends nothing.
func (s *Store) run(ctx context.Context, queue func(pipe redis.Pipeliner)) error {
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

// decodeEntry makes an Entry of the HMGET values q, s, d, g of id.
func decodeEntry(id string, vals []any) (dedup.Entry, error) {
	if len(vals) != 4 {
		return dedup.Entry{}, fmt.Errorf("entry %q: %d fields, want 4", id, len(vals))
	}
	if vals[0] == nil && vals[1] == nil {
		return dedup.Entry{}, dedup.ErrNotFound
	}
	var f [4]string
	for i, v := range vals {
		if v == nil {
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
	e := dedup.Entry{ID: id, Seq: seq, Status: dedup.Status(st), DupOf: f[2]}
	if f[3] != "" {
		e.Sig = []byte(f[3])
	}
	return e, nil
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
