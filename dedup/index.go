package dedup

// This file holds the Index: near-duplicate look-up and atomic admission of
// articles over a Store.
//
// # Admission (CheckAndAdd)
//
// CheckAndAdd must admit exactly one of N copies of a story submitted at
// the same moment by workers that share a store, with no transaction
// spanning keys (so that it runs on Redis Cluster). It claims, inserts,
// then queries:
//
//  1. seq := Store.NextSeq()
//  2. Store.Put(Entry{ID, seq, Pending, sig}, band keys)
//  3. Store.Candidates(band keys), each verified: its similarity to the
//     article must reach the threshold (Similarity, from the signatures).
//  4. If a verified candidate has a lower seq, the article duplicates the
//     lowest-seq one: SetStatus(Duplicate, it) at once, then follow DupOf
//     (waiting while an entry is Pending) to the admitted article it leads
//     to, and record that one.
//  5. Otherwise wait until every verified candidate with a higher seq is
//     decided (poll Get with backoff, bounded by Options.WaitTimeout).
//     If one was admitted, the article duplicates it (the lowest-seq such).
//     Else the article is admitted.
//
// Why exactly one copy of a story is admitted (copies pairwise similar;
// similarity is symmetric, so they verify each other). Take two copies A
// and B with seq(A) < seq(B). Either B's query saw A: then B has a
// verified lower candidate and is a duplicate (step 4). Or it did not:
// then A's Put landed after B's query, hence after B's Put, and A's query,
// which follows A's Put, sees B; B's seq being higher, A waits for B's
// decision and is a duplicate if B was admitted (step 5). So no two copies
// are both admitted. And one is: the lowest-seq copy has no lower
// candidate, so it is a duplicate only of an admitted higher copy. Waits go
// from a Pending entry to Pending entries of higher seq (step 5), or from
// an already decided entry downwards (step 4 sets its status before it
// waits), so no cycle of waits, and no deadlock, can form.
//
// A worker that dies between Put and SetStatus leaves a Pending entry;
// others that meet it wait WaitTimeout and then fail with ErrWaitTimeout
// until it is removed (newsdedup index remove ID).

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/newsdedup/newsdedup/dedup/internal/minhash"
)

// Match is an indexed article similar to the one checked.
type Match struct {
	// ID is the indexed article.
	ID string
	// Similarity is the score compared with the threshold (see
	// Similarity); Jaccard and Containment are its parts.
	Similarity, Jaccard, Containment float64
	// Status and DupOf are the indexed article's admission state.
	Status Status
	DupOf  string
	// Seq is the indexed article's claim number.
	Seq uint64
}

// Result is the outcome of CheckAndAdd.
type Result struct {
	// Admitted is true when the article was new and is now the indexed
	// copy of its story.
	Admitted bool
	// DupOf names the admitted article this one duplicates when Admitted
	// is false.
	DupOf string
	// Existing is true when an entry of the same id was already in the
	// index; the index is then unchanged and DupOf names the id itself
	// (or, when that entry is a duplicate, the article it duplicates).
	Existing bool
	// Matches are the verified near-duplicates found, most similar first.
	Matches []Match
}

// IndexStats describe an Index and what its store holds.
type IndexStats struct {
	StoreStats
	// Threshold, NumHashes and ShingleSize are the index's options;
	// Bands and Rows its LSH banding (Bands×Rows hash values).
	Threshold   float64
	NumHashes   int
	ShingleSize int
	Bands, Rows int
}

// Index finds near-duplicate articles among those added to its Store. It
// is safe for concurrent use, and several Indexes (in several processes)
// may share one store as long as they use the same options.
type Index struct {
	store       Store
	threshold   float64
	waitTimeout time.Duration
	sigOpts     minhash.Options
	lsh         minhash.LSHParams
	signers     sync.Pool
}

// OpenIndex returns an Index over store with the near-duplicate settings
// of opts (Threshold, NumHashes, ShingleSize, WaitTimeout; nil means
// DefaultOptions). The Index does not own the store: closing it is the
// caller's business.
func OpenIndex(store Store, opts *Options) (*Index, error) {
	if store == nil {
		return nil, errors.New("dedup: OpenIndex needs a store")
	}
	o := DefaultOptions()
	if opts != nil {
		o = *opts
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	ix := &Index{store: store, threshold: o.Threshold, waitTimeout: o.WaitTimeout,
		sigOpts: minhash.Options{NumHashes: o.NumHashes, ShingleSize: o.ShingleSize}}
	if ix.waitTimeout <= 0 {
		ix.waitTimeout = DefaultOptions().WaitTimeout
	}
	var err error
	if ix.lsh, err = lshFor(o.Threshold, o.NumHashes); err != nil {
		return nil, err
	}
	ix.signers.New = func() any {
		s, _ := minhash.NewSigner(&ix.sigOpts) // validated by check
		return s
	}
	return ix, nil
}

// lshFor returns the banding of the index and of a run's near-duplicates
// at similarity threshold t with k hash values: tuned for
// minhash.CandidateJaccard(t), at most minhash.DefaultMaxBands bands, both
// error areas weighed alike.
func lshFor(t float64, k int) (minhash.LSHParams, error) {
	lt, bands := 0.0, 0
	wfp, wfn := 0.0, 0.0
	return minhash.LSHDefaults(&t, &lt, &bands, &wfp, &wfn, k)
}

// sign returns the signature of doc as the index makes it.
func (ix *Index) sign(doc *Document) minhash.Signature {
	s := ix.signers.Get().(*minhash.Signer)
	sig := s.Sign(doc.model())
	ix.signers.Put(s)
	return sig
}

// Check returns the indexed articles that are near-duplicates of doc,
// most similar first, without changing the index. An entry with doc's id
// is not a match of itself.
func (ix *Index) Check(ctx context.Context, doc *Document) ([]Match, error) {
	return ix.checkSignature(ctx, doc.ID, ix.sign(doc))
}

// checkSignature is Check for an article whose signature is known.
func (ix *Index) checkSignature(ctx context.Context, id string, sig minhash.Signature) ([]Match, error) {
	keys := ix.lsh.AppendBandKeys(nil, sig)
	if len(keys) == 0 {
		return nil, nil
	}
	cands, err := ix.store.Candidates(ctx, keys)
	if err != nil {
		return nil, err
	}
	return ix.verify(id, sig, cands)
}

// verify keeps the candidates similar enough to sig, most similar first
// (ties by seq).
func (ix *Index) verify(id string, sig minhash.Signature, cands []Entry) ([]Match, error) {
	var ms []Match
	var other minhash.Signature
	for _, e := range cands {
		if e.ID == id {
			continue
		}
		if err := other.UnmarshalBinary(e.Sig); err != nil {
			return nil, fmt.Errorf("dedup: entry %q: %w", e.ID, err)
		}
		if !sig.Compatible(other) {
			return nil, fmt.Errorf("%w: entry %q has k=%d, shingle size %d; index k=%d, shingle size %d",
				ErrIncompatible, e.ID, other.NumHashes(), other.ShingleSize(), sig.NumHashes(), sig.ShingleSize())
		}
		s := minhash.Similarity(sig, other)
		if s.Score < ix.threshold {
			continue
		}
		ms = append(ms, Match{ID: e.ID, Similarity: s.Score, Jaccard: s.Jaccard, Containment: s.Containment,
			Status: e.Status, DupOf: e.DupOf, Seq: e.Seq})
	}
	slices.SortFunc(ms, func(a, b Match) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	return ms, nil
}

// Add files doc in the index as admitted, whatever it resembles. Use
// CheckAndAdd to admit only new stories. An entry of the same id is
// replaced.
func (ix *Index) Add(ctx context.Context, doc *Document) error {
	if doc.ID == "" {
		return errors.New("dedup: Add needs an article id")
	}
	sig := ix.sign(doc)
	seq, err := ix.store.NextSeq(ctx)
	if err != nil {
		return err
	}
	b, _ := sig.MarshalBinary()
	return ix.store.Put(ctx, Entry{ID: doc.ID, Seq: seq, Status: StatusAdmitted, Sig: b}, ix.lsh.AppendBandKeys(nil, sig))
}

// Remove deletes the article id from the index; it returns ErrNotFound
// when there is none.
func (ix *Index) Remove(ctx context.Context, id string) error {
	return ix.store.Remove(ctx, id)
}

// Stats counts what the index holds.
func (ix *Index) Stats(ctx context.Context) (IndexStats, error) {
	st, err := ix.store.Stats(ctx)
	if err != nil {
		return IndexStats{}, err
	}
	return IndexStats{StoreStats: st, Threshold: ix.threshold, NumHashes: ix.sigOpts.NumHashes,
		ShingleSize: ix.sigOpts.ShingleSize, Bands: ix.lsh.Bands, Rows: ix.lsh.Rows}, nil
}

// CheckAndAdd checks doc against the index and adds it, atomically with
// respect to every other CheckAndAdd on the same store: of copies of one
// story submitted concurrently exactly one is admitted, and every other
// is told, in Result.DupOf, the admitted article it duplicates (see the
// protocol in the file comment). An article whose id is already indexed is
// reported Existing and not added again.
func (ix *Index) CheckAndAdd(ctx context.Context, doc *Document) (Result, error) {
	if doc.ID == "" {
		return Result{}, errors.New("dedup: CheckAndAdd needs an article id")
	}
	return ix.checkAndAddSignature(ctx, doc.ID, ix.sign(doc))
}

// checkAndAddSignature is CheckAndAdd for an article whose signature is
// known.
func (ix *Index) checkAndAddSignature(ctx context.Context, id string, sig minhash.Signature) (Result, error) {
	if r, ok, err := ix.existing(ctx, id); ok || err != nil {
		return r, err
	}
	seq, err := ix.store.NextSeq(ctx)
	if err != nil {
		return Result{}, err
	}
	enc, _ := sig.MarshalBinary()
	keys := ix.lsh.AppendBandKeys(nil, sig)
	if err := ix.store.Put(ctx, Entry{ID: id, Seq: seq, Status: StatusPending, Sig: enc}, keys); err != nil {
		return Result{}, err
	}
	var ms []Match
	if len(keys) > 0 {
		cands, err := ix.store.Candidates(ctx, keys)
		if err != nil {
			return Result{}, err
		}
		if ms, err = ix.verify(id, sig, cands); err != nil {
			return Result{}, err
		}
	}
	res := Result{Matches: ms}

	// Step 4: a lower-seq near-duplicate decides it.
	var lowest *Match
	for i := range ms {
		if ms[i].Seq < seq && (lowest == nil || ms[i].Seq < lowest.Seq) {
			lowest = &ms[i]
		}
	}
	if lowest != nil {
		if err := ix.store.SetStatus(ctx, id, StatusDuplicate, lowest.ID); err != nil {
			return Result{}, err
		}
		root, err := ix.resolve(ctx, lowest.ID)
		if err != nil {
			return Result{}, err
		}
		if root != lowest.ID {
			if err := ix.store.SetStatus(ctx, id, StatusDuplicate, root); err != nil {
				return Result{}, err
			}
		}
		res.DupOf = root
		return res, nil
	}

	// Step 5: wait for the higher-seq ones still pending.
	higher := make([]Match, 0, len(ms))
	for _, m := range ms {
		if m.Seq > seq {
			higher = append(higher, m)
		}
	}
	slices.SortFunc(higher, func(a, b Match) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, m := range higher {
		st := m.Status
		if st == StatusPending {
			e, err := ix.wait(ctx, m.ID)
			if errors.Is(err, ErrNotFound) {
				continue // removed meanwhile
			}
			if err != nil {
				return Result{}, err
			}
			st = e.Status
		}
		if st == StatusAdmitted {
			if err := ix.store.SetStatus(ctx, id, StatusDuplicate, m.ID); err != nil {
				return Result{}, err
			}
			res.DupOf = m.ID
			return res, nil
		}
	}
	if err := ix.store.SetStatus(ctx, id, StatusAdmitted, ""); err != nil {
		return Result{}, err
	}
	res.Admitted = true
	return res, nil
}

// addCopy records id as a duplicate of the article of, when the caller
// knows that id's body is an exact copy of a body already decided
// (admitted as of, or found a duplicate of of): a crawl fetches one page
// under many urls. It skips the admission protocol, since an exact copy
// has nothing to decide, and files no band keys, since every article
// similar to the copy is as similar to of, which is filed: the store
// keeps the entry only, so that a later run finds the copy by its id.
// When id is already indexed, addCopy changes nothing and reports
// existing, with the article it duplicates (or id itself when admitted).
func (ix *Index) addCopy(ctx context.Context, id string, sig minhash.Signature, of string) (res Result, err error) {
	if id == "" {
		return Result{}, errors.New("dedup: addCopy needs an article id")
	}
	if r, ok, err := ix.existing(ctx, id); ok || err != nil {
		return r, err
	}
	enc, _ := sig.MarshalBinary()
	if err := ix.store.Put(ctx, Entry{ID: id, Status: StatusDuplicate, DupOf: of, Sig: enc}, nil); err != nil {
		return Result{}, err
	}
	return Result{DupOf: of, Matches: []Match{{ID: of, Similarity: 1, Jaccard: 1, Containment: 1, Status: StatusAdmitted}}}, nil
}

// existing reports whether id is indexed already, with the Result that
// says so: DupOf is id itself, or the article it duplicates.
func (ix *Index) existing(ctx context.Context, id string) (Result, bool, error) {
	old, err := ix.store.Get(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return Result{}, false, nil
	case err != nil:
		return Result{}, false, err
	}
	r := Result{Existing: true, DupOf: id}
	if old.Status == StatusDuplicate && old.DupOf != "" {
		r.DupOf = old.DupOf
	}
	return r, true, nil
}

// maxDupChain bounds how many DupOf links resolve follows.
const maxDupChain = 64

// resolve follows DupOf links from id to the admitted article they lead
// to, waiting for pending entries. When the chain breaks (an entry was
// removed) it returns the last article it reached.
func (ix *Index) resolve(ctx context.Context, id string) (string, error) {
	for range maxDupChain {
		e, err := ix.wait(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return id, nil
		}
		if err != nil {
			return "", err
		}
		if e.Status != StatusDuplicate || e.DupOf == "" || e.DupOf == id {
			return id, nil
		}
		id = e.DupOf
	}
	return id, nil
}

// wait polls the entry id until it is no longer pending, backing off from
// 1ms to 50ms, for at most WaitTimeout.
func (ix *Index) wait(ctx context.Context, id string) (Entry, error) {
	deadline := time.Now().Add(ix.waitTimeout)
	delay := time.Millisecond
	for {
		e, err := ix.store.Get(ctx, id)
		if err != nil {
			return Entry{}, err
		}
		if e.Status != StatusPending {
			return e, nil
		}
		if time.Now().After(deadline) {
			return Entry{}, fmt.Errorf("%w: %q", ErrWaitTimeout, id)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return Entry{}, ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}
