package redisstore

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// target is a parsed Redis URL: the options of a single-server client or
// of a cluster client (one of the two is set), and the parameters of ours.
type target struct {
	single   *redis.Options
	cluster  *redis.ClusterOptions
	prefix   string // the prefix parameter, "" when absent
	redacted string // the URL without its password, for messages
}

// parseURL reads a redis:// or rediss:// URL. It takes out the prefix and
// cluster parameters and hands the rest to go-redis's parsers: ParseURL
// for a single server, ParseClusterURL when the cluster parameter or
// forceCluster says so.
func parseURL(raw string, forceCluster bool) (*target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// A url.Error repeats the URL, password included: keep the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("redisstore: invalid URL: %w", err)
	}
	t := &target{redacted: u.Redacted()}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, fmt.Errorf("redisstore: %s: scheme %q is not redis or rediss", t.redacted, u.Scheme)
	}
	q := u.Query()
	t.prefix = q.Get("prefix")
	q.Del("prefix")
	cluster := forceCluster
	if v := q.Get("cluster"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("redisstore: %s: cluster=%q is not a boolean", t.redacted, v)
		}
		cluster = cluster || b
	}
	q.Del("cluster")
	u.RawQuery = q.Encode()

	if !cluster {
		if t.single, err = redis.ParseURL(u.String()); err != nil {
			return nil, fmt.Errorf("redisstore: %s: %w", t.redacted, err)
		}
		return t, nil
	}
	if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
		return nil, fmt.Errorf("redisstore: %s: a cluster has only database 0, not %q", t.redacted, db)
	}
	if q.Has("db") {
		return nil, fmt.Errorf("redisstore: %s: a cluster has only database 0 (no db parameter)", t.redacted)
	}
	u.Path = ""
	if t.cluster, err = redis.ParseClusterURL(u.String()); err != nil {
		return nil, fmt.Errorf("redisstore: %s: %w", t.redacted, err)
	}
	return t, nil
}

// client makes the go-redis client of t with o's settings.
func (t *target) client(o Options) redis.UniversalClient {
	if t.cluster != nil {
		c := t.cluster
		if o.TLSConfig != nil {
			c.TLSConfig = o.TLSConfig
		}
		if o.PoolSize > 0 {
			c.PoolSize = o.PoolSize
		}
		// Never read from replicas: a write acknowledged by a master must
		// be seen by every later read (see the package comment).
		c.ReadOnly, c.RouteByLatency, c.RouteRandomly = false, false, false
		return redis.NewClusterClient(c)
	}
	c := t.single
	if o.TLSConfig != nil {
		c.TLSConfig = o.TLSConfig
	}
	if o.PoolSize > 0 {
		c.PoolSize = o.PoolSize
	}
	return redis.NewClient(c)
}

// urlPassword returns the password of a URL's userinfo, "" when it has
// none or does not parse.
func urlPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}
