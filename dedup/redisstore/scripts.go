package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/newsdedup/newsdedup/dedup"
)

// The scripts each touch the one entry hash in KEYS[1] (see the key
// layout), so they run on Redis Cluster, and each returns what the entry
// was before it ran, so that the caller can move the counters of P:stats.

// statusAbsent is what the scripts return as the old status of an entry
// that was not there.
const statusAbsent = -1

// putScript writes the entry (ARGV: seq, status, dupOf, signature, packed
// band keys) and returns {old status or -1, old packed band keys}.
var putScript = redis.NewScript(`
local old = redis.call('HMGET', KEYS[1], 's', 'b')
redis.call('HSET', KEYS[1], 'q', ARGV[1], 's', ARGV[2], 'd', ARGV[3], 'g', ARGV[4], 'b', ARGV[5])
if not old[1] then return {-1, ''} end
return {tonumber(old[1]) or -2, old[2] or ''}
`)

// statusScript sets status and dupOf (ARGV) of an existing entry and
// returns its old status, or -1 (changing nothing) when there is none.
var statusScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], 's')
if not old then return -1 end
redis.call('HSET', KEYS[1], 's', ARGV[1], 'd', ARGV[2])
return tonumber(old) or -2
`)

// removeScript deletes the entry and returns {old status or -1, old
// packed band keys}.
var removeScript = redis.NewScript(`
local old = redis.call('HMGET', KEYS[1], 's', 'b')
if not old[1] then return {-1, ''} end
redis.call('DEL', KEYS[1])
return {tonumber(old[1]) or -2, old[2] or ''}
`)

// scriptOld reads the {old status, old band keys} reply of putScript or
// removeScript.
func scriptOld(c *redis.Cmd) (status int, bands string, err error) {
	v, err := c.Slice()
	if err != nil {
		return 0, "", err
	}
	if len(v) != 2 {
		return 0, "", fmt.Errorf("script reply of %d values, want 2", len(v))
	}
	st, ok := v[0].(int64)
	if !ok || st < statusAbsent || st > int64(dedup.StatusDuplicate) {
		return 0, "", fmt.Errorf("entry with an invalid status (%v)", v[0])
	}
	bands, ok = v[1].(string)
	if !ok {
		return 0, "", fmt.Errorf("entry band keys of unexpected type %T", v[1])
	}
	return int(st), bands, nil
}

// counters are moves of the P:stats fields.
type counters struct{ entries, admitted, duplicates int64 }

// counterMove is the move of the counters when an entry goes from status
// old to status new, either being statusAbsent for no entry.
func counterMove(old, new int) counters {
	var c counters
	c.add(old, -1)
	c.add(new, +1)
	return c
}

func (c *counters) add(st int, d int64) {
	if st == statusAbsent {
		return
	}
	c.entries += d
	switch dedup.Status(st) {
	case dedup.StatusAdmitted:
		c.admitted += d
	case dedup.StatusDuplicate:
		c.duplicates += d
	}
}

func (c counters) minus(d counters) counters {
	return counters{c.entries - d.entries, c.admitted - d.admitted, c.duplicates - d.duplicates}
}

// queue adds an HINCRBY per non-zero move to pipe.
func (c counters) queue(ctx context.Context, pipe redis.Pipeliner, key string) {
	for _, f := range []struct {
		field string
		d     int64
	}{{statEntries, c.entries}, {statAdmitted, c.admitted}, {statDuplicates, c.duplicates}} {
		if f.d != 0 {
			pipe.HIncrBy(ctx, key, f.field, f.d)
		}
	}
}
