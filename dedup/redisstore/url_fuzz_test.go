package redisstore

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// secret is the password every fuzzed URL carries.
const secret = "S3cr3tPw"

// FuzzURLSecret builds Redis URLs of every form (userinfo with and
// without a user, percent-encoding, query parameters, IPv6 hosts, the
// cluster form) around a password, and checks that neither parseURL's
// errors, the redacted form nor Open's error ever show it.
func FuzzURLSecret(f *testing.F) {
	for _, s := range []struct {
		scheme, user, pwSuffix, host, path, query string
		raw                                       bool
	}{
		{"redis", "", "", "127.0.0.1:1", "/0", "", false},
		{"redis", "crawler", "x", "127.0.0.1:1", "/abc", "", false},
		{"rediss", "", "%zz", "[::1]:1", "/2", "prefix=p", true},
		{"redis", "u", "", "[::1", "/0", "", true},
		{"redis", "", "", "127.0.0.1:1", "", "cluster=maybe", false},
		{"redis", "", "", "127.0.0.1:1", "/3", "cluster=true&addr=127.0.0.1:2", false},
		{"redis", "", "@", "127.0.0.1:notaport", "/0", "dial_timeout=zz", false},
		{"redis", "", "/", "h:1", "/0", "unknown_option=1", true},
		{"http", "", "", "127.0.0.1:1", "/0", "", false},
		{"redis", "", " ", "127.0.0.1:1", "/0?x", "", true},
	} {
		f.Add(s.scheme, s.user, s.pwSuffix, s.host, s.path, s.query, s.raw)
	}
	f.Fuzz(func(t *testing.T, scheme, user, pwSuffix, host, path, query string, raw bool) {
		for _, part := range []string{scheme, user, host, path, query} {
			if strings.Contains(strings.ToLower(part), strings.ToLower(secret[:4])) {
				return // the password's letters elsewhere prove nothing
			}
		}
		pw := secret + pwSuffix
		var u string
		userinfo := url.UserPassword(user, pw).String()
		if raw {
			// Unescaped, as a person might type it.
			userinfo = user + ":" + pw
		}
		u = scheme + "://" + userinfo + "@" + host + path
		if query != "" {
			u += "?" + query
		}
		check := func(what, s string) {
			if strings.Contains(s, secret) {
				t.Fatalf("%s shows the password: %q (URL %q)", what, s, u)
			}
		}
		tg, err := parseURL(u, false)
		if err != nil {
			check("parseURL's error", err.Error())
		} else {
			check("the redacted URL", tg.redacted)
		}
		if _, err := parseURL(u, true); err != nil {
			check("parseURL's cluster error", err.Error())
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // no connection: Open fails at once, after parsing
		if _, err := Open(ctx, u, &Options{Retry: -1}); err != nil {
			check("Open's error", err.Error())
		}
	})
}
