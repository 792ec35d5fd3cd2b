package redisstore

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
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
	t, err := parseURL1(raw, forceCluster)
	if err != nil {
		// go-redis's errors may quote parts of the URL: never the password.
		return nil, scrub(err, raw)
	}
	return t, nil
}

// quoted matches the quoted parts of an error message.
var quoted = regexp.MustCompile(`"[^"]*"`)

func parseURL1(raw string, forceCluster bool) (*target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// A url.Error repeats the URL, password included, and its cause
		// may quote a part of it (invalid port ":PASSWORD"): keep the
		// cause without its quotes.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		msg := quoted.ReplaceAllString(err.Error(), `"…"`)
		return nil, fmt.Errorf("redisstore: invalid URL (not shown: it may hold a password; one with @ / ? # or %% in it must be percent-encoded): %s", msg)
	}
	t := &target{redacted: redact(u)}
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
	// RESP2 unless the URL asks for a protocol: the store uses nothing
	// of RESP3 (push notifications, client-side caching), and go-redis
	// looks for pending push notifications before reading each reply of
	// a RESP3 connection, a twentieth of the CPU of a check-and-add
	// server on Redis.
	if !q.Has("protocol") {
		q.Set("protocol", "2")
	}
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

// scrub replaces, should an error repeat them, the parts of url that
// redact leaves out (the password, and the query parameters, path,
// opaque part and fragment where a mistyped URL may have put it): go-redis
// quotes an unknown option, and "redis://?:PASSWORD@host" makes the
// password one.
func scrub(err error, rawURL string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	hidden := hiddenParts(rawURL)
	changed := false
	for _, h := range hidden {
		// As written, and as %q writes it inside quotes.
		q := strconv.Quote(h)
		for _, form := range []string{h, q[1 : len(q)-1]} {
			if strings.Contains(msg, form) {
				msg, changed = strings.ReplaceAll(msg, form, "xxxxx"), true
			}
		}
	}
	if !changed {
		return err
	}
	return errors.New(msg)
}

// hiddenParts returns the parts of rawURL that redact does not show,
// longest first: the password, and, of three bytes or more, the query
// (as written and decoded), the parameters redact drops, a path that is
// not a database number, the opaque part and the fragment.
func hiddenParts(rawURL string) []string {
	var out []string
	if pw := urlPassword(rawURL); pw != "" {
		out = append(out, pw)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return out
	}
	add := func(parts ...string) {
		for _, p := range parts {
			if len(p) >= 3 {
				out = append(out, p)
			}
		}
	}
	if dq, err := url.QueryUnescape(u.RawQuery); err == nil {
		add(dq)
	}
	add(u.RawQuery, u.Opaque, u.Fragment)
	if !dbPath.MatchString(u.Path) {
		// go-redis quotes the path without its slashes as a database
		// number.
		add(u.Path, strings.Trim(u.Path, "/"), u.EscapedPath(), strings.Trim(u.EscapedPath(), "/"))
	}
	q, _ := url.ParseQuery(u.RawQuery)
	for k, vs := range q {
		shown := shownParams[k]
		if !shown {
			add(k)
		}
		for _, v := range vs {
			if !shown || strings.ContainsAny(v, "@/?#") {
				add(v)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// shownParams are the query parameters redact shows: those that name
// the index.
var shownParams = map[string]bool{"prefix": true, "cluster": true, "addr": true}

// redact returns u for messages: scheme, user, host and database number,
// with the password shown as xxxxx. The query, any other path, an opaque
// part and a fragment are left out, since a mistyped URL may have put
// the password there.
func redact(u *url.URL) string {
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	if u.User != nil {
		b.WriteString(url.User(u.User.Username()).String())
		b.WriteString(":xxxxx@")
	}
	// A host with a port of other than digits, or a URL with a
	// fragment, is a password with "#" or "@" in it typed unescaped
	// ("redis://:pa:ss#word@host" parses as host "pa:ss"): not shown.
	if u.Fragment != "" || !hostShape.MatchString(u.Host) {
		b.WriteString("…")
	} else {
		b.WriteString(u.Host)
	}
	if dbPath.MatchString(u.Path) {
		b.WriteString(u.Path)
	} else if u.Path != "" {
		b.WriteString("/…")
	}
	if u.RawQuery != "" {
		// The parameters that name the index, and no other.
		q, _ := url.ParseQuery(u.RawQuery)
		keep := url.Values{}
		for _, k := range []string{"prefix", "cluster", "addr"} { // shownParams, in order
			for _, v := range q[k] {
				if !strings.ContainsAny(v, "@/?#") {
					keep.Add(k, v)
				}
			}
		}
		b.WriteString("?")
		if len(keep) > 0 {
			b.WriteString(keep.Encode())
			if len(keep) < len(q) {
				b.WriteString("&…")
			}
		} else {
			b.WriteString("…")
		}
	}
	return b.String()
}

// hostShape matches a host with an optional port of digits: a name or
// an IPv4 address without a colon, or an IPv6 address in brackets.
var hostShape = regexp.MustCompile(`^(?:[^:\[\]]*|\[[0-9A-Za-z:.%]*\])(?::[0-9]*)?$`)

// dbPath matches the path of a database number.
var dbPath = regexp.MustCompile(`^/[0-9]{0,5}$`)

// Redact returns a Redis URL fit for messages and logs: scheme, user,
// host and database number, the password shown as xxxxx, and nothing
// else of it; "redis://…" for a URL that does not parse.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "redis://…"
	}
	return redact(u)
}
