package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syntheticStories returns n stories of random words (seeded), which
// share no word 4-gram with one another, each with copies of itself as a
// crawl meets them: the same page under other urls, one with a paragraph
// less, one with a share prompt more.
func syntheticStories(n, copies int, seed uint64) [][]map[string]any {
	rng := rand.New(rand.NewPCG(seed, 1))
	word := func() string {
		const letters = "abcdefghijklmnopqrstuvwxyz"
		b := make([]byte, 3+rng.IntN(6))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	sentence := func(words int) string {
		ws := make([]string, words)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ") + "."
	}
	out := make([][]map[string]any, n)
	for s := range out {
		title := sentence(7)
		paras := make([]string, 6)
		for i := range paras {
			paras[i] = sentence(25 + rng.IntN(15))
		}
		for c := range copies {
			ps := paras
			switch c % 3 {
			case 1:
				ps = paras[:len(paras)-1]
			case 2:
				ps = append(append([]string(nil), paras...), "Share this article on Facebook")
			}
			out[s] = append(out[s], map[string]any{
				"url": fmt.Sprintf("https://site%d.example/story-%d", c, s), "title": title, "text": strings.Join(ps, "\n")})
		}
	}
	return out
}

// TestCheckAndAddExactlyOnce posts copies of the same stories from 16
// clients at once, each in its own order: every story must be admitted
// exactly once, and every other copy name the admitted one.
func TestCheckAndAddExactlyOnce(t *testing.T) {
	const clients, stories = 16, 30
	for _, name := range testStores {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(mustServer(t, openTestStore(t, name), nil))
			defer srv.Close()
			ss := syntheticStories(stories, clients, 42)
			storyOf := map[string]int{}
			for s, copies := range ss {
				for _, c := range copies {
					storyOf[c["url"].(string)] = s
				}
			}
			type verdict struct {
				id, dupOf string
				admitted  bool
			}
			results := make([][]verdict, clients)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for c := range clients {
				wg.Go(func() {
					// Client c posts copy c of every story, in an order of
					// its own, one request each.
					order := rand.New(rand.NewPCG(uint64(c), 7)).Perm(stories)
					<-start
					for _, s := range order {
						body, _ := json.Marshal(ss[s][c])
						resp, err := http.Post(srv.URL+"/v1/check-and-add", "application/json", bytes.NewReader(body))
						if !assert.NoError(t, err) {
							return
						}
						out, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						if !assert.Equal(t, http.StatusOK, resp.StatusCode, string(out)) {
							return
						}
						var a admission
						if !assert.NoError(t, json.Unmarshal(out, &a)) {
							return
						}
						results[c] = append(results[c], verdict{a.ID, a.DuplicateOf, a.Admitted})
					}
				})
			}
			close(start)
			wg.Wait()
			admitted := map[int]string{}
			for _, vs := range results {
				for _, v := range vs {
					if v.admitted {
						s := storyOf[v.id]
						assert.Empty(t, admitted[s], "story %d admitted twice: %s and %s", s, admitted[s], v.id)
						admitted[s] = v.id
					}
				}
			}
			require.Len(t, admitted, stories, "every story admitted once")
			n := 0
			for _, vs := range results {
				for _, v := range vs {
					n++
					if !v.admitted {
						assert.Equal(t, admitted[storyOf[v.id]], v.dupOf, "%s duplicates its story's admitted copy", v.id)
					}
				}
			}
			assert.Equal(t, clients*stories, n)
		})
	}
}
