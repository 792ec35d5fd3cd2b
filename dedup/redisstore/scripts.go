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

// statusLeaseLost is what statusScript and takeOverScript return when the
// entry is not pending under the owner given.
const statusLeaseLost = -3

// entryFields are the hash fields of an entry, in the order of
// decodeEntry.
var entryFields = []string{fieldSeq, fieldStatus, fieldDupOf, fieldSig, fieldOwner, fieldLease, fieldAdded, fieldExpires}

// insertScript creates the entry when there is none (ARGV: seq, status,
// dupOf, signature, packed band keys, owner, lease, added, expires, all
// as stored; expires "0" is never) and returns {1}; else it changes
// nothing and returns {0, the entry's fields (entryFields), its packed
// band keys}.
var insertScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  local e = redis.call('HMGET', KEYS[1], 'q', 's', 'd', 'g', 'o', 'l', 'a', 'x', 'b')
  return {0, e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8], e[9]}
end
redis.call('HSET', KEYS[1], 'q', ARGV[1], 's', ARGV[2], 'd', ARGV[3], 'g', ARGV[4], 'b', ARGV[5],
  'o', ARGV[6], 'l', ARGV[7], 'a', ARGV[8], 'x', ARGV[9])
if ARGV[9] ~= '0' then redis.call('PEXPIREAT', KEYS[1], ARGV[9]) end
return {1}
`)

// statusScript sets status and dupOf (ARGV[2], ARGV[3]) of the entry
// pending under owner ARGV[1], ending the lease (the owner stays, as the
// writer that decided), and returns 0; it
// returns -1 (no entry) or -3 (not pending under that owner), changing
// nothing.
var statusScript = redis.NewScript(`
local old = redis.call('HMGET', KEYS[1], 's', 'o')
if not old[1] then return -1 end
if old[1] ~= '0' or (old[2] or '') ~= ARGV[1] then return -3 end
redis.call('HSET', KEYS[1], 's', ARGV[2], 'd', ARGV[3], 'l', '0')
return 0
`)

// takeOverScript hands the lease of the entry pending under owner ARGV[1]
// to ARGV[2] until ARGV[3] and returns 0; it returns -1 or -3 as
// statusScript does.
var takeOverScript = redis.NewScript(`
local old = redis.call('HMGET', KEYS[1], 's', 'o')
if not old[1] then return -1 end
if old[1] ~= '0' or (old[2] or '') ~= ARGV[1] then return -3 end
redis.call('HSET', KEYS[1], 'o', ARGV[2], 'l', ARGV[3])
return 0
`)

// removeScript deletes the entry and returns {old status or -1, old
// packed band keys}.
var removeScript = redis.NewScript(`
local old = redis.call('HMGET', KEYS[1], 's', 'b')
if not old[1] then return {-1, ''} end
redis.call('DEL', KEYS[1])
return {tonumber(old[1]) or -2, old[2] or ''}
`)

// scriptOld reads the {old status, old band keys} reply of removeScript.
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
