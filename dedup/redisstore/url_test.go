package redisstore

import (
	"crypto/tls"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		reason   string
		url      string
		cluster  bool // Options.Cluster
		wantErr  string
		check    func(t *testing.T, tg *target)
		noSecret bool // the error must not show the password
	}{
		{reason: "password, port and database number", url: "redis://:s3cret@db.example:6380/3",
			check: func(t *testing.T, tg *target) {
				require.NotNil(t, tg.single)
				assert.Equal(t, "db.example:6380", tg.single.Addr)
				assert.Equal(t, "s3cret", tg.single.Password)
				assert.Equal(t, "", tg.single.Username)
				assert.Equal(t, 3, tg.single.DB)
				assert.Nil(t, tg.single.TLSConfig, "redis:// is plain TCP")
				assert.NotContains(t, tg.redacted, "s3cret")
			}},
		{reason: "user and password (ACL), default port and database", url: "redis://crawler:pw@10.0.0.5",
			check: func(t *testing.T, tg *target) {
				require.NotNil(t, tg.single)
				assert.Equal(t, "10.0.0.5:6379", tg.single.Addr)
				assert.Equal(t, "crawler", tg.single.Username)
				assert.Equal(t, "pw", tg.single.Password)
				assert.Equal(t, 0, tg.single.DB)
			}},
		{reason: "rediss:// turns TLS on with the host as server name", url: "rediss://:pw@cache.example:6390/1",
			check: func(t *testing.T, tg *target) {
				require.NotNil(t, tg.single)
				require.NotNil(t, tg.single.TLSConfig)
				assert.Equal(t, "cache.example", tg.single.TLSConfig.ServerName)
				assert.GreaterOrEqual(t, tg.single.TLSConfig.MinVersion, uint16(tls.VersionTLS12))
			}},
		{reason: "the prefix parameter is ours, the rest go-redis's", url: "redis://h:1/0?prefix=crawl1&dial_timeout=2s",
			check: func(t *testing.T, tg *target) {
				require.NotNil(t, tg.single)
				assert.Equal(t, "crawl1", tg.prefix)
				assert.Equal(t, "2s", tg.single.DialTimeout.String())
			}},
		{reason: "cluster=true and addr seeds make a cluster client", url: "redis://:pw@n1:7000?cluster=true&addr=n2:7001&addr=n3:7002",
			check: func(t *testing.T, tg *target) {
				require.Nil(t, tg.single)
				require.NotNil(t, tg.cluster)
				assert.Equal(t, []string{"n1:7000", "n2:7001", "n3:7002"}, tg.cluster.Addrs)
				assert.Equal(t, "pw", tg.cluster.Password)
			}},
		{reason: "Options.Cluster makes a cluster client of a plain URL; /0 is allowed", url: "rediss://n1:7000/0", cluster: true,
			check: func(t *testing.T, tg *target) {
				require.NotNil(t, tg.cluster)
				require.NotNil(t, tg.cluster.TLSConfig)
				assert.Equal(t, "n1", tg.cluster.TLSConfig.ServerName)
			}},
		{reason: "cluster=false keeps a single server", url: "redis://h:1/2?cluster=false",
			check: func(t *testing.T, tg *target) {
				require.NotNil(t, tg.single)
				assert.Equal(t, 2, tg.single.DB)
			}},
		{reason: "a cluster has database 0 only", url: "redis://n1:7000/2?cluster=true", wantErr: "only database 0"},
		{reason: "other schemes are refused", url: "http://:pw@h:80/", wantErr: `scheme "http"`, noSecret: true},
		{reason: "a path is not a database number", url: "redis://:pw@h/x", wantErr: "invalid database number", noSecret: true},
		{reason: "cluster takes a boolean", url: "redis://h?cluster=maybe", wantErr: "not a boolean"},
		{reason: "unknown parameters are refused, not ignored", url: "redis://:pw@h/0?prefx=a", wantErr: "unexpected option", noSecret: true},
		{reason: "a malformed URL does not echo its password", url: "redis://:pw@h:port/0", wantErr: "invalid", noSecret: true},
	}
	for _, c := range cases {
		tg, err := parseURL(c.url, c.cluster)
		if c.wantErr != "" {
			require.Error(t, err, c.reason)
			assert.Contains(t, err.Error(), c.wantErr, c.reason)
			assert.Contains(t, err.Error(), "redisstore: ", c.reason)
			if c.noSecret {
				assert.NotContains(t, err.Error(), "pw@", "no password in %q (%s)", err, c.reason)
			}
			continue
		}
		require.NoError(t, err, c.reason)
		t.Run(c.reason, func(t *testing.T) { c.check(t, tg) })
	}
}
